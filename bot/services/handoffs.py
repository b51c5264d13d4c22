"""Warm handoffs: a briefing offered, explicitly accepted. There is no cold transfer."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import wording
from bot.domain import Case, Handoff, HandoffState, Person, Role
from bot.errors import CommandError, NotAllowed
from bot.i18n import _, shared
from bot.services import followers, helpdesk, knowledge, lifecycle, messages
from bot.services.base import Deps, Effects, mention, require_open, require_owner
from bot.wording import sentence


def check_offer(deps: Deps, actor: Person, case: Case, to: str) -> None:
    """Who may hand off to whom (forms check it before closing, the offer again)."""
    require_open(case)
    require_owner(deps, case, actor, _("hand it off"))
    if to == actor.id:
        raise CommandError(_("You can't hand off to yourself: name the next owner."), field="to")
    if to == case.owner:
        raise CommandError(_("{who} already owns {ref}: name the next owner.").format(
            who=mention(to), ref=case.ref), field="to")


@dataclass
class Offered:
    offer: Handoff
    replaced: Handoff | None
    failures: list[str] = field(default_factory=list)


def offer(deps: Deps, actor: Person, case: Case, to: str, briefing: str,
          tried: str | None, drafted: str | None = None) -> Offered:
    """`drafted`: how the briefing was written when a draft was offered ("by the timeline,
    edited"); the receiver's offer says so."""
    check_offer(deps, actor, case, to)
    store, now = deps.store, deps.now_iso()
    store.people.ensure(to, case.platform, None, None, now)
    tried = tried or store.cases.last_tried(case.id)
    with store.transaction():
        replaced = store.cases.pending_handoff(case.id)
        if replaced is not None:
            store.cases.decide_handoff(replaced.id, HandoffState.WITHDRAWN, now,
                                 f"replaced by an offer to {to}")
            store.timeline.append(case.id, now, "handoff_withdrawn", actor.id,
                         f"offer to {mention(replaced.to_id)} withdrawn", replaced.id)
        hid = store.cases.add_handoff(case.id, case.owner, to, briefing.strip(), tried, now)
        store.timeline.append(case.id, now, "handoff_offered", actor.id,
                     f"offered to {mention(to)}: {briefing.strip()}", hid)
    pending = store.cases.pending_handoff(case.id)
    assert pending is not None
    mood = store.journal.last_mood(case.id)
    contact = store.journal.last_touchpoint(case.id)
    similar = knowledge.similar_lines(deps, case)
    with shared():  # the receiver reads it, in the deployment's language
        card = messages.handoff_offer(
            case, pending,
            mood.level + (f" ({mood.note})" if mood.note else "") if mood else None,
            store.journal.open_promises(case.id),
            wording.contact(contact.at, contact.function, contact.what) if contact else None,
            deps.phrases, store.helpdesk.link_of(case.id), similar, drafted=drafted)
        told = messages.notice(_("{owner} offered {ref} to {who}; {owner} stays owner until "
                                 "it is accepted.").format(
            owner=mention(case.owner), ref=case.ref, who=mention(to)))
    with store.transaction():
        effects = Effects(deps, case)
        effects.direct_message(to, card, _("send the offer to {who}").format(who=mention(to)))
        if replaced is not None and replaced.to_id != to:
            lifecycle.tell_withdrawn(deps, case, replaced.to_id, actor.id, effects,
                                     replaced_by=to)
        effects.post(told, _("tell the room"))
    return Offered(offer=pending, replaced=replaced, failures=effects.failures)


def _pending_for(deps: Deps, case: Case, actor: Person) -> Handoff:
    pending = deps.store.cases.pending_handoff(case.id)
    if pending is None or pending.to_id != actor.id:
        raise NotAllowed(_("There's no handoff of {ref} waiting for you.").format(ref=case.ref))
    return pending


@dataclass
class Accepted:
    case: Case
    previous_owner: str
    failures: list[str] = field(default_factory=list)


def accept(deps: Deps, actor: Person, case: Case) -> Accepted:
    require_open(case)
    pending = _pending_for(deps, case, actor)
    store, now = deps.store, deps.now_iso()
    previous = case.owner
    with store.transaction():
        store.cases.decide_handoff(pending.id, HandoffState.ACCEPTED, now)
        store.cases.end_owner(case.id, now)
        store.cases.add_owner(case.id, actor.id, now)
        store.cases.set_owner(case.id, actor.id)
        store.cases.set_role(case.id, previous, Role.FORMER_OWNER)
        was = store.cases.participant(case.id, actor.id)
        if was is None:
            store.cases.add_participant(case.id, actor.id, Role.OWNER, now, previous,
                                        "warm handoff")
        else:
            store.cases.set_role(case.id, actor.id, Role.OWNER)
        store.timeline.append(case.id, now, "handoff_accepted", actor.id,
                     f"{mention(actor.id)} accepted {case.ref} from {mention(previous)}",
                     pending.id)
        updated = store.cases.by_id(case.id)
        assert updated is not None
        effects = Effects(deps, updated)
        lifecycle.refresh_brief(deps, updated, effects)
        if was is None or was.left_at is not None:  # joined already: in the room already
            effects.invite([actor.id], _("add you to the swarm room"))
        with shared():  # the room's topic and post
            effects.set_topic(messages.topic(updated))
            told = messages.notice(_("{who} accepted the warm handoff from {previous} and now "
                                     "owns {ref}.").format(
                who=mention(actor.id), previous=mention(previous), ref=updated.ref),
                mentions=(actor.id, previous))
        effects.post(told, _("tell the room"))
        helpdesk.write_back(deps, updated, "handoff", effects, owner=actor.id,
                            previous=previous, briefing=pending.briefing)
        followers.owner_changed(deps, updated, actor.id, previous, effects)
    return Accepted(case=updated, previous_owner=previous, failures=effects.failures)


def decline(deps: Deps, actor: Person, case: Case, why: str | None) -> list[str]:
    require_open(case)
    pending = _pending_for(deps, case, actor)
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        store.cases.decide_handoff(pending.id, HandoffState.DECLINED, now, why)
        store.timeline.append(case.id, now, "handoff_declined", actor.id,
                     f"{mention(actor.id)} declined" + (f": {why}" if why else ""), pending.id)
        effects = Effects(deps, case)
        with shared():  # told to the offerer, whose language the command does not know
            said = (_("{who} declined your handoff of {ref}: {why} You are still the owner.")
                    if why else
                    _("{who} declined your handoff of {ref}. You are still the owner.")).format(
                who=mention(actor.id), ref=case.ref, why=sentence(why or ""))
        effects.direct_message(pending.from_id, messages.notice(said),
                               _("tell {who}").format(who=mention(pending.from_id)))
    return effects.failures
