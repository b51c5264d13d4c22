"""Timeline: append-only case events, who has seen how far, and message counts."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain import TimelineEvent
from bot.store.base import BaseQueries
from bot.store.bulk import insert_many
from bot.store.interfaces import Row


class SqlTimeline(BaseQueries):
    def append(self, case_id: int | None, at: str, kind: str, by: str | None, text: str,
               ref_id: int | None = None) -> int:
        event = self._insert(
            "INSERT INTO timeline (case_id, at, kind, by_id, text, ref_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (case_id, at, kind, by, text, ref_id))
        # Kept digest figures (m018) that this event can change are dropped with it, in the
        # same transaction: every week the case lived in up to the event (a decision's
        # outcome, a kept promise or a late join changes the week the thing started in; a
        # late event, the week it lands in). Weeks after `at` and other cases' are untouched.
        self.db.execute(
            "DELETE FROM digest_kept WHERE lo <= ? AND "
            "hi > COALESCE((SELECT opened_at FROM cases WHERE id = ?), ?)", (at, case_id, at))
        return event

    def events(self, case_id: int, after_id: int = 0) -> list[TimelineEvent]:
        rows = self._all("SELECT * FROM timeline WHERE case_id = ? AND id > ? ORDER BY id",
                         (case_id, after_id))
        return [TimelineEvent(id=r["id"], case_id=r["case_id"], at=r["at"], kind=r["kind"],
                              by=r["by_id"], text=r["text"], ref_id=r["ref_id"])
                for r in rows]

    def event(self, event_id: int) -> TimelineEvent | None:
        r = self._one("SELECT * FROM timeline WHERE id = ?", (event_id,))
        return TimelineEvent(id=r["id"], case_id=r["case_id"], at=r["at"], kind=r["kind"],
                             by=r["by_id"], text=r["text"], ref_id=r["ref_id"]) if r else None

    def last_seen(self, case_id: int, person: str) -> int:
        r = self._one("SELECT event_id FROM last_seen WHERE case_id = ? AND person_id = ?",
                      (case_id, person))
        return int(r["event_id"]) if r else 0

    def mark_seen(self, case_id: int, person: str, event_id: int) -> None:
        self.db.execute(
            "INSERT INTO last_seen (case_id, person_id, event_id) VALUES (?, ?, ?) "
            "ON CONFLICT (case_id, person_id) DO UPDATE SET event_id = excluded.event_id",
            (case_id, person, event_id))

    def count_message(self, case_id: int, person: str) -> None:
        self.db.execute(
            "INSERT INTO message_counts (case_id, person_id, messages) VALUES (?, ?, 1) "
            # Qualified: PostgreSQL finds a bare `messages` ambiguous (target or excluded).
            "ON CONFLICT (case_id, person_id) DO UPDATE SET "
            "messages = message_counts.messages + 1",
            (case_id, person))

    def message_counts(self, case_id: int) -> dict[str, int]:
        rows = self._all("SELECT person_id, messages FROM message_counts WHERE case_id = ?",
                         (case_id,))
        return {r["person_id"]: r["messages"] for r in rows}

    def reopenings(self) -> dict[int, str]:
        """Case id -> when it was last reopened (SLAs: its resolution is owed from then).
        Read through m020's partial index of cancelled and reopened entries."""
        rows = self._all("SELECT case_id, MAX(at) AS at FROM timeline WHERE kind IN "
                         "('cancelled', 'reopened') AND kind = 'reopened' GROUP BY case_id")
        return {r["case_id"]: r["at"] for r in rows}

    def bulk(self, events: Iterable[Row]) -> None:
        insert_many(self.db, "timeline", events)
