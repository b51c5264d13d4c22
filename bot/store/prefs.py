"""Skill suggestions and digest times (bot/store/interfaces/prefs.py), portable SQL."""

from __future__ import annotations

from collections.abc import Sequence

from bot.availability import WorkHours
from bot.store.base import BaseQueries
from bot.store.interfaces.prefs import DigestPref, SkillSuggestion
from bot.store.people import chunked


class SqlPrefs(BaseQueries):
    def suggest_skills(self, case_id: int, skills: list[str], why: str, at: str) -> None:
        self.db.execute(
            "INSERT INTO skill_suggestions (case_id, skills, why, suggested_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET skills = excluded.skills, "
            "why = excluded.why, suggested_at = excluded.suggested_at, taken_at = NULL, "
            "taken_by = NULL", (case_id, " ".join(skills), why, at))

    def suggestion(self, case_id: int) -> SkillSuggestion | None:
        r = self._one("SELECT * FROM skill_suggestions WHERE case_id = ?", (case_id,))
        if r is None:
            return None
        return SkillSuggestion(case_id=r["case_id"], skills=tuple(r["skills"].split()),
                               why=r["why"], suggested_at=r["suggested_at"],
                               taken_at=r["taken_at"], taken_by=r["taken_by"])

    def take_suggestion(self, case_id: int, by: str, at: str) -> bool:
        cur = self.db.execute("UPDATE skill_suggestions SET taken_at = ?, taken_by = ? "
                              "WHERE case_id = ? AND taken_at IS NULL", (at, by, case_id))
        return cur.rowcount == 1

    def set_digest_pref(self, person: str, weekday: str, at_time: str, tz: str | None,
                        at: str) -> None:
        self.db.execute(
            "INSERT INTO digest_prefs (person_id, weekday, at_time, tz, set_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET "
            "weekday = excluded.weekday, at_time = excluded.at_time, tz = excluded.tz, "
            "set_at = excluded.set_at", (person, weekday, at_time, tz, at))

    def digest_prefs(self) -> dict[str, DigestPref]:
        return {r["person_id"]: DigestPref(person=r["person_id"], weekday=r["weekday"],
                                           at_time=r["at_time"], tz=r["tz"])
                for r in self._all("SELECT * FROM digest_prefs ORDER BY person_id")}

    def mark_back(self, person: str, at: str | None) -> None:
        if at is None:
            self.db.execute("DELETE FROM back_overrides WHERE person_id = ?", (person,))
            return
        self.db.execute("INSERT INTO back_overrides (person_id, back_at) VALUES (?, ?) "
                        "ON CONFLICT (person_id) DO UPDATE SET back_at = excluded.back_at",
                        (person, at))

    def back_since(self, persons: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for part in chunked(list(persons)):
            marks = ",".join("?" for _ in part)
            found.update({r["person_id"]: r["back_at"] for r in self._all(
                f"SELECT person_id, back_at FROM back_overrides WHERE person_id IN ({marks})",
                part)})
        return found

    def set_hours(self, person: str, hours: WorkHours | None) -> None:
        if hours is None:
            self.db.execute("DELETE FROM work_hours WHERE person_id = ?", (person,))
            return
        self.db.execute("INSERT INTO work_hours (person_id, start_at, end_at, tz) "
                        "VALUES (?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET "
                        "start_at = excluded.start_at, end_at = excluded.end_at, tz = excluded.tz",
                        (person, hours.start, hours.end, hours.tz))

    def hours_of(self, persons: Sequence[str]) -> dict[str, WorkHours]:
        found: dict[str, WorkHours] = {}
        for part in chunked(list(persons)):
            marks = ",".join("?" for _ in part)
            found.update({r["person_id"]: WorkHours(r["start_at"], r["end_at"], r["tz"])
                          for r in self._all("SELECT * FROM work_hours WHERE person_id IN "
                                             f"({marks})", part)})
        return found
