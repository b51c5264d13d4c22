"""Kept digest figures (m018): a finished week's, computed once.

Plain SQL that both stores run (PostgreSQL through PgDb's placeholder translation). The
figures are kept as JSON text, written and read by orjson: at 500k cases a week's figures
are ~1.5 MB (every thanks quoted, both weeks), which the standard library's json took
~28 ms to write and ~25 ms to read on the benchmark machine, orjson ~5 and ~12 (issue 28:
the first digest of a fresh process writes them). Rows kept by json read the same.
"""

from __future__ import annotations

from typing import Any

import orjson

from bot import tenancy
from bot.store import scope
from bot.store.base import BaseQueries
from bot.store.interfaces import KeptDigest


class SqlDigestKept(BaseQueries):
    def get(self, week: str, tz: str) -> KeptDigest | None:
        row = self._one("SELECT figures, valid_until, computed_at FROM digest_kept "
                        "WHERE week = ? AND tz = ?", (week, _key(tz)))
        if row is None:
            return None
        return KeptDigest(orjson.loads(row["figures"]), row["valid_until"],
                          row["computed_at"])

    def high_water(self) -> int:
        row = self._one("SELECT COALESCE(MAX(id), 0) AS n FROM timeline", ())
        return int(row["n"]) if row else 0

    def keep(self, week: str, tz: str, lo: str, hi: str, kept: KeptDigest,
             since: int | None = None) -> bool:
        if since is not None and self._one(
                # An event after the figures' snapshot that would have dropped them (the
                # condition of the DELETE in timeline.append): they are stale already.
                "SELECT 1 AS n FROM timeline t WHERE t.id > ? AND t.at >= ? AND "
                "COALESCE((SELECT opened_at FROM cases c WHERE c.id = t.case_id), t.at) < ? "
                "LIMIT 1", (since, lo, hi)) is not None:
            return False
        tz = _key(tz)
        # One statement, not a delete then an insert: two replicas keeping the same week
        # at once (each manager's digest is computed by whichever scheduler ticks) would
        # both delete nothing, and the second insert would break the key on PostgreSQL.
        self.db.execute(
            "INSERT INTO digest_kept (week, tz, lo, hi, valid_until, figures, computed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (week, tz) DO UPDATE SET "
            "lo = excluded.lo, hi = excluded.hi, valid_until = excluded.valid_until, "
            "figures = excluded.figures, computed_at = excluded.computed_at",
            (week, tz, lo, hi, kept.valid_until, _json(kept.figures), kept.computed_at))
        return True

    def forget(self, lo: str, hi: str) -> int:
        return self.db.execute("DELETE FROM digest_kept WHERE lo <= ? AND hi > ?",
                               (hi, lo)).rowcount


def _json(figures: dict[str, Any]) -> str:
    """The figures as JSON text, as json.dumps reads them back (keys that are not strings,
    such as a count's, written as strings as json writes them)."""
    return orjson.dumps(figures, option=orjson.OPT_NON_STR_KEYS).decode()


def _key(tz: str) -> str:
    """A tenant's figures are kept apart from every other workspace's (bot/tenancy.py)."""
    return f"{tz}@{tenancy.team()}" if scope.active() else tz
