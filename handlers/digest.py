"""digest: the weekly digest on demand, for managers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.digest.deliver import digest_reply
from bot.digest.links import digest_link
from bot.digest.managers import WEEKDAYS
from bot.digest.metrics import digest_for
from bot.digest.weeks import BadInput, last_complete_week, parse_week
from bot.errors import CommandError, ConfigError, NotAllowed
from bot.i18n import N_, _
from bot.replies import Reply
from handlers.parsing import Args
from handlers.registry import Ctx, command
from handlers.validate import check_zone, is_hhmm


@dataclass(frozen=True)
class Digest:
    week: str | None  # None: the last complete week
    # `digest at <day> <HH:MM> [zone]`: when this manager's own digest comes (issue 26).
    at: tuple[str, str, str | None] | None = None


_DAYS = {d[:3]: d for d in WEEKDAYS}


def parse_digest(ctx: Ctx, args: Args) -> Digest:
    word = args.take()
    if word and word.lower() == "at":
        return parse_at(ctx, args)
    if args.rest():
        raise CommandError(_("give one week at most: {usage}").format(usage=ctx.usage))
    return Digest(word)


def parse_at(ctx: Ctx, args: Args) -> Digest:
    form = ctx.deps.phrases.command("digest", "at monday 09:00 [Australia/Sydney]")
    day, hhmm, zone = (args.take() or "").lower(), args.take() or "", args.take()
    if args.rest():
        raise CommandError(_("Too many words: {form}.").format(form=form))
    full = _DAYS.get(day[:3], "") if len(day) >= 3 else ""
    day = full if full.startswith(day) else ""  # "mon", "monday"; not "mondy"
    if not day:
        raise CommandError(_("Say the day (monday..sunday): {form}.").format(form=form))
    if not is_hhmm(hhmm):
        raise CommandError(_("Say the time as HH:MM (24-hour): {form}.").format(form=form))
    check_zone(zone, form)
    return Digest(None, (day, hhmm, zone))


@command("digest", "[YYYY-Www] | at <day> <HH:MM> [zone]",
         N_("The weekly digest: how fast customers got the right people, how often they were "
            "passed around (default: the last complete week)."),
         parse=parse_digest, case="none", who="managers",
         details=N_("Weeks are ISO weeks (YYYY-Www, e.g. 2026-W46) in the [digest] "
                    "timezone. `digest at monday 09:00 [zone]` says when your own digest "
                    "comes (default: [digest] weekday and time in your profile's zone)."),
         # A long read: outside any write transaction, so no writer waits for it (the
         # figures it keeps for a finished week commit on their own, kept.keep).
         reads_only=True)
def digest(ctx: Ctx, cmd: Digest) -> list[Reply]:
    deps = ctx.deps
    if not deps.is_manager(ctx.actor):
        raise NotAllowed(_("The digest is for managers (listed in [people] or [digest] "
                           "managers of the config)."))
    if cmd.at is not None:
        return [set_slot(ctx, *cmd.at)]
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


def set_slot(ctx: Ctx, day: str, hhmm: str, zone: str | None) -> Reply:
    """The manager's own digest time, kept (its own small transaction: `digest` is a read)."""
    deps = ctx.deps
    with deps.store.transaction():
        deps.store.prefs.set_digest_pref(ctx.actor.id, day, hhmm, zone, deps.now_iso())
    tz = zone or ctx.actor.tz or deps.config.digest.timezone
    managed = ctx.actor.id in deps.config.digest.managers
    sent = "" if managed else " " + _("(It is sent to the managers in [digest] managers of "
                                      "the config; ask an admin to add you.)")
    return ctx.ok(_("Your digest comes {day}s at {hhmm} {tz}.").format(
        day=day.capitalize(), hhmm=hhmm, tz=tz) + sent)
