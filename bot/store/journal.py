"""Journal: touchpoints, moods, decisions, friction, promises and thanks of a case."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot import tenancy
from bot.domain import (
    CaseStatus,
    Decision,
    Friction,
    FrictionReview,
    Mood,
    Promise,
    Reminder,
    Thanks,
    Touchpoint,
)
from bot.store import scope
from bot.store.base import BaseQueries
from bot.store.bulk import insert_many
from bot.store.interfaces import Row

# A case's next decision or promise number, taken in its INSERT (one statement, not a read
# and then a write). Callers hold the command's transaction, with the case locked, so two
# numbers cannot be taken at once; the unique (case_id, seq) index would refuse it anyway.
_NEXT_SEQ = "COALESCE(MAX(seq), 0) + 1 FROM {t} WHERE case_id = ?"


def _touchpoint(r: dict[str, Any]) -> Touchpoint:
    return Touchpoint(id=r["id"], case_id=r["case_id"], function=r["function"], what=r["what"],
                      by=r["by_id"], at=r["at"])


def _mood(r: dict[str, Any]) -> Mood:
    return Mood(id=r["id"], case_id=r["case_id"], level=r["level"], note=r["note"],
                by=r["by_id"], at=r["at"])


def _decision(r: dict[str, Any]) -> Decision:
    return Decision(id=r["id"], case_id=r["case_id"], risk=r["risk"], decision=r["decision"],
                    rationale=r["rationale"], outcome=r["outcome"], outcome_at=r["outcome_at"],
                    by=r["by_id"], at=r["at"], no=r["seq"] or r["id"])


def _friction(r: dict[str, Any]) -> Friction:
    return Friction(id=r["id"], case_id=r["case_id"], process=r["process"], how=r["how"],
                    by=r["by_id"], at=r["at"])


def _promise(r: dict[str, Any]) -> Promise:
    return Promise(id=r["id"], case_id=r["case_id"], what=r["what"], due=r["due"],
                   made_by=r["made_by"], made_at=r["made_at"], kept_at=r["kept_at"],
                   no=r["seq"] or r["id"])


def _thanks(r: dict[str, Any]) -> Thanks:
    return Thanks(id=r["id"], case_id=r["case_id"], from_id=r["from_id"], to_id=r["to_id"],
                  what=r["what"], at=r["at"])


_NOT_CARRIED = (" AND NOT EXISTS (SELECT 1 FROM timeline t WHERE t.case_id = p.case_id AND "
                "t.ref_id = p.id AND t.kind = 'promise_carried')")


class SqlJournal(BaseQueries):
    # The table names below are constants of this module, never caller input.
    def _of_case(self, table: str, case_id: int) -> list[dict[str, Any]]:
        return self._all(f"SELECT * FROM {table} WHERE case_id = ? ORDER BY id", (case_id,))

    def _last_of_case(self, table: str, case_id: int) -> dict[str, Any] | None:
        return self._one(f"SELECT * FROM {table} WHERE case_id = ? ORDER BY id DESC LIMIT 1",
                         (case_id,))

    # touchpoints ----------------------------------------------------------
    def add_touchpoint(self, case_id: int, function: str, what: str, by: str, at: str) -> int:
        return self._insert("INSERT INTO touchpoints (case_id, function, what, by_id, at) "
                            "VALUES (?, ?, ?, ?, ?)", (case_id, function, what, by, at))

    def touchpoints(self, case_id: int) -> list[Touchpoint]:
        return [_touchpoint(r) for r in self._of_case("touchpoints", case_id)]

    def last_touchpoint(self, case_id: int) -> Touchpoint | None:
        r = self._last_of_case("touchpoints", case_id)
        return _touchpoint(r) if r else None

    # moods ----------------------------------------------------------------
    def add_mood(self, case_id: int, level: str, note: str | None, by: str, at: str) -> int:
        return self._insert("INSERT INTO moods (case_id, level, note, by_id, at) "
                            "VALUES (?, ?, ?, ?, ?)", (case_id, level, note, by, at))

    def moods(self, case_id: int) -> list[Mood]:
        return [_mood(r) for r in self._of_case("moods", case_id)]

    def last_mood(self, case_id: int) -> Mood | None:
        r = self._last_of_case("moods", case_id)
        return _mood(r) if r else None

    # decisions ------------------------------------------------------------
    def add_decision(self, case_id: int, risk: str, decision: str, rationale: str | None,
                     by: str, at: str) -> int:
        return self._insert("INSERT INTO decisions (case_id, risk, decision, rationale, by_id, "
                            f"at, seq) SELECT ?, ?, ?, ?, ?, ?, {_NEXT_SEQ.format(t='decisions')}",
                            (case_id, risk, decision, rationale, by, at, case_id))

    def decision_no(self, case_id: int, no: int) -> Decision | None:
        r = self._one("SELECT * FROM decisions WHERE case_id = ? AND seq = ?", (case_id, no))
        return _decision(r) if r else None

    def decision(self, decision_id: int) -> Decision | None:
        r = self._one("SELECT * FROM decisions WHERE id = ?", (decision_id,))
        return _decision(r) if r else None

    def decisions(self, case_id: int) -> list[Decision]:
        return [_decision(r) for r in self._of_case("decisions", case_id)]

    def set_outcome(self, decision_id: int, outcome: str, at: str) -> None:
        self.db.execute("UPDATE decisions SET outcome = ?, outcome_at = ? WHERE id = ?",
                        (outcome, at, decision_id))

    # friction -------------------------------------------------------------
    def add_friction(self, case_id: int | None, process: str, how: str, by: str, at: str
                     ) -> int:
        return self._insert("INSERT INTO frictions (case_id, process, how, by_id, at, "
                            "workspace) VALUES (?, ?, ?, ?, ?, ?)",
                            (case_id, process, how, by, at, tenancy.team()))

    def frictions(self, case_id: int) -> list[Friction]:
        return [_friction(r) for r in self._of_case("frictions", case_id)]

    def frictions_since(self, at: str) -> list[Friction]:
        return [_friction(r) for r in self._all(
            f"SELECT * FROM frictions WHERE at >= ? AND {_home()[0]} "
            "ORDER BY at DESC, id DESC", (at, *_home()[1]))]

    def friction_reporters(self, process: str) -> list[str]:
        return [r["by_id"] for r in self._all(
            f"SELECT by_id, MIN(id) AS first FROM frictions WHERE process = ? AND {_home()[0]} "
            "GROUP BY by_id ORDER BY first", (process, *_home()[1]))]

    def review_friction(self, process: str, note: str, by: str, at: str) -> int:
        return self._insert("INSERT INTO friction_reviews (process, note, by_id, at) "
                            "VALUES (?, ?, ?, ?)", (process, note, by, at))

    def friction_reviews(self) -> dict[str, FrictionReview]:
        rows = self._all("SELECT * FROM friction_reviews ORDER BY at, id")
        return {r["process"]: FrictionReview(process=r["process"], note=r["note"],
                                             by=r["by_id"], at=r["at"]) for r in rows}

    # promises -------------------------------------------------------------
    def add_promise(self, case_id: int, what: str, due: str, by: str, at: str) -> int:
        return self._insert("INSERT INTO promises (case_id, what, due, made_by, made_at, seq) "
                            f"SELECT ?, ?, ?, ?, ?, {_NEXT_SEQ.format(t='promises')}",
                            (case_id, what, due, by, at, case_id))

    def promise_no(self, case_id: int, no: int) -> Promise | None:
        r = self._one("SELECT * FROM promises WHERE case_id = ? AND seq = ?", (case_id, no))
        return _promise(r) if r else None

    def due_unkept(self, by: str, after: str | None = None) -> list[Reminder]:
        """Open promises on open cases whose due time has come by `by` (after `after`)."""
        since = "AND p.due > ? " if after is not None else ""
        rows = self._all(
            "SELECT p.*, c.ref, c.owner_id, c.platform FROM promises p "
            "JOIN cases c ON c.id = p.case_id WHERE p.kept_at IS NULL AND p.due <= ? "
            f"{since}AND c.status = ?" + _NOT_CARRIED + " ORDER BY p.due, p.id",
            (by, *([after] if after is not None else []), CaseStatus.OPEN.value))
        return [Reminder(promise=_promise(r), ref=r["ref"], owner=r["owner_id"],
                         platform=r["platform"]) for r in rows]

    def last_contacts(self) -> dict[int, str]:
        """Open case id -> when its customer last heard from us, for cases with any contact."""
        rows = self._all(
            "SELECT case_id, MAX(at) AS at FROM (SELECT t.case_id, t.at FROM touchpoints t "
            "JOIN cases c ON c.id = t.case_id WHERE c.status = ? UNION ALL SELECT p.case_id, "
            "p.kept_at FROM promises p JOIN cases c ON c.id = p.case_id WHERE c.status = ? "
            "AND p.kept_at IS NOT NULL) AS contacts GROUP BY case_id",
            (CaseStatus.OPEN.value, CaseStatus.OPEN.value))
        return {r["case_id"]: r["at"] for r in rows}

    def quiet_since(self, after: str, by: str) -> dict[int, str]:
        """Open cases whose customer last heard from us (touchpoint, kept promise, else the
        opening) in (after, by]: case id -> that time. Read through the indexes on those
        times, so only the cases that went quiet in the span are looked at."""
        rows = self._all(
            "SELECT c.id, c.opened_at, (SELECT MAX(at) FROM (SELECT MAX(t.at) AS at FROM "
            "touchpoints t WHERE t.case_id = c.id UNION ALL SELECT MAX(p.kept_at) FROM "
            "promises p WHERE p.case_id = c.id) AS contacts) AS last FROM cases c "
            "WHERE c.status = ? AND c.id IN (SELECT case_id FROM touchpoints WHERE at > ? AND "
            "at <= ? UNION SELECT case_id FROM promises WHERE kept_at > ? AND kept_at <= ? "
            "UNION SELECT id FROM cases WHERE opened_at > ? AND opened_at <= ?)",
            (CaseStatus.OPEN.value, after, by, after, by, after, by))
        quiet = {r["id"]: r["last"] or r["opened_at"] for r in rows}
        return {cid: at for cid, at in quiet.items() if after < at <= by}

    def contact_spans(self) -> dict[int, tuple[str, str]]:
        """Open case id -> its first and last customer contact (touchpoint or kept promise),
        for cases with any: what the SLA targets are measured by (bot/sla.py)."""
        rows = self._all(
            "SELECT case_id, MIN(at) AS first, MAX(at) AS last FROM (SELECT t.case_id, t.at "
            "FROM touchpoints t JOIN cases c ON c.id = t.case_id WHERE c.status = ? "
            "UNION ALL SELECT p.case_id, p.kept_at FROM promises p JOIN cases c ON "
            "c.id = p.case_id WHERE c.status = ? AND p.kept_at IS NOT NULL) AS contacts "
            "GROUP BY case_id", (CaseStatus.OPEN.value, CaseStatus.OPEN.value))
        return {r["case_id"]: (r["first"], r["last"]) for r in rows}

    def contact_span(self, case_id: int) -> tuple[str | None, str | None]:
        """One case's first and last customer contact (None, None: none yet)."""
        r = self._one("SELECT MIN(at) AS first, MAX(at) AS last FROM (SELECT at FROM "
                      "touchpoints WHERE case_id = ? UNION ALL SELECT kept_at FROM promises "
                      "WHERE case_id = ? AND kept_at IS NOT NULL) AS contacts",
                      (case_id, case_id))
        return (r["first"], r["last"]) if r and r["first"] else (None, None)

    def last_contact(self, case_id: int) -> str | None:
        """When the customer last heard from us: the last touchpoint or kept promise."""
        r = self._one("SELECT MAX(at) AS at FROM (SELECT MAX(at) AS at FROM touchpoints "
                      "WHERE case_id = ? UNION ALL SELECT MAX(kept_at) FROM promises "
                      "WHERE case_id = ?) AS contacts", (case_id, case_id))
        return r["at"] if r and r["at"] else None

    def promise(self, promise_id: int) -> Promise | None:
        r = self._one("SELECT * FROM promises WHERE id = ?", (promise_id,))
        return _promise(r) if r else None

    def promises(self, case_id: int) -> list[Promise]:
        return [_promise(r) for r in self._of_case("promises", case_id)]

    def open_promises(self, case_id: int) -> list[Promise]:
        return [_promise(r) for r in self._all(
            # A promise carried over at resolve or cancel is handed on, not open (m014's
            # timeline_by_ref finds the carry).
            "SELECT * FROM promises p WHERE case_id = ? AND kept_at IS NULL" + _NOT_CARRIED
            + " ORDER BY due, id",
            (case_id,))]

    def keep_promise(self, promise_id: int, at: str) -> None:
        self.db.execute("UPDATE promises SET kept_at = ? WHERE id = ?", (at, promise_id))

    def due_reminders(self, before: str) -> list[Reminder]:
        rows = self._all(
            "SELECT p.*, c.ref, c.owner_id, c.platform FROM promises p "
            "JOIN cases c ON c.id = p.case_id WHERE p.kept_at IS NULL AND "
            "p.reminded_at IS NULL AND p.due <= ? AND c.status = ?" + _NOT_CARRIED
            + " ORDER BY p.due, p.id",
            (before, CaseStatus.OPEN.value))
        return [Reminder(promise=_promise(r), ref=r["ref"], owner=r["owner_id"],
                         platform=r["platform"]) for r in rows]

    # thanks ---------------------------------------------------------------
    def add_thanks(self, case_id: int | None, from_id: str, to_id: str, what: str, at: str
                   ) -> int:
        return self._insert("INSERT INTO thanks (case_id, from_id, to_id, what, at, "
                            "workspace) VALUES (?, ?, ?, ?, ?, ?)",
                            (case_id, from_id, to_id, what, at, tenancy.team()))

    def thanks(self, case_id: int) -> list[Thanks]:
        return [_thanks(r) for r in self._of_case("thanks", case_id)]

    def bulk(self, touchpoints: Iterable[Row] = (), moods: Iterable[Row] = (),
             decisions: Iterable[Row] = (), frictions: Iterable[Row] = (),
             promises: Iterable[Row] = (), thanks: Iterable[Row] = ()) -> None:
        insert_many(self.db, "touchpoints", touchpoints)
        insert_many(self.db, "moods", moods)
        insert_many(self.db, "decisions", decisions)
        insert_many(self.db, "frictions", frictions)
        insert_many(self.db, "promises", promises)
        insert_many(self.db, "thanks", thanks)


def _home() -> tuple[str, tuple[str, ...]]:
    return scope.home()
