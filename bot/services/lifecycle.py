"""A case's whole life: reopen, cancel, append-only corrections, withdrawing an offer, credit.

The timeline is append-only: a correction, a retraction or a changed detail is a new entry
that points at what it changes (`ref_id`); the original stays, shown marked. Platform calls
are made at the end of each function, through `Effects`, so they can move to an outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain import Case, CaseStatus, HandoffState, Person, TimelineEvent
from bot.domain import severity_label as sev
from bot.errors import CommandError, NotAllowed, NotFound
from bot.i18n import _, shared
from bot.services import followers, helpdesk, messages, rooms
from bot.services.base import Deps, Effects, mention, require_open, require_owner
from bot.timeparse import due_text
from bot.wording import promise_line

# Entries people wrote, which they (or the owner) may correct or retract. What the bot
# recorded (joined, opened, handoffs, resolved…) is a fact of the case, not someone's words.
CORRECTABLE = frozenset({"note", "touch", "mood", "delight", "decision", "outcome", "promise",
                         "friction", "thanks", "help_requested"})
# What counts as contributing to a case, for credit at resolve (docs/commands.md: `resolve`).
CONTRIBUTIONS = frozenset({"opened", "note", "touch", "mood", "delight", "decision",
                           "outcome", "promise", "promise_kept", "friction", "thanks",
                           "help_requested", "handoff_accepted", "corrected"})
DETAILS = ("severity", "customer", "summary", "customer_tz", "link", "sla", "priority")


@dataclass
class Changed:
    case: Case
    failures: list[str] = field(default_factory=list)


def _closed_word(case: Case) -> str:
    return "cancelled" if case.status is CaseStatus.CANCELLED else "resolved"


def check_reopen(deps: Deps, actor: Person, case: Case) -> None:
    if case.is_open:
        raise CommandError(_("{ref} is open; there is nothing to reopen.").format(ref=case.ref))
    # The owner of record is the last owner: resolve and cancel keep it on the case.
    require_owner(deps, case, actor, _("reopen it"))


def reopen(deps: Deps, actor: Person, case: Case, why: str, by_ticket: bool = False
           ) -> Changed:
    """`by_ticket`: the case's ticket was tagged for a swarm again (its helpdesk, whose
    webhook was authenticated, is the actor): no owner check, nobody to mention."""
    if by_ticket:
        if case.is_open:
            raise CommandError(_("{ref} is open; there is nothing to reopen.").format(
                ref=case.ref))
    else:
        check_reopen(deps, actor, case)
    store, now = deps.store, deps.now_iso()
    was = _closed_word(case)
    old_room = case.room_name
    with store.transaction():
        store.cases.reopen(case.id)
        store.cases.add_owner(case.id, case.owner, now)
        store.timeline.append(case.id, now, "reopened", actor.id,
                              f"reopened (was {was}: {case.resolution}): {why.strip()}")
        fresh = store.cases.by_id(case.id) or case
        effects = Effects(deps, fresh)
        # A room cannot be unarchived through every platform's API, so a reopened case gets
        # a new room (the outbox makes one: the case has none now), linked to the old one.
        rooms.open_room(deps, fresh, [], effects)
        # Whoever was still in the swarm comes along to the new room.
        others = [p.person for p in store.cases.participants(case.id, active_only=True)
                  if p.person != fresh.owner]
        if others:
            effects.invite(others, _("add the swarm to the new room"))
        with shared():  # the new room reads it
            if by_ticket:
                said = _("Its ticket ({ticket}) reopened {ref}: {why}.").format(
                    ticket=actor.name or actor.id, ref=fresh.ref, why=why.strip())
            else:
                said = _("{who} reopened {ref}: {why}.").format(
                    who=mention(actor.id), ref=fresh.ref, why=why.strip())
            if old_room:
                said += " " + _("The earlier room was #{room}.").format(room=old_room)
        pinged = () if by_ticket else (actor.id,)
        effects.post(messages.notice(said, mentions=pinged), _("tell the new room"))
        helpdesk.write_back(deps, fresh, "reopened", effects, by=actor.id, why=why.strip())
    return Changed(store.cases.by_id(case.id) or fresh, effects.failures)


def check_promises(deps: Deps, case: Case, carry: str | None, verb: str, rest: str) -> None:
    """Resolve and cancel ask about open promises: keep them first, or carry them over with
    a note (else a cancelled case's promise would stay open, and fire after `reopen`)."""
    waiting = deps.store.journal.open_promises(case.id)
    if waiting and carry is None:
        listed = "; ".join(promise_line(p.no, due_text(p.due, case.customer_tz),
                                                 p.what) for p in waiting)
        form = 'carry="who follows up" ' + rest
        raise CommandError(
            _("{ref} has open promises to the customer ({listed}). Mark each {kept}, or carry "
              "them over with a note: {carry}.").format(
                ref=case.ref, listed=listed, kept=deps.phrases.command('kept', '<id>'),
                carry=deps.phrases.command(verb, form)),
            field="resolution" if verb == "resolve" else "reason")


def carry_promises(deps: Deps, actor: Person, case: Case, carry: str | None) -> None:
    """The open promises handed on with the note (in the caller's transaction): no longer
    the case's open promises, here or after a reopen (bot/store/journal.py)."""
    now = deps.now_iso()
    for p in deps.store.journal.open_promises(case.id):
        deps.store.timeline.append(case.id, now, "promise_carried", actor.id,
                                   f"#{p.no} {p.what}: {carry}", p.id)


def cancel(deps: Deps, actor: Person, case: Case, reason: str,
           carry: str | None = None) -> Changed:
    require_open(case)
    require_owner(deps, case, actor, _("cancel it"))
    check_promises(deps, case, carry, "cancel", "<reason>")
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        carry_promises(deps, actor, case, carry)
        pending = store.cases.pending_handoff(case.id)
        if pending is not None:
            store.cases.decide_handoff(pending.id, HandoffState.WITHDRAWN, now, "case cancelled")
        store.cases.close(case.id, CaseStatus.CANCELLED, reason.strip(), now)
        store.cases.end_owner(case.id, now)
        store.timeline.append(case.id, now, "cancelled", actor.id, reason.strip())
        effects = Effects(deps, case)
        refresh_brief(deps, case, effects)
        with shared():  # the room reads it
            said = _("{ref} was cancelled by {who}: {reason}.").format(
                ref=case.ref, who=mention(actor.id), reason=reason.strip())
        effects.post(messages.notice(said), _("tell the room"))
        effects.archive()
        helpdesk.write_back(deps, case, "cancelled", effects, by=actor.id,
                            reason=reason.strip())
        followers.closed(deps, case, "cancelled", reason.strip(), actor.id, effects)
    return Changed(store.cases.by_id(case.id) or case, effects.failures)


def _entry(deps: Deps, actor: Person, case: Case, entry_id: int, verb: str) -> TimelineEvent:
    event = deps.store.timeline.event(entry_id)
    if event is None or event.case_id != case.id:
        raise NotFound(_("{ref} has no entry #{no}: {catchup} shows entries with their "
                         "numbers.").format(ref=case.ref, no=entry_id,
                                            catchup=deps.phrases.command('catchup')))
    values = {"no": entry_id, "kind": event.kind.replace('_', ' '),
              "who": mention(event.by or '')}
    if event.kind not in CORRECTABLE:
        raise CommandError((_("Entry #{no} ({kind}) was recorded by swarmbot; only what people "
                              "wrote can be corrected.") if verb == "corrected" else
                            _("Entry #{no} ({kind}) was recorded by swarmbot; only what people "
                              "wrote can be retracted.")).format(**values))
    if event.by != actor.id and case.owner != actor.id and not deps.is_manager(actor):
        raise NotAllowed((_("Only who wrote entry #{no} ({who}) or the owner can correct it.")
                          if verb == "corrected" else
                          _("Only who wrote entry #{no} ({who}) or the owner can retract it."))
                         .format(**values))
    for later in deps.store.timeline.events(case.id, entry_id):
        if later.ref_id == entry_id and later.kind == "retracted":
            raise CommandError(_("Entry #{no} was retracted (entry #{later}).").format(
                no=entry_id, later=later.id))
    return event


def correct(deps: Deps, actor: Person, case: Case, entry_id: int, text: str) -> int:
    require_open(case)
    _entry(deps, actor, case, entry_id, "corrected")
    return deps.store.timeline.append(case.id, deps.now_iso(), "corrected", actor.id,
                                      text.strip(), entry_id)


def retract(deps: Deps, actor: Person, case: Case, entry_id: int, why: str) -> int:
    require_open(case)
    _entry(deps, actor, case, entry_id, "retracted")
    return deps.store.timeline.append(case.id, deps.now_iso(), "retracted", actor.id,
                                      why.strip(), entry_id)


def marks_of(deps: Deps, case: Case) -> dict[int, str]:
    return marks(deps.store.timeline.events(case.id))


def marks(events: list[TimelineEvent]) -> dict[int, str]:
    """Entry id -> how it was corrected or retracted (latest last), for showing it marked."""
    out: dict[int, str] = {}
    for e in events:
        if e.ref_id is not None and e.kind in ("corrected", "retracted"):
            said = (_("corrected by {who} in #{no}: {text}") if e.kind == "corrected" else
                    _("retracted by {who} in #{no} because {text}"))
            out[e.ref_id] = said.format(who=mention(e.by or ''), no=e.id, text=e.text)
    return out


def set_detail(deps: Deps, actor: Person, case: Case, what: str,
                     value: str | int) -> Changed:
    require_open(case)
    require_owner(deps, case, actor, _("change its {what}").format(what=what))
    assert what in DETAILS, "handlers validate what can be set"
    before = {"severity": sev(case.severity), "customer": case.customer or "none",
              "summary": case.summary, "customer_tz": case.customer_tz or "none",
              "link": case.link or "none", "sla": case.sla or "auto",
              "priority": case.priority or "none"}[what]
    after = sev(int(value)) if what == "severity" else str(value)
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        if what == "severity":
            store.cases.set_details(case.id, severity=int(value))
        elif what == "customer":
            store.cases.set_details(case.id, customer=str(value))
        elif what == "summary":
            store.cases.set_details(case.id, summary=str(value))
        elif what == "customer_tz":
            store.cases.set_details(case.id, customer_tz=str(value))
        elif what == "sla":  # "auto": chosen again by priority, type or severity (bot/sla.py)
            store.cases.set_details(case.id, sla="" if value == "auto" else str(value))
        elif what == "priority":
            store.cases.set_details(case.id, priority=str(value))
        else:
            store.cases.set_details(case.id, link=str(value))
        store.timeline.append(case.id, now, "changed", actor.id, f"{what}: {before} -> {after}")
        fresh = store.cases.by_id(case.id) or case
        effects = Effects(deps, fresh)
        if what == "severity":
            with shared():  # the room's topic
                effects.set_topic(messages.topic(fresh))
        refresh_brief(deps, fresh, effects)
        if what == "link":  # kept at the top of the room too (issue 25)
            with shared():  # the room's bookmark
                effects.bookmark(_("Ticket"), str(value))
        if what in ("severity", "customer"):  # the ticket hears of it (issue 25)
            extra = {"severity": int(value)} if what == "severity" else {}
            helpdesk.write_back(deps, fresh, "changed", effects, what=what, before=before,
                                after=after, by=actor.id, **extra)
    return Changed(fresh, effects.failures)


def withdraw(deps: Deps, actor: Person, case: Case) -> tuple[str, list[str]]:
    """Withdraw the pending offer; its receiver is told. Returns (receiver, failures)."""
    require_open(case)
    require_owner(deps, case, actor, _("withdraw its handoff offer"))
    store, now = deps.store, deps.now_iso()
    pending = store.cases.pending_handoff(case.id)
    if pending is None:
        raise CommandError(_("No handoff of {ref} is waiting to be answered.").format(
            ref=case.ref))
    with store.transaction():
        store.cases.decide_handoff(pending.id, HandoffState.WITHDRAWN, now, "withdrawn")
        store.timeline.append(case.id, now, "handoff_withdrawn", actor.id,
                              f"offer to {mention(pending.to_id)} withdrawn", pending.id)
        effects = Effects(deps, case)
        tell_withdrawn(deps, case, pending.to_id, actor.id, effects)
    return pending.to_id, effects.failures


def tell_withdrawn(deps: Deps, case: Case, receiver: str, by: str, effects: Effects,
                   replaced_by: str | None = None) -> None:
    """An offer's receiver learns it is off, so a later Accept is not a surprise."""
    with shared():  # told to the receiver, whose language the command does not know
        said = (_("{who} withdrew the handoff of {ref} offered to you: it went to {other} "
                  "instead. Nothing is waiting for you.") if replaced_by else
                _("{who} withdrew the handoff of {ref} offered to you. Nothing is waiting for "
                  "you.")).format(who=mention(by), ref=case.ref,
                                  other=mention(replaced_by or ""))
    effects.direct_message(receiver, messages.notice(said, mentions=(by,)),
                           _("tell {who}").format(who=mention(receiver)))


def refresh_brief(deps: Deps, case: Case, effects: Effects) -> None:
    """Update the case brief in place (owner, severity, delight, promises, status): an
    outbox row, done where the port can (bot.ports.MessageUpdater) and the brief was posted
    in the case's room (bot/services/outbox.py records where)."""
    effects.update_brief()


def brief_changed(deps: Deps, case: Case) -> list[str]:
    """For commands whose own service has no platform call (delight, promise, kept)."""
    effects = Effects(deps, case)
    refresh_brief(deps, case, effects)
    return effects.failures


def contributors(deps: Deps, case: Case) -> list[str]:
    """Who gets credit at resolve: not the owner, and not everyone who passed through.

    Someone contributed if they wrote an entry (note, touchpoint, mood, decision, promise,
    friction, thanks, a help request, a correction), posted in the room, were thanked on the
    case, opened it, or accepted a handoff. Joining (and leaving) alone is not credit."""
    store = deps.store
    found = [e.by for e in store.timeline.events(case.id)
             if e.by and e.kind in CONTRIBUTIONS]
    found += [p for p, n in store.timeline.message_counts(case.id).items() if n > 0]
    found += [t.to_id for t in store.journal.thanks(case.id)]
    return [p for p in dict.fromkeys(found) if p != case.owner]
