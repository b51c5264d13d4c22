"""Followers (issue 26): watching a case without taking part.

Anyone allowed to see a case may `follow` it; a swarm type's `followers` are added at `open`.
A follower is never a participant or a contributor (their own table, not the swarm's): they
are told, by direct message through the outbox, the few things that change the case's course
- the owner changes, the customer's mood shifts, a promise to the customer falls due, the
case is resolved or cancelled - one message per event, never a note or a touchpoint.
"""

from __future__ import annotations

from bot import permissions
from bot.domain import Case, Person, Promise
from bot.errors import CommandError, NotAllowed
from bot.i18n import _, shared
from bot.people import mention
from bot.replies import Reply
from bot.services.base import Deps, Effects


def require_seen(deps: Deps, actor: Person | str, case: Case) -> None:
    if not permissions.may_see(deps.config, deps.store, actor, case):
        raise NotAllowed(_("{ref} is confidential: only its swarm and managers can see "
                           "it.").format(ref=case.ref))


def follow(deps: Deps, actor: Person, case: Case) -> None:
    require_seen(deps, actor, case)
    if case.owner == actor.id:
        # The owner hears of their own case in its room; following it would DM them
        # their own changes.
        raise CommandError(_("You own {ref}: you hear of it in its room already, no need to "
                             "follow it.").format(ref=case.ref))
    with deps.store.transaction():
        if not deps.store.access.follow(case.id, actor.id, deps.now_iso(), None, None):
            raise CommandError(_("You follow {ref} already: {unfollow} to stop.").format(
                ref=case.ref, unfollow=deps.phrases.command('unfollow', case.ref)))


def unfollow(deps: Deps, actor: Person, case: Case) -> None:
    with deps.store.transaction():
        if not deps.store.access.unfollow(case.id, actor.id, deps.now_iso()):
            raise CommandError(_("You don't follow {ref}.").format(ref=case.ref))


def add_from_type(deps: Deps, case: Case, people: tuple[str, ...], by: str,
                  why: str | None = None) -> list[str]:
    """A swarm type's `followers` (or `why` else: the account's owners), added at open
    (those who may see it, but the opener)."""
    added, now = [], deps.now_iso()
    for pid in people:
        if pid == by:
            continue
        deps.store.people.ensure(pid, case.platform, None, None, now)
        if permissions.may_see(deps.config, deps.store, pid, case) and \
                deps.store.access.follow(case.id, pid, now, by,
                                         why or f"type {case.swarm_type}"):
            added.append(pid)
    return added


def tell(deps: Deps, case: Case, text: str, what: str, by: str | None = None,
         effects: Effects | None = None) -> None:
    """One direct message to each follower (but the one who did it), through the outbox."""
    followers = [pid for pid in deps.store.access.followers(case.id) if pid != by]
    if not followers:
        return  # the common case: nobody to tell, nothing more to read
    effects = effects or Effects(deps, case)
    fresh = deps.store.cases.by_id(case.id) or case
    for pid in followers:
        if not permissions.may_see(deps.config, deps.store, pid, fresh):
            continue
        with shared():  # a follower's language is the deployment's
            told = Reply(
                title=_("Following {ref}: {summary}").format(ref=case.ref,
                                                             summary=fresh.summary),
                text=text,
                buttons=(deps.phrases.button(_("Status"), "status", case.ref),
                         deps.phrases.button(_("Unfollow"), "unfollow", case.ref)))
        effects.direct_message(pid, told, _("tell {who}, who follows {ref}, {what}").format(
            who=mention(pid), ref=case.ref, what=what))


def owner_changed(deps: Deps, case: Case, new: str, previous: str,
                  effects: Effects | None = None) -> None:
    with shared():
        said = _("{who} owns {ref} now (a warm handoff from {previous}).").format(
            who=mention(new), ref=case.ref, previous=mention(previous))
    tell(deps, case, said, _("of the new owner"), None, effects)


def mood_recorded(deps: Deps, case: Case, level: str, before: str | None, by: str) -> None:
    """Told only when the mood moves (the first reading is a move from not knowing)."""
    if level != before:
        with shared():
            said = (_("The customer's mood on {ref} is {level} now (was {before}), recorded "
                      "by {who}.") if before else
                    _("The customer's mood on {ref} is {level} now, recorded by {who}.")
                    ).format(ref=case.ref, level=level, before=before or "", who=mention(by))
        tell(deps, case, said, _("of the mood shift"), by)


def closed(deps: Deps, case: Case, how: str, text: str, by: str,
           effects: Effects | None = None) -> None:
    with shared():
        said = (_("{ref} was cancelled by {who}: {text}") if how == "cancelled" else
                _("{ref} was resolved by {who}: {text}")).format(ref=case.ref, who=mention(by),
                                                                 text=text)
    tell(deps, case, said, _("that it was cancelled") if how == "cancelled" else
         _("that it was resolved"), by, effects)


def promise_due(deps: Deps, case_id: int, promise: Promise, when: str) -> None:
    """Off a command (the scheduler, after reminding the owner): its own transaction."""
    with deps.store.transaction():
        case = deps.store.cases.by_id(case_id)
        if case is not None and deps.store.access.followers(case_id):
            with shared():
                said = _("A promise to the customer on {ref} {when}: {what}.").format(
                    ref=case.ref, when=when, what=promise.what)
            tell(deps, case, said, _("of the promise due"))
