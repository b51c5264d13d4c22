"""SQLite journal: touchpoints, moods, decisions, friction, promises and thanks of a case."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
from bot.store.base import BaseQueries
from bot.store.bulk import insert_many
from bot.store.interfaces import Row


def _touchpoint(r: dict[str, Any]) -> Touchpoint:
    return Touchpoint(id=r["id"], case_id=r["case_id"], function=r["function"], what=r["what"],
                      by=r["by_id"], at=r["at"])


def _mood(r: dict[str, Any]) -> Mood:
    return Mood(id=r["id"], case_id=r["case_id"], level=r["level"], note=r["note"],
                by=r["by_id"], at=r["at"])


def _decision(r: dict[str, Any]) -> Decision:
    return Decision(id=r["id"], case_id=r["case_id"], risk=r["risk"], decision=r["decision"],
                    rationale=r["rationale"], outcome=r["outcome"], outcome_at=r["outcome_at"],
                    by=r["by_id"], at=r["at"])


def _friction(r: dict[str, Any]) -> Friction:
    return Friction(id=r["id"], case_id=r["case_id"], process=r["process"], how=r["how"],
                    by=r["by_id"], at=r["at"])


def _promise(r: dict[str, Any]) -> Promise:
    return Promise(id=r["id"], case_id=r["case_id"], what=r["what"], due=r["due"],
                   made_by=r["made_by"], made_at=r["made_at"], kept_at=r["kept_at"])


def _thanks(r: dict[str, Any]) -> Thanks:
    return Thanks(id=r["id"], case_id=r["case_id"], from_id=r["from_id"], to_id=r["to_id"],
                  what=r["what"], at=r["at"])


class SqliteJournal(BaseQueries):
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
                            "at) VALUES (?, ?, ?, ?, ?, ?)",
                            (case_id, risk, decision, rationale, by, at))

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
        return self._insert("INSERT INTO frictions (case_id, process, how, by_id, at) "
                            "VALUES (?, ?, ?, ?, ?)", (case_id, process, how, by, at))

    def frictions(self, case_id: int) -> list[Friction]:
        return [_friction(r) for r in self._of_case("frictions", case_id)]

    def frictions_since(self, at: str) -> list[Friction]:
        return [_friction(r) for r in self._all(
            "SELECT * FROM frictions WHERE at >= ? ORDER BY at DESC, id DESC", (at,))]

    def friction_reporters(self, process: str) -> list[str]:
        return [r["by_id"] for r in self._all(
            "SELECT by_id, MIN(id) AS first FROM frictions WHERE process = ? GROUP BY by_id "
            "ORDER BY first", (process,))]

    def review_friction(self, process: str, note: str, by: str, at: str) -> int:
        return self._insert("INSERT INTO friction_reviews (process, note, by_id, at) "
                            "VALUES (?, ?, ?, ?)", (process, note, by, at))

    def friction_reviews(self) -> dict[str, FrictionReview]:
        rows = self._all("SELECT * FROM friction_reviews ORDER BY at, id")
        return {r["process"]: FrictionReview(process=r["process"], note=r["note"],
                                             by=r["by_id"], at=r["at"]) for r in rows}

    # promises -------------------------------------------------------------
    def add_promise(self, case_id: int, what: str, due: str, by: str, at: str) -> int:
        return self._insert("INSERT INTO promises (case_id, what, due, made_by, made_at) "
                            "VALUES (?, ?, ?, ?, ?)", (case_id, what, due, by, at))

    def promise(self, promise_id: int) -> Promise | None:
        r = self._one("SELECT * FROM promises WHERE id = ?", (promise_id,))
        return _promise(r) if r else None

    def promises(self, case_id: int) -> list[Promise]:
        return [_promise(r) for r in self._of_case("promises", case_id)]

    def open_promises(self, case_id: int) -> list[Promise]:
        return [_promise(r) for r in self._all(
            "SELECT * FROM promises WHERE case_id = ? AND kept_at IS NULL ORDER BY due, id",
            (case_id,))]

    def keep_promise(self, promise_id: int, at: str) -> None:
        self.db.execute("UPDATE promises SET kept_at = ? WHERE id = ?", (at, promise_id))

    def due_reminders(self, before: str) -> list[Reminder]:
        rows = self._all(
            "SELECT p.*, c.ref, c.owner_id, c.platform FROM promises p "
            "JOIN cases c ON c.id = p.case_id WHERE p.kept_at IS NULL AND "
            "p.reminded_at IS NULL AND p.due <= ? AND c.status = ? ORDER BY p.due, p.id",
            (before, CaseStatus.OPEN.value))
        return [Reminder(promise=_promise(r), ref=r["ref"], owner=r["owner_id"],
                         platform=r["platform"]) for r in rows]

    # thanks ---------------------------------------------------------------
    def add_thanks(self, case_id: int | None, from_id: str, to_id: str, what: str, at: str
                   ) -> int:
        return self._insert("INSERT INTO thanks (case_id, from_id, to_id, what, at) "
                            "VALUES (?, ?, ?, ?, ?)", (case_id, from_id, to_id, what, at))

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
