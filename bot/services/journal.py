"""The case journal: notes, journey touchpoints, moods, decisions, friction, promises, thanks."""

from __future__ import annotations

from datetime import datetime

from bot.domain import DECISION_OUTCOMES, MOODS, RISKS, Case, Decision, Person, Promise, iso
from bot.errors import CommandError, NotFound
from bot.i18n import _
from bot.services import followers
from bot.services.base import Deps, mention, require_open, require_owner, require_participant


def note(deps: Deps, actor: Person, case: Case, text: str) -> int:
    require_open(case)
    require_participant(deps, case, actor)
    return deps.store.timeline.append(case.id, deps.now_iso(), "note", actor.id, text.strip())


def touch(deps: Deps, actor: Person, case: Case, function: str, what: str) -> int:
    require_open(case)
    require_participant(deps, case, actor)
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        tid = store.journal.add_touchpoint(case.id, function.lower(), what.strip(), actor.id,
                                           now)
        store.timeline.append(case.id, now, "touch", actor.id,
                              f"{function.lower()}: {what.strip()}", tid)
    return tid


def mood(deps: Deps, actor: Person, case: Case, level: str, note_text: str | None) -> int:
    require_open(case)
    require_participant(deps, case, actor)
    level = level.lower()
    assert level in MOODS, "handlers validate the mood"
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        before = store.journal.last_mood(case.id)
        mid = store.journal.add_mood(case.id, level, note_text or None, actor.id, now)
        store.timeline.append(case.id, now, "mood", actor.id,
                              level + (f": {note_text}" if note_text else ""), mid)
        followers.mood_recorded(deps, case, level, before.level if before else None, actor.id)
    return mid


def delight(deps: Deps, actor: Person, case: Case, text: str) -> None:
    require_open(case)
    require_owner(deps, case, actor, _("say what would delight the customer"))
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        store.cases.set_delight(case.id, text.strip())
        store.timeline.append(case.id, now, "delight", actor.id, text.strip())


def decide(deps: Deps, actor: Person, case: Case, risk: str, decision: str,
           rationale: str | None) -> int:
    require_open(case)
    require_owner(deps, case, actor, _("record a decision"))
    risk = risk.lower()
    assert risk in RISKS, "handlers validate the risk"
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        did = store.journal.add_decision(case.id, risk, decision.strip(), rationale, actor.id,
                                         now)
        no = _no(store.journal.decision(did))
        store.timeline.append(case.id, now, "decision", actor.id,
                              f"#{no} ({risk} risk) {decision.strip()}"
                              + (f" because {rationale}" if rationale else ""), did)
    return no


def _no(row: Promise | Decision | None) -> int:
    assert row is not None, "read back in the transaction that wrote it"
    return row.no


def outcome(deps: Deps, actor: Person, case: Case, decision_no: int, result: str) -> None:
    """`decision_no` is the case's own number of the decision (#1 is its first)."""
    require_owner(deps, case, actor, _("record an outcome"))
    result = result.lower()
    assert result in DECISION_OUTCOMES, "handlers validate the outcome"
    found = deps.store.journal.decision_no(case.id, decision_no)
    if found is None:
        raise NotFound(_("{ref} has no decision #{no}.").format(ref=case.ref, no=decision_no))
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        store.journal.set_outcome(found.id, result, now)
        store.timeline.append(case.id, now, "outcome", actor.id,
                              f"decision #{decision_no}: {result}", found.id)


def friction(deps: Deps, actor: Person, case: Case | None, process: str, how: str) -> int:
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        fid = store.journal.add_friction(case.id if case else None, process.strip().lower(),
                                         how.strip(), actor.id, now)
        if case is not None:
            store.timeline.append(case.id, now, "friction", actor.id,
                                  f"{process.strip()}: {how.strip()}", fid)
    return fid


def promise(deps: Deps, actor: Person, case: Case, due: datetime, what: str) -> int:
    require_open(case)
    require_owner(deps, case, actor, _("make a promise to the customer"))
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        pid = store.journal.add_promise(case.id, what.strip(), iso(due), actor.id, now)
        no = _no(store.journal.promise(pid))
        store.timeline.append(case.id, now, "promise", actor.id,
                              f"#{no} by {iso(due)}: {what.strip()}", pid)
    return no


def kept(deps: Deps, actor: Person, case: Case, promise_no: int) -> Promise:
    """`promise_no` is the case's own number of the promise (#1 is its first)."""
    require_owner(deps, case, actor, _("mark a promise kept"))
    row = deps.store.journal.promise_no(case.id, promise_no)
    if row is None:
        raise NotFound(_("{ref} has no promise #{no}.").format(ref=case.ref, no=promise_no))
    if row.kept_at:
        raise CommandError(_("Promise #{no} was already kept at {at}.").format(
            no=promise_no, at=row.kept_at))
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        store.journal.keep_promise(row.id, now)
        store.timeline.append(case.id, now, "promise_kept", actor.id,
                              f"#{promise_no}: {row.what}", row.id)
    return row


def thanks(deps: Deps, actor: Person, case: Case | None, to: str, what: str,
           platform: str) -> int:
    if to == actor.id:
        raise CommandError(_("Thanks are for a colleague, not for yourself."))
    store, now = deps.store, deps.now_iso()
    store.people.ensure(to, platform, None, None, now)
    with store.transaction():
        tid = store.journal.add_thanks(case.id if case else None, actor.id, to, what.strip(),
                                       now)
        if case is not None:
            store.timeline.append(case.id, now, "thanks", actor.id,
                                  f"thanked {mention(to)} for {what.strip()}", tid)
    return tid
