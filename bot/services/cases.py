"""Opening, reading and resolving cases."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain import (
    DEFAULT_SEVERITY,
    Case,
    CaseStatus,
    Handoff,
    HandoffState,
    Participant,
    Person,
    Promise,
    Role,
    severity_label,
)
from bot.errors import CommandError
from bot.helpdesk import Ticket, TicketLink
from bot.services import helpdesk, messages, rooms
from bot.services.base import Deps, Effects, mention, require_open, require_owner


@dataclass
class Opened:
    case: Case
    room_name: str
    failures: list[str] = field(default_factory=list)


async def open_case(deps: Deps, actor: Person, platform: str, ref: str, summary: str,
                    severity: int = DEFAULT_SEVERITY, customer: str = "",
                    delight: str | None = None, skills: list[str] | None = None,
                    ticket: Ticket | None = None, no_owner: str | None = None) -> Opened:
    check_open(deps, ref)
    store = deps.store
    deps.port(platform)  # fail before writing anything if the platform is not connected
    now = deps.now_iso()
    with store.transaction():
        case_id = store.cases.add(ref, customer, summary.strip(), severity, actor.id,
                                    platform, now)
        store.cases.add_owner(case_id, actor.id, now)
        store.cases.add_participant(case_id, actor.id, Role.OWNER, now, None, "opened the case")
        store.timeline.append(case_id, now, "opened", actor.id,
                     f"opened {severity_label(severity)}: {summary.strip()}")
        if delight:
            store.cases.set_delight(case_id, delight)
            store.timeline.append(case_id, now, "delight", actor.id, delight)
        if ticket is not None:
            store.helpdesk.link(case_id, TicketLink(
                helpdesk=ticket.helpdesk, ticket_id=ticket.id, url=ticket.url,
                requester=ticket.requester, organization=ticket.organization,
                callback_url=ticket.callback_url), now)
        case = store.cases.by_id(case_id)
        assert case is not None
        effects = Effects(deps, case)
        rooms.open_room(deps, case, skills or [], effects)
        if ticket is not None:
            if no_owner:
                effects.failures += helpdesk.ask_for_owner(deps, case, no_owner, effects)
            helpdesk.write_back(deps, case, "opened", effects, no_owner=no_owner)
    # The room is made after the commit (the outbox); its name is the one it will have
    # unless Slack has that name taken.
    return Opened(case=case, room_name=rooms.room_name(deps, case), failures=effects.failures)


def check_open(deps: Deps, ref: str) -> None:
    """The rule `open` checks before anything is written (forms check it before closing)."""
    existing = deps.store.cases.by_ref(ref)
    if existing is not None:
        where = f" in #{existing.room_name}" if existing.room_name else ""
        state = "open" if existing.is_open else "resolved"
        raise CommandError(f"{existing.ref} is already {state} (owner {mention(existing.owner)})"
                           f"{where}.", field="ref")


def check_resolve(deps: Deps, actor: Person, case: Case) -> None:
    require_open(case)
    require_owner(deps, case, actor, "resolve it")


@dataclass
class Resolved:
    case: Case
    contributors: list[str]
    failures: list[str]


async def resolve_case(deps: Deps, actor: Person, case: Case, resolution: str) -> Resolved:
    check_resolve(deps, actor, case)
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        pending = store.cases.pending_handoff(case.id)
        if pending is not None:
            store.cases.decide_handoff(pending.id, HandoffState.WITHDRAWN, now, "case resolved")
        store.cases.resolve(case.id, resolution.strip(), now)
        store.cases.end_owner(case.id, now)
        store.timeline.append(case.id, now, "resolved", actor.id, resolution.strip())
        contributors = [p.person for p in store.cases.participants(case.id)
                        if p.role is not Role.OWNER and p.person != case.owner]
        contributors = list(dict.fromkeys(contributors))
        effects = Effects(deps, case)
        # Queued whether or not the room is made yet: the outbox waits for it.
        credit = (" Thanks to " + ", ".join(mention(p) for p in contributors) + " for swarming."
                  if contributors else "")
        effects.post(messages.notice(
            f"{case.ref} resolved by {mention(actor.id)}: {resolution.strip()}.{credit}",
            mentions=tuple(contributors)), "post the resolution")
        # Whether "archive" really archives is the platform's setting, kept in its port
        # (e.g. [slack] archive_on_resolve); the core always asks.
        effects.archive()
        helpdesk.write_back(deps, case, "resolved", effects, by=actor.id,
                            resolution=resolution.strip(), helped=contributors)
    resolved = store.cases.by_id(case.id) or case
    return Resolved(case=resolved, contributors=contributors, failures=effects.failures)


def list_cases(deps: Deps, actor: Person, which: str) -> list[Case]:
    if which == "mine":
        return deps.store.cases.recent(status=CaseStatus.OPEN, person=actor.id)
    if which == "all":
        return deps.store.cases.recent()
    return deps.store.cases.recent(status=CaseStatus.OPEN)


@dataclass
class Snapshot:
    """What `status` shows of a case besides the case row itself."""

    people: list[Participant]
    last_mood: str | None
    pending: Handoff | None
    promises: list[Promise]


def snapshot(deps: Deps, case: Case) -> Snapshot:
    store = deps.store
    mood = store.journal.last_mood(case.id)
    return Snapshot(people=store.cases.participants(case.id, active_only=True),
                    last_mood=mood.level if mood else None,
                    pending=store.cases.pending_handoff(case.id),
                    promises=store.journal.open_promises(case.id))


def possible_receivers(deps: Deps, case: Case) -> dict[str, str]:
    """Who a handoff is likely to go to: the swarm besides its owner (id -> name)."""
    out = {}
    for p in deps.store.cases.participants(case.id, active_only=True):
        if p.person != case.owner:
            person = deps.store.people.get(p.person)
            out[p.person] = person.name if person else p.person
    return out


def last_tried(deps: Deps, case: Case) -> str | None:
    return deps.store.cases.last_tried(case.id)
