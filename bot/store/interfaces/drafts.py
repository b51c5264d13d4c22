"""Drafts an assistant wrote for a person (issue 30): kept with the model and prompt version
that made them, so a briefing sent later can say it was drafted and whether it was edited.
The one table is `drafts` (erasure and retention cover it there)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Draft:
    id: int
    case_id: int
    kind: str  # "handoff" | "catchup" | "resolve"
    asked_by: str
    made_at: str
    model: str  # the model's name, or "timeline" for a draft built from the timeline alone
    prompt_version: str
    text: str
    tokens: int  # prompt + completion tokens the model reported (0 for the timeline's)


class Drafts(Protocol):
    def add(self, case_id: int, kind: str, asked_by: str, at: str, model: str,
            prompt_version: str, text: str, tokens: int) -> int:
        """Record a draft shown to a person; its id."""
    def get(self, draft_id: int) -> Draft | None: ...
    def of_case(self, case_id: int) -> list[Draft]:
        """Oldest first."""
    def decision_record(self, risk: str, kind: str, but: int) -> list[tuple[str, str | None]]:
        """Decisions of this risk whose text starts with the word `kind` (any case), with
        an outcome, decision `but` left out: (outcome, the case's mood level at the
        outcome, or None) each. The decision log read behind `decide`'s track record."""
