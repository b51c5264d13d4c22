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
from bot.people import mention
from bot.replies import Reply
from bot.services.base import Deps, Effects


def require_seen(deps: Deps, actor: Person | str, case: Case) -> None:
    if not permissions.may_see(deps.config, deps.store, actor, case):
        raise NotAllowed(f"{case.ref} is confidential: only its swarm and managers can see it.")


def follow(deps: Deps, actor: Person, case: Case) -> None:
    require_seen(deps, actor, case)
    if case.owner == actor.id:
        # The owner hears of their own case in its room; following it would DM them
        # their own changes.
        raise CommandError(f"You own {case.ref}: you hear of it in its room already, no need "
                           "to follow it.")
    with deps.store.transaction():
        if not deps.store.access.follow(case.id, actor.id, deps.now_iso(), None, None):
            raise CommandError(f"You follow {case.ref} already: "
                               f"{deps.phrases.command('unfollow', case.ref)} to stop.")


def unfollow(deps: Deps, actor: Person, case: Case) -> None:
    with deps.store.transaction():
        if not deps.store.access.unfollow(case.id, actor.id, deps.now_iso()):
            raise CommandError(f"You don't follow {case.ref}.")


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
        effects.direct_message(pid, Reply(
            title=f"Following {case.ref}: {fresh.summary}", text=text,
            buttons=(deps.phrases.button("Status", "status", case.ref),
                     deps.phrases.button("Unfollow", "unfollow", case.ref))),
            f"tell {mention(pid)}, who follows {case.ref}, {what}")


def owner_changed(deps: Deps, case: Case, new: str, previous: str,
                  effects: Effects | None = None) -> None:
    tell(deps, case, f"{mention(new)} owns {case.ref} now (a warm handoff from "
                     f"{mention(previous)}).", "of the new owner", None, effects)


def mood_recorded(deps: Deps, case: Case, level: str, before: str | None, by: str) -> None:
    """Told only when the mood moves (the first reading is a move from not knowing)."""
    if level != before:
        was = f" (was {before})" if before else ""
        tell(deps, case, f"The customer's mood on {case.ref} is {level} now{was}, recorded by "
                         f"{mention(by)}.", "of the mood shift", by)


def closed(deps: Deps, case: Case, how: str, text: str, by: str,
           effects: Effects | None = None) -> None:
    tell(deps, case, f"{case.ref} was {how} by {mention(by)}: {text}", f"it was {how}", by,
         effects)


def promise_due(deps: Deps, case_id: int, promise: Promise, when: str) -> None:
    """Off a command (the scheduler, after reminding the owner): its own transaction."""
    with deps.store.transaction():
        case = deps.store.cases.by_id(case_id)
        if case is not None and deps.store.access.followers(case_id):
            tell(deps, case, f"A promise to the customer on {case.ref} {when}: "
                             f"{promise.what}.", "of the promise due")
