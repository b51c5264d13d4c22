"""Bringing experts to the case: help requests, invitations, joining and leaving."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from bot import availability, swarm_types
from bot.availability import PlatformStatus
from bot.bridge import effects as bridge
from bot.domain import Case, Person, Role, parse_iso
from bot.errors import NotAllowed
from bot.experts import Candidate, Suggestion, suggest
from bot.i18n import _, shared
from bot.services import knowledge, messages, visibility
from bot.services.base import Deps, Effects, mention, require_open, require_participant


@dataclass
class Needed:
    suggestion: Suggestion
    similar: list[str] = field(default_factory=list)  # resolved cases like this one
    failures: list[str] = field(default_factory=list)


def normalise_skills(skills: list[str]) -> list[str]:
    return list(dict.fromkeys(s.strip(",;").lower() for s in skills if s.strip(",;")))


def find_experts(deps: Deps, case: Case, skills: list[str],
                 exclude: set[str] | None = None,
                 statuses: Mapping[str, PlatformStatus] | None = None) -> Suggestion:
    """`exclude`: people never to suggest (those asked already, issue 26's `ask`).
    `statuses`: what the platform said of them, looked up at the edge (issue 26)."""
    quick = _from_shortlist(deps, case, skills, exclude, statuses)
    return quick if quick is not None else from_everyone(deps, case, skills, exclude, statuses)


def from_everyone(deps: Deps, case: Case, skills: list[str], exclude: set[str] | None = None,
                  statuses: Mapping[str, PlatformStatus] | None = None) -> Suggestion:
    """`find_experts` from everyone with one of the skills (the short list's fallback)."""
    store = deps.store
    # Everyone with one of the skills at once (a large directory has hundreds per skill),
    # with availability and load (kept per person: bot/store/expert_figures.py), then past
    # help: two reads in all, not four per person.
    have = store.cases.expert_candidates(skills)
    ids = list(have)
    helped = store.cases.past_helps(ids, skills)
    in_room = {p.person for p in store.cases.participants(case.id, active_only=True)}
    ready = [p for p, (_, available, _) in have.items() if available]
    if statuses is None and deps.presence is not None and deps.config.availability.presence:
        # No edge step on this path (`ask`'s next expert, `open … skills=`): what the cache
        # holds from recent lookups, read from memory, never asked for here.
        kept = {p: deps.presence.kept(case.platform, p) for p in ready}
        statuses = {p: s for p, s in kept.items() if s is not None}
    skipped = who_is_off(deps, ready, statuses or {})
    candidates = [Candidate(
        person=pid, skills=frozenset(held), available=available and pid not in skipped,
        # This case is not other work: it is no load for whoever is in it already.
        load=load - (1 if pid in in_room else 0),
        past_help=helped.get(pid, 0)) for pid, (held, available, load) in have.items()]
    if exclude:
        candidates = [c for c in candidates if c.person not in exclude]
    found = suggest(skills, candidates, in_room)
    return replace(found, skipped={p: why for p, why in skipped.items()
                                   if p not in in_room and not (exclude and p in exclude)})


# Per subset of the wanted skills, this many of the best available people are read.
SHORTLIST_PER_SUBSET = 10


def _from_shortlist(deps: Deps, case: Case, skills: list[str], exclude: set[str] | None,
                    statuses: Mapping[str, PlatformStatus] | None) -> Suggestion | None:
    """The same answer as the full read, from the store's short list (issue 28: at 50,000
    people a request no longer builds every candidate); None when the short list cannot
    tell (working hours for all, presence read per person, a skill nobody can cover, or a
    subset whose first few all cannot help): then the full read answers."""
    cfg = deps.config.availability
    if (cfg.work_start and cfg.work_end) or (
            statuses is None and deps.presence is not None and cfg.presence):
        return None
    store = deps.store
    in_room = {p.person for p in store.cases.participants(case.id, active_only=True)}
    listed = store.cases.expert_shortlist(skills, SHORTLIST_PER_SUBSET,
                                          sorted(in_room | set(statuses or {})))
    if not listed:
        return None
    # Only those with a status or their own hours can be off (no working hours for all).
    skipped = who_is_off(deps, [x.person for x in listed if x.available], statuses or {})
    out = exclude or set()
    firsts: dict[frozenset[str], list[bool]] = {}
    for x in listed:
        if x.ranked:
            firsts.setdefault(frozenset(x.skills), []).append(
                x.available and x.person not in skipped and x.person not in in_room
                and x.person not in out)
    if any(len(f) >= SHORTLIST_PER_SUBSET and not any(f) for f in firsts.values()):
        return None
    candidates = [Candidate(
        person=x.person, skills=frozenset(x.skills), available=x.available
        and x.person not in skipped, load=x.load - (1 if x.person in in_room else 0),
        past_help=x.past_help) for x in listed if x.person not in out]
    found = suggest(skills, candidates, in_room)
    if found.uncovered:
        return None  # `away` names everyone away with such a skill: the full read
    return replace(found, skipped={p: why for p, why in skipped.items()
                                   if p not in in_room and p not in out})


def who_is_off(deps: Deps, people: list[str], statuses: Mapping[str, PlatformStatus]
               ) -> dict[str, str]:
    """Why each of `people` is off now (their status, their hours), for those who are: a
    status the edge looked up, else their own zone as the store knows it."""
    cfg = deps.config.availability
    if not people:
        return {}
    own = deps.store.prefs.hours_of(people)  # `skills hours`: their own, over the config's
    if not statuses and not own and not (cfg.work_start and cfg.work_end):
        return {}
    known = deps.store.people.many(people)
    back = deps.store.prefs.back_since(people)
    now = deps.now()
    off = {}
    for pid in people:
        person, hours = known.get(pid), own.get(pid)
        tz = (hours.tz if hours else None) or (person.tz if person else None)
        status = statuses.get(pid)
        if hours and hours.tz and status is not None:
            status = replace(status, tz=None)  # the zone they gave wins over the profile's
        why = availability.absent(
            status, tz, now, replace(cfg, work_start=hours.start, work_end=hours.end)
            if hours else cfg, parse_iso(back[pid]) if pid in back else None)
        if why:
            off[pid] = why
    return off


def need(deps: Deps, actor: Person, case: Case, skills: list[str],
         tried: str | None, statuses: Mapping[str, PlatformStatus] | None = None) -> Needed:
    require_open(case)
    require_participant(deps, case, actor)
    skills = normalise_skills(skills)
    store, now = deps.store, deps.now_iso()
    suggestion = find_experts(deps, case, skills, statuses=statuses)
    with store.transaction():
        request_id = store.cases.add_help_request(case.id, skills, tried, actor.id, now)
        store.timeline.append(case.id, now, "help_requested", actor.id,
                     f"needs {', '.join(skills)}" + (f" (tried: {tried})" if tried else ""),
                     request_id)
        effects = Effects(deps, case)
        port = deps.port(case.platform)
        # The case row is as it was read, under its lock (a help request changes nothing
        # in it); the request's `tried` is read with the others.
        similar = knowledge.similar_lines(deps, case)
        with shared():  # triage reads it: the deployment's language
            request = messages.help_request(case, skills, tried, actor.id, suggestion,
                                            deps.phrases, similar) if not case.confidential \
                else visibility.help_request(case, skills, actor.id, suggestion, deps.phrases)
        triage = swarm_types.type_for(deps.config.types, case.swarm_type,
                                      case.severity).triage_room or port.triage_room
        if triage:
            effects.post(request, _("post the help request in triage"), room=triage)
        if deps.config.bridge.enabled:  # suggested people on other platforms: asked there
            bridge.ask_elsewhere(store, list(deps.ports), case, [p.person for p in
                                 suggestion.picks], request,
                                 {p: port.triage_room for p, port in deps.ports.items()},
                                 effects)
    if not triage:
        effects.failures.append(_("No triage room is configured, so nobody was asked."))
    return Needed(suggestion=suggestion, similar=similar, failures=effects.failures)


@dataclass
class Joined:
    person: str
    already: bool
    failures: list[str] = field(default_factory=list)


def _record_join(deps: Deps, case: Case, pid: str, invited_by: str | None,
                 why: str | None) -> bool:
    """Record a join; False if they were in the swarm already."""
    store, now = deps.store, deps.now_iso()
    if store.cases.participant(case.id, pid) is not None:
        return False
    with store.transaction():
        store.cases.add_participant(case.id, pid, Role.SPECIALIST, now, invited_by, why)
        by = f" (invited by {mention(invited_by)}" + (f": {why})" if why else ")") \
            if invited_by else (f" ({why})" if why else "")
        store.timeline.append(case.id, now, "joined", pid, f"{mention(pid)} joined{by}")
    return True


def join(deps: Deps, actor: Person, case: Case, why: str | None = None) -> Joined:
    require_open(case)
    with deps.store.transaction():
        if not _record_join(deps, case, actor.id, None, why):
            return Joined(person=actor.id, already=True)
        effects = Effects(deps, case)
        effects.invite([actor.id], _("add you to the swarm room"))
    return Joined(person=actor.id, already=False, failures=effects.failures)


def invite(deps: Deps, actor: Person, case: Case, people: list[str],
                 why: str | None) -> list[Joined]:
    require_open(case)
    require_participant(deps, case, actor)
    joined = []
    fresh = []
    effects = Effects(deps, case)
    with deps.store.transaction():
        for pid in dict.fromkeys(people):
            deps.store.people.ensure(pid, case.platform, None, None, deps.now_iso())
            added = _record_join(deps, case, pid, actor.id, why)
            joined.append(Joined(person=pid, already=not added))
            if added:
                fresh.append(pid)
        if fresh:
            effects.invite(fresh, _("add {people} to the room").format(
                people=", ".join(mention(p) for p in fresh)))
        for pid in fresh:
            with shared():  # a message to someone whose language the command does not know
                lead = _("{who} brought you into {ref}: {summary}").format(
                    who=mention(actor.id), ref=case.ref, summary=case.summary)
            send_catchup(deps, case, pid, effects, lead)
    if effects.failures:
        joined[0].failures.extend(effects.failures)
    return joined


def send_catchup(deps: Deps, case: Case, pid: str, effects: Effects,
                 lead: str | None = None) -> None:
    """New joiners get the story so far, privately, so nobody asks the customer again."""
    with shared():  # sent to the joiner, whose language the command does not know
        caught = knowledge.catch_up(deps, pid, case)
        catchup = messages.catchup(caught, deps.phrases, lead)
    effects.direct_message(pid, catchup,
                           _("send {who} the catch-up").format(who=mention(pid)))


def leave(deps: Deps, actor: Person, case: Case) -> None:
    require_open(case)
    if case.owner == actor.id:
        raise NotAllowed(_("You own {ref}, so you stay with the customer: hand off first "
                           "({handoff}).").format(
            ref=case.ref, handoff=deps.phrases.command('handoff', '@user <briefing>')))
    if deps.store.cases.participant(case.id, actor.id) is None:
        raise NotAllowed(_("You're not in the swarm for {ref}.").format(ref=case.ref))
    _record_leave(deps, case, actor.id)


def _record_leave(deps: Deps, case: Case, pid: str) -> None:
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        store.cases.leave(case.id, pid, now)
        store.timeline.append(case.id, now, "left", pid, f"{mention(pid)} left the swarm")


def room_member_left(deps: Deps, platform: str, room_id: str, pid: str) -> None:
    """Someone left the room on the platform. The owner is invited back, with the reason."""
    case = deps.store.cases.by_room(room_id)
    if case is None or not case.is_open or not case.lives_on(platform):
        return
    if case.owner == pid:
        with deps.store.transaction():
            effects = Effects(deps, case)
            effects.invite([pid], _("invite the owner back"))
            with shared():  # no command of theirs: the deployment's language
                back = messages.notice(_(
                    "You own {ref}, so I've added you back to the swarm room: the customer "
                    "keeps one person. To step away, hand off warmly: {handoff}.").format(
                    ref=case.ref,
                    handoff=deps.phrases.command('handoff', case.ref + ' @user <briefing>')))
            effects.direct_message(pid, back, _("tell the owner why"))
            deps.store.timeline.append(case.id, deps.now_iso(), "owner_returned", pid,
                                       f"{mention(pid)} left while owner and was invited back")
        return
    if deps.store.cases.participant(case.id, pid) is not None:
        _record_leave(deps, case, pid)


def room_member_joined(deps: Deps, platform: str, room_id: str, pid: str) -> None:
    case = deps.store.cases.by_room(room_id)
    if case is None or not case.is_open or not case.lives_on(platform):
        return
    with deps.store.transaction():
        deps.store.people.ensure(pid, platform, None, None, deps.now_iso())
        if _record_join(deps, case, pid, None, "joined the room"):
            send_catchup(deps, case, pid, Effects(deps, case))


def message_posted(deps: Deps, platform: str, room_id: str, pid: str) -> None:
    case = deps.store.cases.by_room(room_id)
    if case is not None and case.lives_on(platform):
        deps.store.timeline.count_message(case.id, pid)
