"""digest: the weekly digest on demand, for managers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.digest.deliver import digest_reply
from bot.digest.links import digest_link
from bot.digest.metrics import digest_for
from bot.digest.weeks import WEEK_FORM, BadInput, last_complete_week, parse_week
from bot.errors import CommandError, ConfigError, NotAllowed
from bot.replies import Reply
from handlers.parsing import Args
from handlers.registry import Ctx, command


@dataclass(frozen=True)
class Digest:
    week: str | None  # None: the last complete week


def parse_digest(ctx: Ctx, args: Args) -> Digest:
    word = args.take()
    if args.rest():
        raise CommandError(f"give one week at most: {ctx.usage}")
    return Digest(word)


@command("digest", "[YYYY-Www]", "The weekly digest: how fast customers got the right people, "
         "how often they were passed around (default: the last complete week).",
         parse=parse_digest, case="none", who="managers",
         details=f"Weeks are ISO weeks ({WEEK_FORM}) in the [digest] timezone.",
         # A long read: outside any write transaction, so no writer waits for it (the
         # figures it keeps for a finished week commit on their own, kept.keep).
         reads_only=True)
def digest(ctx: Ctx, cmd: Digest) -> list[Reply]:
    deps = ctx.deps
    if not deps.is_manager(ctx.actor):
        raise NotAllowed("The digest is for managers (listed in [people] or [digest] "
                         "managers of the config).")
    tz = deps.config.digest.timezone
    word = cmd.week
    now = deps.now()
    try:
        week = parse_week(word, tz) if word else last_complete_week(now, tz)
    except BadInput as err:
        raise CommandError(f"{err}. {ctx.usage}") from None
    try:
        link = digest_link(deps.config, week.label, now)
    except ConfigError:
        link = None
    return [digest_reply(digest_for(deps.store, week, now), link)]


COMMANDS = [digest]
