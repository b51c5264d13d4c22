"""Drafts for a person (issue 30): the timeline's, or an assistant's asked at the edge.

Synchronous and store-only, as every service: `timeline_draft` and `ask_for` read; `record`
writes the draft a person was shown, with the model and prompt version that made it. The
network call itself (handlers/drafts.py) happens between them, outside any transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.domain import Case
from bot.drafting import facts as timeline
from bot.drafting.assistant import Ask, ask
from bot.drafting.privacy import Placeholders, may_send
from bot.i18n import _
from bot.people import plain
from bot.services.base import Deps

# What the person reads when the assistant did not answer (the form still opens).
NOT_ANSWERED = "The assistant did not answer; this draft is from the timeline."


def not_answered() -> str:
    """`NOT_ANSWERED` in the reader's language."""
    return _("The assistant did not answer; this draft is from the timeline.")
LIMIT = 2000  # the longest draft a form field takes (the briefing's, the resolution's)


@dataclass(frozen=True)
class Drafted:
    text: str
    model: str  # the model's name, or "timeline"
    prompt_version: str
    tokens: int = 0
    note: str | None = None  # one line for the person (the assistant did not answer)

    @property
    def by_assistant(self) -> bool:
        return self.model != timeline.TIMELINE_MODEL


def fingerprint(text: str) -> str:
    """Whether a submitted text is the draft as shown (whitespace aside)."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:16]


def timeline_text(kind: str, f: timeline.Facts, new_entries: int = 0) -> str:
    if kind == "handoff":
        text = timeline.handoff_briefing(f)
    elif kind == "catchup":
        text = timeline.catchup_summary(f, new_entries)
    else:
        text = timeline.resolution(f)
    return plain(text)[:LIMIT]


def timeline_draft(deps: Deps, case: Case, kind: str, new_entries: int = 0) -> Drafted:
    handoff = kind == "handoff"
    facts = timeline.gather(deps, case, similar=handoff, records=handoff)
    return Drafted(timeline_text(kind, facts, new_entries),
                   timeline.TIMELINE_MODEL, timeline.TIMELINE_VERSION)


def ask_for(deps: Deps, case: Case, kind: str, asked_by: str,
            new_entries: int = 0) -> Ask | None:
    """What to ask the assistant for this draft; None when there is no assistant or the
    case may not be sent (privacy.may_send)."""
    if deps.assistant is None or not may_send(case):
        return None
    # Similar cases are never sent: their customers are other customers.
    facts = timeline.gather(deps, case, similar=False, records=kind == "handoff")
    holders = Placeholders.of(case, deps.store.helpdesk.link_of(case.id))
    return ask(kind, facts, asked_by, timeline_text(kind, facts, new_entries), holders,
               deps.config.assistant.send_customer_data)


def record(deps: Deps, case_id: int, kind: str, asked_by: str, drafted: Drafted) -> int:
    """Keep a draft shown to a person (in the caller's transaction, or its own)."""
    with deps.store.transaction():
        return deps.store.drafts.add(case_id, kind, asked_by, deps.now_iso(), drafted.model,
                                     drafted.prompt_version, drafted.text, drafted.tokens)
