"""The swarm domain: plain data and the rules that need no storage.

Standard library only, except anyascii: room names transliterate letters (a table of every
script is a library's job, not ours)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from anyascii import anyascii

MOODS = ("angry", "frustrated", "neutral", "satisfied", "delighted")
RISKS = ("low", "medium", "high")
DECISION_OUTCOMES = ("kept", "lost", "escalated")
SEVERITIES = (1, 2, 3, 4)
DEFAULT_SEVERITY = 3

CASE_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.#-]{0,39}$")


class CaseStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"  # closed without a resolution (duplicate, customer withdrew)


class HandoffState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Role(StrEnum):
    OWNER = "owner"
    SPECIALIST = "specialist"
    FORMER_OWNER = "former owner"


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    """Times are stored and exported as ISO 8601 UTC with a Z."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    available: bool = True
    manager: bool = False
    tz: str | None = None
    function: str | None = None


@dataclass(frozen=True)
class Case:
    id: int
    ref: str
    customer: str
    summary: str
    severity: int
    status: CaseStatus
    owner: str
    platform: str
    room_id: str | None
    room_name: str | None
    delight: str | None
    resolution: str | None
    opened_at: str
    resolved_at: str | None  # when it was closed: resolved or cancelled
    swarm_type: str | None = None
    customer_tz: str | None = None  # the customer's IANA zone: promises read in it
    link: str | None = None  # the case's ticket or document (`set link`)
    # Confidential (issue 26): summary and customer shown only to its members and managers.
    confidential: bool = False
    # Issue 25, SLAs (bot/sla.py): the policy named for it ("none": no SLA; None: chosen by
    # priority, type or severity) and the helpdesk priority it came with or was set to.
    sla: str | None = None
    priority: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status is CaseStatus.OPEN

    def lives_on(self, platform: str) -> bool:
        """A case is changed only from the platform its room is on."""
        return self.platform.casefold() == platform.casefold()


@dataclass(frozen=True)
class Handoff:
    id: int
    case_id: int
    from_id: str
    to_id: str
    briefing: str
    tried: str | None
    state: HandoffState
    requested_at: str
    decided_at: str | None
    reason: str | None


@dataclass(frozen=True)
class Participant:
    person: str
    role: Role
    joined_at: str
    left_at: str | None
    invited_by: str | None
    why: str | None


@dataclass(frozen=True)
class Promise:
    id: int
    case_id: int
    what: str
    due: str
    made_by: str
    made_at: str
    kept_at: str | None
    no: int = 0  # the case's own number: a case's first promise is #1


@dataclass(frozen=True)
class TimelineEvent:
    id: int
    case_id: int | None
    at: str
    kind: str
    by: str | None
    text: str
    ref_id: int | None = None  # what the entry is about (a promise, or the entry corrected)


@dataclass(frozen=True)
class Ownership:
    """One period of a case's ownership: ownership moves only by an accepted handoff."""

    person: str
    assumed_at: str
    renounced_at: str | None


@dataclass(frozen=True)
class RoleGrant:
    """A role granted in chat (bot/permissions.py), one period of it: renounced_at is set
    when it was taken back (`role @user none`) or replaced by another role."""

    id: int
    person: str
    role: str
    why: str | None
    granted_by: str
    assumed_at: str
    renounced_at: str | None = None
    renounced_by: str | None = None
    renounced_why: str | None = None


@dataclass(frozen=True)
class Ask:
    """One person asked directly to help on a case (`ask @user [skill]`); a decline or no
    answer asks the next expert, whose ask names the chain's first (`first_id`)."""

    id: int
    case_id: int
    person: str
    skill: str | None
    asked_by: str
    asked_at: str
    state: str  # pending | accepted | declined | timed out
    decided_at: str | None = None
    reason: str | None = None
    first_id: int | None = None


@dataclass(frozen=True)
class HelpRequest:
    id: int
    case_id: int
    skills: tuple[str, ...]
    tried: str | None
    by: str
    at: str


@dataclass(frozen=True)
class Touchpoint:
    id: int
    case_id: int
    function: str
    what: str
    by: str
    at: str


@dataclass(frozen=True)
class Mood:
    id: int
    case_id: int
    level: str
    note: str | None
    by: str
    at: str


@dataclass(frozen=True)
class Decision:
    id: int
    case_id: int
    risk: str
    decision: str
    rationale: str | None
    outcome: str | None
    outcome_at: str | None
    by: str
    at: str
    no: int = 0  # the case's own number: a case's first decision is #1


@dataclass(frozen=True)
class Friction:
    id: int
    case_id: int | None
    process: str
    how: str
    by: str
    at: str


@dataclass(frozen=True)
class FrictionReview:
    """A manager's word on a process the front line reported: what was done about it."""

    process: str
    note: str
    by: str
    at: str


@dataclass(frozen=True)
class Thanks:
    id: int
    case_id: int | None
    from_id: str
    to_id: str
    what: str
    at: str


@dataclass(frozen=True)
class Reminder:
    """An open promise due soon on an open case, with what a reminder to its owner needs."""

    promise: Promise
    ref: str
    owner: str
    platform: str


def room_name_for(ref: str, summary: str, prefix: str = "swarm", limit: int = 80) -> str:
    """A Slack-valid channel name that keeps the case ref whole.

    Lowercase letters, digits, hyphens and underscores only, at most `limit` chars; the
    summary is slugged into what room is left after the prefix and ref.
    """

    def slug(text: str) -> str:
        # Transliterated first, so "Ünïcödé café" keeps its letters: unicode-cafe.
        return re.sub(r"[^a-z0-9_]+", "-", anyascii(text).lower()).strip("-")

    head = "-".join(p for p in (slug(prefix), slug(ref)) if p)[:limit]
    rest = slug(summary)
    room = limit - len(head) - 1
    if rest and room > 0:
        tail = rest[:room].rstrip("-")
        return f"{head}-{tail}" if tail else head
    return head


def severity_label(severity: int) -> str:
    return f"sev{severity}"
