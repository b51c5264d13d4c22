"""Ask a person, and the next one if they decline (issue 26): `ask @user [skill]` sends a
direct request with Accept (joining the swarm) and Decline (with a reason). A decline, or no
answer within the case's type's `answer_within`, asks the next expert the finder ranks for
that skill - up to CHAIN people in all - and the owner is told each step by direct message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import permissions, swarm_types
from bot.domain import Ask, Case, Person, iso, parse_iso
from bot.errors import CommandError
from bot.people import mention
from bot.replies import Field, Reply
from bot.services import messages, visibility
from bot.services.base import Deps, Effects, require_open, require_participant
from bot.services.membership import find_experts

CHAIN = 3  # people asked in all for one request: the first and up to two more


@dataclass(frozen=True)
class Asked:
    person: str
    skill: str | None


def ask(deps: Deps, actor: Person, case: Case, person: str, skill: str | None) -> Asked:
    require_open(case)
    require_participant(deps, case, actor)
    store = deps.store
    if person == actor.id:
        raise CommandError("Ask someone else: you are in the swarm already.")
    if permissions.member(store, case, person):
        raise CommandError(f"{mention(person)} is in the swarm for {case.ref} already.")
    if store.access.pending_ask(case.id, person) is not None:
        raise CommandError(f"{mention(person)} has been asked on {case.ref} already and has "
                           "not answered yet.")
    with store.transaction():
        store.people.ensure(person, case.platform, None, None, deps.now_iso())
        _send(deps, case, person, skill, actor.id, None, Effects(deps, case))
    return Asked(person, skill)


def _send(deps: Deps, case: Case, person: str, skill: str | None, by: str,
          first_id: int | None, effects: Effects) -> None:
    store, now = deps.store, deps.now_iso()
    store.access.add_ask(case.id, person, skill, by, now, first_id)
    store.timeline.append(case.id, now, "asked", by, f"asked {mention(person)} directly"
                          + (f" for {skill}" if skill else ""))
    about = visibility.about(case) if case.confidential else case.summary
    fields = [Field("Case", f"{case.ref}: {about}")]
    if skill:
        fields.append(Field("Skill", skill))
    effects.direct_message(person, Reply(
        title=f"{mention(by)} asks you to help on {case.ref}",
        text=("Accept to join the swarm; Decline (say why if you can: "
              f"{deps.phrases.command('decline', case.ref + ' <why>')}) and the next "
              "expert is asked."),
        fields=tuple(fields),
        buttons=(deps.phrases.button("Accept", "join", case.ref, style="primary"),
                 deps.phrases.button("Decline", "decline", case.ref, style="danger")),
        mentions=(by,)), f"ask {mention(person)} to help")


def accepted(deps: Deps, case: Case, person: str) -> None:
    """The person joined: their pending ask is answered, and the owner told."""
    store = deps.store
    pending = store.access.pending_ask(case.id, person)
    if pending is None:
        return
    with store.transaction():
        store.access.decide_ask(pending.id, "accepted", deps.now_iso(), None)
        _tell_owner(deps, case, f"{mention(person)} accepted your ask on {case.ref} and "
                                "joined the swarm.", Effects(deps, case))


def waiting_for(deps: Deps, case: Case, person: str) -> bool:
    """Whether `decline` by this person on this case answers an ask (not a handoff)."""
    offer = deps.store.cases.pending_handoff(case.id)
    return (offer is None or offer.to_id != person) and \
        deps.store.access.pending_ask(case.id, person) is not None


def decline(deps: Deps, actor: Person, case: Case, why: str | None) -> str | None:
    """The person declines; the next expert is asked. Returns who, or None."""
    store = deps.store
    pending = store.access.pending_ask(case.id, actor.id)
    if pending is None:
        raise CommandError(f"Nobody is waiting for your answer on {case.ref}.")
    with store.transaction():
        if not store.access.decide_ask(pending.id, "declined", deps.now_iso(), why):
            raise CommandError(f"Your ask on {case.ref} was answered already.")
        said = f" ({why})" if why else ""
        return _next(deps, case, pending, f"{mention(actor.id)} declined{said}",
                     Effects(deps, case))


def time_out(deps: Deps, now: datetime) -> list[str]:
    """Pending asks unanswered for their case's `answer_within`: each goes to the next expert
    (the scheduler, each tick; the conditional update makes one replica do it once)."""
    done = []
    for pending in deps.store.access.pending_asks():
        with deps.store.transaction():
            case = deps.store.cases.by_id(pending.case_id)
            if case is None or not case.is_open:
                continue
            wait = swarm_types.type_for(deps.config.types, case.swarm_type,
                                        case.severity).answer_within
            if now - parse_iso(pending.asked_at) < wait or not deps.store.access.decide_ask(
                    pending.id, "timed out", iso(now), None):
                continue
            nxt = _next(deps, case, pending, f"{mention(pending.person)} did not answer "
                                             f"within {_minutes(wait.total_seconds())}",
                        Effects(deps, case))
            done.append(f"ask {case.ref} {pending.person} timed out -> {nxt or 'nobody'}")
    return done


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 3600)} h" if seconds >= 3600 else f"{int(seconds // 60)} min"


def _next(deps: Deps, case: Case, ask: Ask, what: str, effects: Effects) -> str | None:
    store = deps.store
    root = ask.first_id or ask.id
    chain = [a for a in store.access.asks(case.id) if (a.first_id or a.id) == root]
    store.timeline.append(case.id, deps.now_iso(), "ask_unanswered", ask.person, what)
    if ask.skill is None:
        _tell_owner(deps, case, f"{what} on {case.ref}. Ask someone else with "
                                f"{deps.phrases.command('ask', case.ref + ' @user <skill>')}.",
                    effects)
        return None
    if len(chain) >= CHAIN:
        _tell_owner(deps, case, f"{what} on {case.ref}; {len(chain)} people were asked for "
                                f"{ask.skill}, so I stop here: "
                                f"{deps.phrases.command('need', ask.skill)} asks triage.",
                    effects)
        return None
    found = find_experts(deps, case, [ask.skill], exclude={a.person for a in chain})
    if not found.picks:
        _tell_owner(deps, case, f"{what} on {case.ref}, and nobody else available has "
                                f"{ask.skill}: {deps.phrases.command('need', ask.skill)} asks "
                                "triage.", effects)
        return None
    nxt = found.picks[0]
    _send(deps, case, nxt.person, ask.skill, ask.asked_by, root, effects)
    _tell_owner(deps, case, f"{what} on {case.ref}; I've asked {mention(nxt.person)} next "
                            f"({nxt.reason}).", effects)
    return nxt.person


def _tell_owner(deps: Deps, case: Case, text: str, effects: Effects) -> None:
    effects.direct_message(case.owner, messages.notice(text), f"tell {mention(case.owner)}")
