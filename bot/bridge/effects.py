"""What the bridge adds to a command's platform calls (bot/services/base.py `Effects`).

With `[bridge] enabled`, a case's calls reach every platform it has people on:
- an invitation of someone with no account on the case's home platform opens the case's
  mirror room on their platform (once: `bridge_open`, with the brief) and invites them there;
- a post into the case's room is posted into its mirror rooms too, people named as each
  platform knows them, marked with the platform the command came from;
- archiving the room archives (or closes) the mirrors too;
- a direct message goes to the person's account on the platform they have one on.
Each is an outbox row of its own kind, for its platform, with its own idempotency plan.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import asdict, replace
from typing import Any, Protocol

from bot.bridge import accounts, rooms
from bot.domain import Case
from bot.i18n import _
from bot.replies import Reply
from bot.store import Store

# The platform the running command came from (set by the router around a command), so a
# post about it says where it came from. None: no command (the scheduler, the outbox).
ORIGIN: ContextVar[str | None] = ContextVar("swarmbot_bridge_origin", default=None)


class Adds(Protocol):
    def _add(self, kind: str, what: str, on: str | None = None, **payload: Any) -> None: ...


def label(platform: str) -> str:
    return platform[:1].upper() + platform[1:]


def marked(reply: Reply, origin: str | None) -> Reply:
    """The reply marked with where its command came from (in a case with several rooms)."""
    if not origin or reply.text.startswith("["):
        return reply
    return replace(reply, text=f"[{label(origin)}] {reply.text}")


def reach(store: Store, case: Case, platform: str, now: str, fx: Adds) -> None:
    """The case's mirror room on `platform`, asked for once (with the brief)."""
    if rooms.ask_for(store, platform, case.id, now):
        rooms.listed(store, case, platform, now)
        rooms.start_showing(store, case, now)
        fx._add("bridge_open", _("open the swarm's room in {platform}").format(
            platform=label(platform)), on=platform)


def invite(store: Store, served: list[str], case: Case, people: list[str], what: str,
           now: str, fx: Adds) -> list[str]:
    """Invite the people on other platforms into the case's mirror there; return those
    to invite into the home room, as their accounts there."""
    home: list[str] = []
    for person in people:
        account = accounts.account_on(store, case.platform, person)
        if account is not None:
            home.append(account)
            continue
        where = next((p for p in accounts.platforms_of(store, person, served)
                      if p != case.platform), None)
        if where is None:
            home.append(person)  # nowhere else to reach them: as before the bridge
            continue
        reach(store, case, where, now, fx)
        account = accounts.account_on(store, where, person) or person
        if rooms.invited(store, where, case.id, account, now):
            fx._add("bridge_invite", what, on=where, people=[account])
    return home


def post(store: Store, served: list[str], case: Case, reply: Reply, what: str,
         fx: Adds) -> Reply:
    """Post into each mirror room; return the reply for the home room. Both are marked
    with the command's platform while the case has more than one room."""
    there = rooms.mirrors(store, case, served)
    if not there:
        return accounts.local(store, case.platform, reply)
    reply = marked(reply, ORIGIN.get())
    for platform in there:
        fx._add("bridge_post", what, on=platform,
                reply=asdict(accounts.local(store, platform, reply)))
    return accounts.local(store, case.platform, reply)


def ask_elsewhere(store: Store, served: list[str], case: Case, people: list[str],
                  request: Reply, triage: dict[str, str | None], fx: Adds) -> None:
    """A help request whose suggested people are on other platforms is posted in those
    platforms' triage rooms too (their Join button works from there)."""
    where = {p for person in people for p in accounts.platforms_of(store, person, served)
             if p != case.platform and triage.get(p)}
    for platform in sorted(where):
        fx._add("post", _("post the help request in {platform}'s triage").format(
                    platform=label(platform)), on=platform,
                room=triage[platform], reply=asdict(accounts.local(store, platform, request)))


def local(store: Store, platform: str, reply: Reply) -> Reply:
    return accounts.local(store, platform, reply)


def archive(store: Store, served: list[str], case: Case, now: str, fx: Adds) -> None:
    for platform, room in rooms.mirrors(store, case, served).items():
        fx._add("bridge_archive", _("close the swarm's room in {platform}").format(
                    platform=label(platform)), on=platform,
                room=room.get("room_id"))
        rooms.close(store, platform, case.id, now)


def update_brief(store: Store, served: list[str], case: Case, fx: Adds) -> None:
    """The living brief: rewritten in each mirror too."""
    for platform in rooms.mirrors(store, case, served):
        fx._add("bridge_update_brief", _("update the brief in {platform}").format(
                    platform=label(platform)), on=platform)


def direct(store: Store, served: list[str], platform: str, person: str) -> tuple[str, str]:
    """Where a direct message to `person` goes: (platform, their account there)."""
    account = accounts.account_on(store, platform, person)
    if account is not None:
        return platform, account
    for other in accounts.platforms_of(store, person, served):
        if other != platform:
            return other, accounts.account_on(store, other, person) or person
    return platform, person
