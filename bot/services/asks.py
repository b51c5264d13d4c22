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
from bot.i18n import _, shared
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
        raise CommandError(_("Ask someone else: you are in the swarm already."))
    if permissions.member(store, case, person):
        raise CommandError(_("{who} is in the swarm for {ref} already.").format(
            who=mention(person), ref=case.ref))
    if store.access.pending_ask(case.id, person) is not None:
        raise CommandError(_("{who} has been asked on {ref} already and has not answered "
                             "yet.").format(who=mention(person), ref=case.ref))
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
    with shared():  # sent to someone whose language the command does not know
        about = visibility.about(case) if case.confidential else case.summary
        fields = [Field(_("Case"), f"{case.ref}: {about}")]
        if skill:
            fields.append(Field(_("Skill"), skill))
        asking = Reply(
            title=_("{who} asks you to help on {ref}").format(who=mention(by), ref=case.ref),
            text=_("Accept to join the swarm; Decline (say why if you can: {decline}) and the "
                   "next expert is asked.").format(
                decline=deps.phrases.command('decline', case.ref + ' <why>')),
            fields=tuple(fields),
            buttons=(deps.phrases.button(_("Accept"), "join", case.ref, style="primary"),
                     deps.phrases.button(_("Decline"), "decline", case.ref, style="danger")),
            mentions=(by,))
    effects.direct_message(person, asking, _("ask {who} to help").format(who=mention(person)))


def accepted(deps: Deps, case: Case, person: str) -> None:
    """The person joined: their pending ask is answered, and the owner told."""
    store = deps.store
    pending = store.access.pending_ask(case.id, person)
    if pending is None:
        return
    with store.transaction():
        store.access.decide_ask(pending.id, "accepted", deps.now_iso(), None)
        with shared():
            said = _("{who} accepted your ask on {ref} and joined the swarm.").format(
                who=mention(person), ref=case.ref)
        _tell_owner(deps, case, said, Effects(deps, case))


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
        raise CommandError(_("Nobody is waiting for your answer on {ref}.").format(
            ref=case.ref))
    with store.transaction():
        if not store.access.decide_ask(pending.id, "declined", deps.now_iso(), why):
            raise CommandError(_("Your ask on {ref} was answered already.").format(
                ref=case.ref))
        said = f" ({why})" if why else ""
        with shared():
            told = (_("{who} declined ({why})") if why else _("{who} declined")).format(
                who=mention(actor.id), why=why or "")
        return _next(deps, case, pending, f"{mention(actor.id)} declined{said}",
                     Effects(deps, case), told)


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
            with shared():
                told = _("{who} did not answer within {wait}").format(
                    who=mention(pending.person), wait=_minutes(wait.total_seconds()))
            nxt = _next(deps, case, pending, f"{mention(pending.person)} did not answer "
                                             f"within {_minutes(wait.total_seconds())}",
                        Effects(deps, case), told)
            done.append(f"ask {case.ref} {pending.person} timed out -> {nxt or 'nobody'}")
    return done


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 3600)} h" if seconds >= 3600 else f"{int(seconds // 60)} min"


def _next(deps: Deps, case: Case, ask: Ask, what: str, effects: Effects,
          told: str) -> str | None:
    """`what` is the timeline's entry (as recorded), `told` the same said to the owner."""
    with shared():  # told to the owner, whose language the command does not know
        return _ask_next(deps, case, ask, what, effects, told)


def _ask_next(deps: Deps, case: Case, ask: Ask, what: str, effects: Effects,
              told: str) -> str | None:
    store = deps.store
    root = ask.first_id or ask.id
    chain = [a for a in store.access.asks(case.id) if (a.first_id or a.id) == root]
    store.timeline.append(case.id, deps.now_iso(), "ask_unanswered", ask.person, what)
    if ask.skill is None:
        _tell_owner(deps, case, _("{what} on {ref}. Ask someone else with {ask}.").format(
            what=told, ref=case.ref,
            ask=deps.phrases.command('ask', case.ref + ' @user <skill>')), effects)
        return None
    if len(chain) >= CHAIN:
        _tell_owner(deps, case, _("{what} on {ref}; {n} people were asked for {skill}, so I "
                                  "stop here: {need} asks triage.").format(
            what=told, ref=case.ref, n=len(chain), skill=ask.skill,
            need=deps.phrases.command('need', ask.skill)), effects)
        return None
    found = find_experts(deps, case, [ask.skill], exclude={a.person for a in chain})
    if not found.picks:
        _tell_owner(deps, case, _("{what} on {ref}, and nobody else available has {skill}: "
                                  "{need} asks triage.").format(
            what=told, ref=case.ref, skill=ask.skill,
            need=deps.phrases.command('need', ask.skill)), effects)
        return None
    nxt = found.picks[0]
    _send(deps, case, nxt.person, ask.skill, ask.asked_by, root, effects)
    _tell_owner(deps, case, _("{what} on {ref}; I've asked {who} next ({reason}).").format(
        what=told, ref=case.ref, who=mention(nxt.person), reason=nxt.reason), effects)
    return nxt.person


def _tell_owner(deps: Deps, case: Case, text: str, effects: Effects) -> None:
    effects.direct_message(case.owner, messages.notice(text),
                           _("tell {who}").format(who=mention(case.owner)))
