"""Opening, reading and resolving cases."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import account_owners, permissions, sla, swarm_types
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
    TimelineEvent,
    severity_label,
)
from bot.errors import CommandError
from bot.helpdesk import Ticket, TicketLink
from bot.services import followers, helpdesk, lifecycle, messages, rooms, suggestions
from bot.services.base import Deps, Effects, mention, require_open, require_owner
from bot.skill_rules import Hint


@dataclass
class Opened:
    case: Case
    room_name: str
    failures: list[str] = field(default_factory=list)
    invited: list[str] = field(default_factory=list)  # auto-invited by the swarm type
    followers: list[str] = field(default_factory=list)  # who follows it by the swarm type
    skills: list[str] = field(default_factory=list)  # the type's default skills
    hint: Hint | None = None  # skills the skill rules suggest (issue 26)


def open_case(deps: Deps, actor: Person, platform: str, ref: str, summary: str,
                    severity: int = DEFAULT_SEVERITY, customer: str = "",
                    delight: str | None = None, skills: list[str] | None = None,
                    ticket: Ticket | None = None, no_owner: str | None = None,
                    swarm_type: str | None = None, confidential: bool = False) -> Opened:
    check_open(deps, ref)
    check_type(deps, swarm_type)
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
        if swarm_type:
            store.cases.set_type(case_id, swarm_type)
        kind = swarm_types.type_for(deps.config.types, swarm_type, severity)
        invited = [p for p in kind.invite if p != actor.id]
        for person in invited:
            store.people.ensure(person, platform, None, None, now)
            store.cases.add_participant(case_id, person, Role.SPECIALIST, now, actor.id,
                                        f"{swarm_types.AUTO_INVITED} ({kind.name})")
            store.timeline.append(case_id, now, "joined", person,
                                  f"{mention(person)} {swarm_types.AUTO_INVITED} ({kind.name})")
        if ticket is not None:
            store.helpdesk.link(case_id, TicketLink(
                helpdesk=ticket.helpdesk, ticket_id=ticket.id, url=ticket.url,
                requester=ticket.requester, organization=ticket.organization,
                callback_url=ticket.callback_url), now)
            # Its SLA (docs/sla.md): the priority kept, a policy named by its tags; the
            # customer's clock from the helpdesk's requester, when it says.
            store.cases.set_details(case_id, priority=(ticket.priority or "").lower() or None,
                                    sla=sla.from_ticket(sla.policies(deps.config.sla),
                                                        ticket.tags),
                                    customer_tz=ticket.requester_tz or None)
        if confidential or kind.confidential:
            store.access.set_confidential(case_id, True)
            store.timeline.append(case_id, now, "visibility", actor.id, "opened confidential")
        case = store.cases.by_id(case_id)
        assert case is not None
        followed = followers.add_from_type(deps, case, kind.followers, actor.id)
        # The account's owner follows its cases (issue 26): the ticket's organisation, else
        # the customer named at open.
        organisation = (ticket.organization if ticket is not None else None) or case.customer
        followed += [pid for pid in followers.add_from_type(
            deps, case, account_owners.of(deps.config.account_owners, organisation),
            actor.id, "account owner") if pid not in followed]
        hint = suggestions.at_open(deps, case, ticket, (skills or []) + list(kind.skills))
        effects = Effects(deps, case)
        rooms.open_room(deps, case, skills or [], effects)
        if invited:
            effects.invite(invited, "add who this type of swarm brings")
        if ticket is not None:
            if no_owner:
                effects.failures += helpdesk.ask_for_owner(deps, case, no_owner, effects)
            helpdesk.write_back(deps, case, "opened", effects, no_owner=no_owner)
    # The room is made after the commit (the outbox); its name is the one it will have
    # unless Slack has that name taken.
    return Opened(case=case, room_name=rooms.room_name(deps, case), failures=effects.failures,
                  invited=invited, skills=list(kind.skills), followers=followed, hint=hint)


def check_type(deps: Deps, swarm_type: str | None) -> None:
    if swarm_type and swarm_type not in swarm_types.known(deps.config.types):
        raise CommandError(f"No swarm type `{swarm_type[:30]}`: use one of "
                           f"{', '.join(swarm_types.known(deps.config.types))}.", field="type")


def check_open(deps: Deps, ref: str) -> None:
    """The rule `open` checks before anything is written (forms check it before closing)."""
    existing = deps.store.cases.by_ref(ref)
    if existing is not None:
        where = f" in #{existing.room_name}" if existing.room_name else ""
        again = "" if existing.is_open else (
            f" To work on it again: {deps.phrases.command('reopen', existing.ref + ' <why>')}.")
        raise CommandError(f"{existing.ref} is already {existing.status.value} (owner "
                           f"{mention(existing.owner)}){where}.{again}", field="ref")
    if deps.store.cases.ref_taken(ref):
        # A case of this workspace it cannot see (refs are unique per workspace; another
        # workspace's same ref is no hindrance and is never mentioned).
        raise CommandError(f"the ref {ref} is taken in this workspace; give the case "
                           f"another one, e.g. {ref}-2.", field="ref")


def check_resolve(deps: Deps, actor: Person, case: Case) -> None:
    require_open(case)
    require_owner(deps, case, actor, "resolve it")


@dataclass
class Resolved:
    case: Case
    contributors: list[str]
    failures: list[str]


def check_promises(deps: Deps, case: Case, carry: str | None) -> None:
    """Resolve asks about open promises: keep them first, or carry them over with a note."""
    lifecycle.check_promises(deps, case, carry, "resolve", "<resolution>")


def resolve_case(deps: Deps, actor: Person, case: Case, resolution: str,
                       carry: str | None = None) -> Resolved:
    check_resolve(deps, actor, case)
    check_promises(deps, case, carry)
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        lifecycle.carry_promises(deps, actor, case, carry)
        pending = store.cases.pending_handoff(case.id)
        if pending is not None:
            store.cases.decide_handoff(pending.id, HandoffState.WITHDRAWN, now, "case resolved")
        store.cases.resolve(case.id, resolution.strip(), now)
        store.cases.end_owner(case.id, now)
        store.timeline.append(case.id, now, "resolved", actor.id, resolution.strip())
        contributors = lifecycle.contributors(deps, case)
        effects = Effects(deps, case)
        lifecycle.refresh_brief(deps, case, effects)
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
        followers.closed(deps, case, "resolved", resolution.strip(), actor.id, effects)
    resolved = store.cases.by_id(case.id) or case
    return Resolved(case=resolved, contributors=contributors, failures=effects.failures)


def list_cases(deps: Deps, actor: Person, which: str) -> list[Case]:
    """The swarms `list` shows: a confidential one only to who may see it (issue 26)."""
    return [c for c in _listed(deps, actor, which)
            if permissions.may_see(deps.config, deps.store, actor, c)]


def _listed(deps: Deps, actor: Person, which: str) -> list[Case]:
    if which == "following":
        found = [deps.store.cases.by_id(cid) for cid in deps.store.access.following(actor.id)]
        return sorted((c for c in found if c is not None), key=lambda c: c.opened_at,
                      reverse=True)
    if which == "mine":
        return deps.store.cases.recent(status=CaseStatus.OPEN, person=actor.id)
    if which == "all":
        return deps.store.cases.recent()
    return deps.store.cases.recent(status=CaseStatus.OPEN)


def catchup(deps: Deps, actor: Person, case: Case, limit: int = 15) -> list[TimelineEvent]:
    """What happened since this person last looked; marks it seen."""
    store = deps.store
    events = store.timeline.events(case.id, store.timeline.last_seen(case.id, actor.id))
    if events:
        store.timeline.mark_seen(case.id, actor.id, events[-1].id)
    return events[-limit:]


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


def journey(deps: Deps, case: Case) -> list[tuple[str, str]]:
    """Touchpoints and mood readings in time order: (at, what)."""
    store = deps.store
    steps = [(t.at, f"{t.function}: {t.what}") for t in store.journal.touchpoints(case.id)]
    steps += [(m.at, f"mood {m.level}" + (f" ({m.note})" if m.note else ""))
              for m in store.journal.moods(case.id)]
    return sorted(steps)


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
