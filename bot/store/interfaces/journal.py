"""The customer's side of a case: touchpoints, moods, decisions, friction, promises, thanks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from bot.domain import (
    Decision,
    Friction,
    FrictionReview,
    Mood,
    Promise,
    Reminder,
    Thanks,
    Touchpoint,
)
from bot.store.interfaces.base import Row


class Journal(Protocol):
    """What happened for the customer: touchpoints, moods, decisions, friction, promises,
    thanks. Entries are listed oldest first."""

    def add_touchpoint(self, case_id: int, function: str, what: str, by: str, at: str
                       ) -> int: ...
    def touchpoints(self, case_id: int) -> list[Touchpoint]: ...
    def last_touchpoint(self, case_id: int) -> Touchpoint | None: ...
    def add_mood(self, case_id: int, level: str, note: str | None, by: str, at: str) -> int: ...
    def moods(self, case_id: int) -> list[Mood]: ...
    def last_mood(self, case_id: int) -> Mood | None: ...
    def add_decision(self, case_id: int, risk: str, decision: str, rationale: str | None,
                     by: str, at: str) -> int: ...
    def decision(self, decision_id: int) -> Decision | None: ...
    def decision_no(self, case_id: int, no: int) -> Decision | None:
        """The case's decision by its per-case number (`Decision.no`)."""
    def decisions(self, case_id: int) -> list[Decision]: ...
    def set_outcome(self, decision_id: int, outcome: str, at: str) -> None: ...
    def add_friction(self, case_id: int | None, process: str, how: str, by: str, at: str
                     ) -> int: ...
    def frictions(self, case_id: int) -> list[Friction]: ...
    def frictions_since(self, at: str) -> list[Friction]:
        """Every friction report at or after `at`, on a case or not, newest first."""
    def friction_reporters(self, process: str) -> list[str]:
        """Who reported friction on this process, each once, first reporter first."""
    def review_friction(self, process: str, note: str, by: str, at: str) -> int: ...
    def friction_reviews(self) -> dict[str, FrictionReview]:
        """The latest review of each reviewed process."""
    def add_promise(self, case_id: int, what: str, due: str, by: str, at: str) -> int: ...
    def promise(self, promise_id: int) -> Promise | None: ...
    def promise_no(self, case_id: int, no: int) -> Promise | None:
        """The case's promise by its per-case number (`Promise.no`)."""
    def due_unkept(self, by: str, after: str | None = None) -> list[Reminder]:
        """Open promises on open cases due by `by` (and after `after`), kept or reminded
        or not."""
    def quiet_since(self, after: str, by: str) -> dict[int, str]:
        """Open cases whose customer last heard from us (last touchpoint or kept promise,
        else the opening) in (after, by]: case id -> that time (the nudge pass)."""
    def contact_spans(self) -> dict[int, tuple[str, str]]:
        """Open case id -> (first, last) customer contact, for cases with any (SLAs)."""
    def contact_span(self, case_id: int) -> tuple[str | None, str | None]:
        """One case's first and last customer contact ((None, None): none yet)."""
    def last_contact(self, case_id: int) -> str | None:
        """When the customer last heard from us: the last touchpoint or kept promise."""
    def last_contacts(self) -> dict[int, str]:
        """`last_contact` of every open case that has one, in one read (the nudge pass)."""
    def promises(self, case_id: int) -> list[Promise]: ...
    def open_promises(self, case_id: int) -> list[Promise]:
        """Not kept yet, soonest due first."""
    def keep_promise(self, promise_id: int, at: str) -> None: ...
    def due_reminders(self, before: str) -> list[Reminder]:
        """Open promises on open cases due by `before` that no reminder has claimed."""
    def add_thanks(self, case_id: int | None, from_id: str, to_id: str, what: str, at: str
                   ) -> int: ...
    def thanks(self, case_id: int) -> list[Thanks]: ...
    def bulk(self, touchpoints: Iterable[Row] = (), moods: Iterable[Row] = (),
             decisions: Iterable[Row] = (), frictions: Iterable[Row] = (),
             promises: Iterable[Row] = (), thanks: Iterable[Row] = ()) -> None: ...
