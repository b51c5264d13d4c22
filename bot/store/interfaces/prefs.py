"""Skills the rules suggested at `open`, and each manager's own digest time (issue 26)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.availability import WorkHours


@dataclass(frozen=True)
class SkillSuggestion:
    case_id: int
    skills: tuple[str, ...]
    why: str
    suggested_at: str
    taken_at: str | None = None
    taken_by: str | None = None


@dataclass(frozen=True)
class DigestPref:
    person: str
    weekday: str  # "monday".."sunday"
    at_time: str  # "HH:MM"
    tz: str | None  # None: the person's own zone (their profile's)


class Prefs(Protocol):
    def suggest_skills(self, case_id: int, skills: list[str], why: str, at: str) -> None:
        """Record the rules' suggestion for a case (one per case; a second replaces it)."""
    def suggestion(self, case_id: int) -> SkillSuggestion | None: ...
    def take_suggestion(self, case_id: int, by: str, at: str) -> bool:
        """Mark it taken; False if it was taken already (or there is none)."""
    def set_digest_pref(self, person: str, weekday: str, at_time: str, tz: str | None,
                        at: str) -> None: ...
    def digest_prefs(self) -> dict[str, DigestPref]:
        """By person."""
    def mark_back(self, person: str, at: str | None) -> None:
        """`skills back` at `at` (None: `skills away`, the override is gone)."""
    def back_since(self, persons: Sequence[str]) -> dict[str, str]:
        """When each of `persons` last said `skills back` (those who did)."""
    def set_hours(self, person: str, hours: WorkHours | None) -> None:
        """A person's own working hours (None: the config's again)."""
    def hours_of(self, persons: Sequence[str]) -> dict[str, WorkHours]: ...
