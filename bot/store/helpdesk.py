"""Helpdesk links: which ticket a case came from, and the helpdesk write-backs owed to it.

A write-back is recorded before it is attempted and marked done after, so what a run of
faults left unwritten is still known (and retried) later.
"""

from __future__ import annotations

import json
from typing import Any

from bot.helpdesk import TicketLink, WriteBack
from bot.store.base import BaseQueries


class SqlHelpdesk(BaseQueries):
    def link(self, case_id: int, link: TicketLink, at: str) -> None:
        self.db.execute(
            "INSERT INTO helpdesk_links (case_id, helpdesk, ticket_id, url, requester, "
            "organization, callback_url, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (case_id, link.helpdesk, link.ticket_id, link.url, link.requester,
             link.organization, link.callback_url, at))

    def link_of(self, case_id: int) -> TicketLink | None:
        r = self._one("SELECT * FROM helpdesk_links WHERE case_id = ?", (case_id,))
        if r is None:
            return None
        return TicketLink(helpdesk=r["helpdesk"], ticket_id=r["ticket_id"], url=r["url"],
                          requester=r["requester"], organization=r["organization"],
                          callback_url=r["callback_url"])

    def add_write(self, case_id: int, kind: str, payload: dict[str, Any], at: str) -> int:
        return self._insert(
            "INSERT INTO helpdesk_writes (case_id, kind, payload, attempts, created_at) "
            "VALUES (?, ?, ?, 0, ?)", (case_id, kind, json.dumps(payload, sort_keys=True), at))

    def write(self, write_id: int) -> WriteBack | None:
        r = self._one("SELECT * FROM helpdesk_writes WHERE id = ?", (write_id,))
        return _write(r) if r else None

    def pending_writes(self) -> list[WriteBack]:
        return [_write(r) for r in self._all(
            "SELECT * FROM helpdesk_writes WHERE done_at IS NULL ORDER BY id")]

    def earlier_undone(self, case_id: int, write_id: int) -> bool:
        return self._one("SELECT id FROM helpdesk_writes WHERE case_id = ? AND id < ? AND "
                         "done_at IS NULL LIMIT 1", (case_id, write_id)) is not None

    def remember(self, write_id: int, key: str, value: str) -> None:
        write = self.write(write_id)
        if write is not None:
            payload = {**write.payload, key: value}
            self.db.execute("UPDATE helpdesk_writes SET payload = ? WHERE id = ?",
                            (json.dumps(payload, sort_keys=True), write_id))

    def attempted(self, write_id: int, error: str | None) -> None:
        self.db.execute("UPDATE helpdesk_writes SET attempts = attempts + 1, last_error = ? "
                        "WHERE id = ?", (error, write_id))

    def done(self, write_id: int, at: str) -> None:
        self.db.execute("UPDATE helpdesk_writes SET done_at = ?, last_error = NULL "
                        "WHERE id = ?", (at, write_id))


def _write(r: dict[str, Any]) -> WriteBack:
    return WriteBack(id=r["id"], case_id=r["case_id"], kind=r["kind"],
                     payload=json.loads(r["payload"]), attempts=r["attempts"],
                     done_at=r["done_at"], last_error=r["last_error"])
