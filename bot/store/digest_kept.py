"""Kept digest figures (m018): a finished week's, computed once.

Plain SQL that both stores run (PostgreSQL through PgDb's placeholder translation).
"""

from __future__ import annotations

import json

from bot.store.base import BaseQueries
from bot.store.interfaces import KeptDigest


class SqlDigestKept(BaseQueries):
    def get(self, week: str, tz: str) -> KeptDigest | None:
        row = self._one("SELECT figures, valid_until, computed_at FROM digest_kept "
                        "WHERE week = ? AND tz = ?", (week, tz))
        if row is None:
            return None
        return KeptDigest(json.loads(row["figures"]), row["valid_until"], row["computed_at"])

    def keep(self, week: str, tz: str, lo: str, hi: str, kept: KeptDigest) -> None:
        self.db.execute("DELETE FROM digest_kept WHERE week = ? AND tz = ?", (week, tz))
        self.db.execute(
            "INSERT INTO digest_kept (week, tz, lo, hi, valid_until, figures, computed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (week, tz, lo, hi, kept.valid_until, json.dumps(kept.figures), kept.computed_at))

    def forget(self, lo: str, hi: str) -> int:
        return self.db.execute("DELETE FROM digest_kept WHERE lo <= ? AND hi > ?",
                               (hi, lo)).rowcount
