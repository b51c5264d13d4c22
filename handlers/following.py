"""follow, unfollow: watching a case without taking part (issue 26)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, _
from bot.replies import Reply
from bot.services import followers
from handlers.parsing import Args
from handlers.registry import Ctx, command


@dataclass(frozen=True)
class Follow:
    pass


def parse_follow(ctx: Ctx, args: Args) -> Follow:
    if args.rest():
        raise ctx.bad(_("takes no words besides the case"))
    return Follow()


_TOLD = N_("the owner changes, the customer's mood shifts, a promise to the customer falls due, "
         "and when it is resolved or cancelled")


@command("follow", "", N_("Follow a case without joining: you are told by DM of what changes its "
                          "course."), parse=parse_follow, who="anyone allowed to see the case",
         details=N_("You are told when the owner changes, the customer's mood shifts, a "
                    "promise to the customer falls due, and when it is resolved or "
                    "cancelled; never of notes. A follower is not in the swarm and is never "
                    "credited. A swarm type's `followers` follow its cases from `open`. "
                    "`list following` shows the swarms you follow."))
def follow(ctx: Ctx, cmd: Follow) -> list[Reply]:
    case = ctx.need_case()
    followers.follow(ctx.deps, ctx.actor, case)
    return [ctx.ok(_("You follow {ref} now: I'll tell you when {told}. {command} stops it.")
        .format(ref=case.ref, told=_(_TOLD),
                command=ctx.deps.phrases.command('unfollow', case.ref)))]


@command("unfollow", "", N_("Stop following a case."), parse=parse_follow, who="followers",
         outsiders=True)
def unfollow(ctx: Ctx, cmd: Follow) -> list[Reply]:
    case = ctx.need_case()
    followers.unfollow(ctx.deps, ctx.actor, case)
    return [ctx.ok(_("You no longer follow {ref}.").format(ref=case.ref))]


COMMANDS = [follow, unfollow]
