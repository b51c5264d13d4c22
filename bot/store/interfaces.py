"""The store's interface: one narrow repository per aggregate, and the unit of work holding them.

SQLite (bot/store/sqlite.py) and PostgreSQL (bot/store/postgres.py) implement it, and
tests/store/ runs the same contract tests against both. So the signatures carry domain
values (bot/domain.py dataclasses, ids, ISO UTC strings), never rows keyed by column names,
and inserts return the new id.

Times are ISO 8601 UTC strings as `bot.domain.iso` writes them; callers pass `at`, so the
store never reads a clock (tests drive a simulated one).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from bot.domain import (
    Case,
    CaseStatus,
    Decision,
    Friction,
    FrictionReview,
    Handoff,
    HandoffState,
    HelpRequest,
    Mood,
    Ownership,
    Participant,
    Person,
    Promise,
    Reminder,
    Role,
    Thanks,
    TimelineEvent,
    Touchpoint,
)
from bot.errors import CommandError


class SchemaError(CommandError):
    """The database's schema is not the one this release runs on: one line saying what to do
    (a newer schema is never written to by an older release)."""


Row = Sequence[Any]  # one positional row of a bulk load, in the order the bulk method documents


@dataclass(frozen=True)
class OutboxItem:
    """A platform side effect a command needs, recorded in its transaction, done after it.

    `state` is pending, done or failed; `tries` counts transient failures; `next_at` is
    when it may be tried (again); `result` is what the platform gave back (a room id, a
    message id)."""

    id: int
    case_id: int | None
    platform: str
    kind: str
    payload: dict[str, Any]
    state: str
    tries: int
    next_at: str
    last_error: str | None
    result: dict[str, Any] | None


@dataclass(frozen=True)
class InboxItem:
    """A delivery received (and acknowledged) but not yet done."""

    key: str
    source: str
    payload: str
    received_at: str


class Cases(Protocol):
    """Cases with their owners, participants, handoffs and help requests."""

    def add(self, ref: str, customer: str, summary: str, severity: int, owner: str,
            platform: str, at: str) -> int: ...
    def by_id(self, case_id: int) -> Case | None: ...
    def lock(self, case_id: int) -> Case | None: ...  # the case, left alone until commit
    def by_ref(self, ref: str) -> Case | None:
        """Refs match without regard to case (`zd-1` finds ZD-1)."""
    def by_room(self, room_id: str) -> Case | None: ...
    def room_id_by_name(self, platform: str, room_name: str) -> str | None: ...
    def recent(self, status: CaseStatus | None = None, person: str | None = None,
               limit: int = 50) -> list[Case]:
        """Newest first; `person` keeps the cases they own or are active in."""
    def all(self) -> list[Case]:
        """Every case, oldest first."""
    def set_room(self, case_id: int, room_id: str, room_name: str) -> None: ...
    def set_owner(self, case_id: int, owner: str) -> None: ...
    def set_delight(self, case_id: int, delight: str) -> None: ...
    def resolve(self, case_id: int, resolution: str, at: str) -> None: ...
    def close(self, case_id: int, status: CaseStatus, resolution: str, at: str) -> None:
        """Resolved or cancelled: `resolution` is how, or why; `at` is the closing time."""
    def reopen(self, case_id: int) -> None:
        """Open again: the resolution and closing time are cleared (the timeline keeps them)."""
    def set_details(self, case_id: int, *, severity: int | None = None,
                    customer: str | None = None, summary: str | None = None) -> None:
        """Change what is given (None: left as it is)."""
    def set_type(self, case_id: int, swarm_type: str | None) -> None: ...
    def pending_handoffs(self) -> list[Handoff]:
        """Pending offers on open cases, oldest first."""
    def unanswered_help(self) -> list[HelpRequest]:
        """Help requests on open cases that nobody besides the asker joined after (people a
        swarm type auto-invited, whose `why` starts with swarm_types.AUTO_INVITED, don't
        count: they were brought, not answering)."""

    # ownership periods
    def add_owner(self, case_id: int, person: str, at: str) -> None: ...
    def end_owner(self, case_id: int, at: str) -> None: ...
    def owners(self, case_id: int) -> list[Ownership]: ...

    # participants
    def add_participant(self, case_id: int, person: str, role: Role, at: str,
                        invited_by: str | None, why: str | None) -> None: ...
    def participant(self, case_id: int, person: str) -> Participant | None:
        """The person's active participation (not left), if any."""
    def participants(self, case_id: int, active_only: bool = False) -> list[Participant]: ...
    def set_role(self, case_id: int, person: str, role: Role) -> None: ...
    def leave(self, case_id: int, person: str, at: str) -> None: ...
    def open_load(self, person: str) -> int:
        """Open cases the person is active in."""
    def open_loads(self, persons: Sequence[str]) -> dict[str, int]:
        """`open_load` of many people in one go (absent: 0)."""

    # handoffs
    def add_handoff(self, case_id: int, from_id: str, to_id: str, briefing: str,
                    tried: str | None, at: str) -> int: ...
    def pending_handoff(self, case_id: int) -> Handoff | None: ...
    def decide_handoff(self, handoff_id: int, state: HandoffState, at: str,
                       reason: str | None = None) -> None: ...
    def handoffs(self, case_id: int) -> list[Handoff]: ...

    # help requests
    def add_help_request(self, case_id: int, skills: Sequence[str], tried: str | None,
                         by: str, at: str) -> int: ...
    def help_requests(self, case_id: int) -> list[HelpRequest]: ...
    def last_tried(self, case_id: int) -> str | None: ...
    def past_help(self, person: str, skills: Sequence[str]) -> int:
        """Resolved cases the person joined as a specialist after a request for these skills."""
    def past_helps(self, persons: Sequence[str], skills: Sequence[str]) -> dict[str, int]:
        """`past_help` of many people in one go (absent: 0)."""

    def bulk(self, cases: Iterable[Row] = (), owners: Iterable[Row] = (),
             participants: Iterable[Row] = (), handoffs: Iterable[Row] = (),
             help_requests: Iterable[Row] = ()) -> None:
        """The `demo --bulk` fast path; column orders are in bot/store/bulk.py."""


class Timeline(Protocol):
    """The append-only case timeline, what each person has seen of it, and message counts."""

    def append(self, case_id: int | None, at: str, kind: str, by: str | None, text: str,
               ref_id: int | None = None) -> int: ...
    def events(self, case_id: int, after_id: int = 0) -> list[TimelineEvent]: ...
    def event(self, event_id: int) -> TimelineEvent | None: ...
    def last_seen(self, case_id: int, person: str) -> int: ...
    def mark_seen(self, case_id: int, person: str, event_id: int) -> None: ...
    def count_message(self, case_id: int, person: str) -> None: ...
    def message_counts(self, case_id: int) -> dict[str, int]: ...
    def bulk(self, events: Iterable[Row]) -> None: ...


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
    def due_unkept(self, by: str) -> list[Reminder]:
        """Open promises on open cases due by `by`, kept or reminded or not."""
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


class People(Protocol):
    """People (as each platform names them) and the skills directory."""

    def ensure(self, person: str, platform: str, name: str | None, tz: str | None, at: str
               ) -> Person:
        """The person, created on first sight; a time zone learnt later is filled in."""
    def get(self, person: str) -> Person | None: ...
    def many(self, persons: Sequence[str]) -> dict[str, Person]:
        """`get` of many people in one go: the ones that exist, by id."""
    def platform_of(self, person: str) -> str | None: ...
    def set_manager(self, person: str, manager: bool) -> None: ...
    def set_available(self, person: str, available: bool) -> None: ...
    def set_function(self, person: str, function: str | None) -> None: ...
    def skills_of(self, person: str) -> list[str]: ...
    def add_skills(self, person: str, skills: Sequence[str]) -> None: ...
    def remove_skills(self, person: str, skills: Sequence[str]) -> None: ...
    def with_skills(self, skills: Sequence[str]) -> dict[str, list[str]]:
        """Person id -> which of `skills` they have, for everyone with at least one."""


class Inbox(Protocol):
    """Deliveries recorded before they are acknowledged (inbox before ack)."""

    def put(self, key: str, source: str, payload: str, at: str) -> bool:
        """False when the key was seen before: a redelivery, to be done nothing with."""
    def done(self, key: str, at: str) -> None: ...
    def take(self, key: str, at: str) -> bool:
        """Mark a delivery done inside the transaction that runs it, before running it:
        False when it is done already (another replica ran it; one still running it holds
        the row until it commits, and then it is done). A key never put is taken."""
    def fail(self, key: str, error_id: str, at: str) -> None:
        """Its command hit a bug: closed as failed with the error id (never replayed)."""
    def failed_count(self) -> int: ...
    def pending(self, source: str, received_before: str | None = None,
                limit: int | None = None) -> list[InboxItem]:
        """Received, neither done nor failed, oldest first (`received_before`: only those
        received before that time)."""


class Outbox(Protocol):
    """Platform side effects: added in a command's transaction, performed after its commit."""

    def add(self, case_id: int | None, platform: str, kind: str, payload: dict[str, Any],
            at: str) -> int: ...
    def get(self, item_id: int) -> OutboxItem | None: ...
    def due(self, now: str, limit: int = 50) -> list[OutboxItem]:
        """Pending rows whose `next_at` has come, oldest first."""
    def claim(self, item_id: int, now: str, until: str,
              barriers: Collection[str] = ()) -> bool:
        """Take a due row until `until` (a lease) and count a try; False if it is not due
        (another worker has it), or if it must wait for an earlier pending row of its case:
        a row of a kind in `barriers` waits for all of them, any row for an earlier
        barrier."""
    def finish(self, item_id: int, result: dict[str, Any] | None, at: str) -> None: ...
    def later(self, item_id: int, tries: int, next_at: str, error: str | None, at: str
              ) -> None: ...
    def give_up(self, item_id: int, tries: int, error: str, at: str) -> None: ...
    def release(self, at: str) -> int:
        """Every pending row due at `at` (start-up: leases of a killed process end)."""
    def failed(self, case_id: int) -> list[OutboxItem]: ...
    def pending_for(self, case_id: int) -> list[OutboxItem]: ...
    def retry(self, case_id: int, at: str) -> int:
        """Failed rows of a case back to pending, tries reset, and its other pending rows
        due now (they may wait for the failed ones); how many had failed."""
    def counts(self) -> dict[str, int]:
        """Rows per state."""
    def overdue(self, before: str) -> int:
        """Pending rows that should have been tried before `before` (a stuck worker)."""


# The digest's window reads: name -> the fields of each tuple, in order. "In the window"
# means the time named first falls in [lo, hi).
WINDOW_READS = {
    "resolved": "opened_at, resolved_at, number of ownership periods, first mood level, "
                "last mood level, number of moods: one per case resolved in the window",
    "help": "requested at, when the first person other than the asker joined at or after it "
            "(None if nobody did): one per help request",
    "handoffs": "requested_at, state, decided_at: one per handoff offered",
    "thanks": "at, from_id, to_id, what, case ref (None without a case), in time order",
    "promises": "made_at, due, kept_at: one per promise made",
    "touchpoints": "case_id, function: one per touchpoint",
    "frictions": "process, how: newest first",
    "decisions": "risk, outcome: one per decision taken",
    "lifecycle": "kind ('cancelled' or 'reopened'): one per case cancelled or reopened",
    "nudges": "kind: one per nudge sent",
}


class DigestReads(Protocol):
    """Reads by time window for the weekly digest: plain tuples, as the digest reads tens of
    thousands of rows per week at scale. Windows are half-open [lo, hi)."""

    def window(self, lo: str, hi: str) -> dict[str, list[tuple[Any, ...]]]:
        """Every read of WINDOW_READS by its name."""
    def opened_per_day(self, bounds: Sequence[str]) -> list[int]: ...
    def open_cases_at(self, at: str) -> int: ...
    def people_names(self) -> dict[str, str]: ...


@dataclass(frozen=True)
class KeptDigest:
    figures: dict[str, Any]
    valid_until: str | None  # the figures change by time alone then (a promise falls due)
    computed_at: str


class DigestKept(Protocol):
    """A finished week's digest figures, computed once and kept. `lo`..`hi` is the span the
    figures read; whatever lands in a kept span later drops it (`forget`)."""

    def get(self, week: str, tz: str) -> KeptDigest | None: ...
    def high_water(self) -> int:
        """The newest timeline event's id (0 when none): read before figures are computed,
        it is the `since` of `keep`."""
    def keep(self, week: str, tz: str, lo: str, hi: str, kept: KeptDigest,
             since: int | None = None) -> bool:
        """Keep the figures, unless an event that would have dropped them (see `forget`)
        landed after `since`: they were computed on a snapshot that missed it. Call it in a
        transaction, so that no such event can land between the check and the write.
        True when kept."""
    def forget(self, lo: str, hi: str) -> int:
        """Drop the kept figures whose span meets [lo, hi]; how many."""


class PlatformRefs(Protocol):
    """What an adapter must remember across restarts, as (platform, kind, key) -> JSON object
    (e.g. Teams conversation references and 1:1 chats). Nothing here knows any platform."""

    def put(self, platform: str, kind: str, key: str, value: dict[str, Any], at: str
            ) -> None: ...
    def get(self, platform: str, kind: str, key: str) -> dict[str, Any] | None: ...
    def latest(self, platform: str, kind: str) -> dict[str, Any] | None:
        """The value of this kind written most recently."""


from bot.store.interfaces_late import (  # noqa: E402
    Helpdesk,
    Nudges,
    Retention,
    Search,
    SentMarks,
)


class Store(Protocol):
    """The unit of work: the repositories, one transaction at a time, and close."""

    cases: Cases
    timeline: Timeline
    journal: Journal
    people: People
    inbox: Inbox
    outbox: Outbox
    sent: SentMarks
    digest: DigestReads
    digest_kept: DigestKept
    refs: PlatformRefs
    retention: Retention
    helpdesk: Helpdesk
    search: Search
    nudges: Nudges

    def transaction(self) -> AbstractContextManager[None]:
        """All or nothing on this thread's own connection; nesting joins the outer one."""
    def savepoint(self) -> AbstractContextManager[None]:
        """In a transaction, an exception rolls back to here and it goes on; else nothing."""
    def is_unavailable(self, err: BaseException) -> bool:
        """The store failed (disk full, server gone), not the code: run the work again later."""
    def is_retryable(self, err: BaseException) -> bool: ...  # a deadlock's abort: run again
    def reader(self) -> Store:
        """A separate read-only store for work off the event loop (the digest); close it."""
    def close(self) -> None: ...


__all__ = ["WINDOW_READS", "Cases", "DigestKept", "DigestReads", "Helpdesk", "Inbox", "InboxItem",
           "Journal", "KeptDigest", "Nudges", "Outbox", "OutboxItem", "People", "PlatformRefs",
           "Retention", "SchemaError", "Search",
           "SentMarks", "Store", "Timeline"]
