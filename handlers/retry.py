"""retry: the owner asks again for the platform calls of a case that gave up."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, _, ngettext
from bot.replies import Reply
from bot.services import outbox
from bot.services.base import require_owner
from handlers.parsing import Args
from handlers.registry import Ctx, command


@dataclass(frozen=True)
class Retry:
    """No words: the case is the room's or the ref before it."""


def parse_retry(ctx: Ctx, args: Args) -> Retry:
    if args.rest():
        raise ctx.bad(_("`retry` takes no words"))
    return Retry()


@command("retry", "", N_("Try again the platform calls of the case that gave up (a room, an "
                         "invitation, a post); `status` lists them."), parse=parse_retry,
         who="owner or manager")
def retry(ctx: Ctx, cmd: Retry) -> list[Reply]:
    case = ctx.need_case()
    require_owner(ctx.deps, case, ctx.actor, "retry its platform calls")
    count = outbox.retry(ctx.deps, case)
    if not count:
        return [Reply(text=_("Nothing on {ref} is waiting to be retried.").format(ref=case.ref))]
    return [ctx.ok(ngettext("Trying {count} platform call for {ref} again; you will hear if "
                            "it still fails.",
                            "Trying {count} platform calls for {ref} again; you will hear if "
                            "any still fails.", count).format(count=count, ref=case.ref))]


COMMANDS = [retry]
