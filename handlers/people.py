"""skills: the expertise directory (and whether you are available to be pulled in)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.availability import WorkHours
from bot.errors import CommandError, NotAllowed
from bot.i18n import N_, _
from bot.people import mention
from bot.permissions import Can
from bot.replies import Reply
from handlers.parsing import Args
from handlers.registry import Ctx, command
from handlers.validate import bounded, check_zone, is_hhmm, skill_names

_VERBS = ("add", "remove", "away", "back", "function", "hours")


@dataclass(frozen=True)
class Skills:
    person: str | None  # None: yourself
    verb: str | None  # None: just show
    skills: tuple[str, ...] = ()
    function: str | None = None
    hours: WorkHours | None = None  # `hours 09:00-17:00 [zone]`; None with verb hours: clear


def parse_hours(ctx: Ctx, args: Args) -> WorkHours | None:
    form = ctx.deps.phrases.command("skills", "hours 09:00-17:00 [Europe/Berlin]")
    span, zone = args.take() or "", args.take()
    if args.rest():
        raise CommandError(_("Too many words: {form}.").format(form=form))
    if span.lower() == "none" and zone is None:
        return None
    start, _sep, end = span.partition("-")
    if not (is_hhmm(start) and is_hhmm(end)):
        raise CommandError(_("Say your hours as HH:MM-HH:MM (or `none`): {form}.")
            .format(form=form))
    check_zone(zone, form)
    return WorkHours(start, end, zone)


def parse_skills(ctx: Ctx, args: Args) -> Skills:
    mentioned = args.take_mentions()
    verb = (args.take() or "").lower() or None
    if verb is not None and verb not in _VERBS:
        raise ctx.bad(_("`{verb}` is not a skills action").format(verb=verb[:20]))
    skills: list[str] = []
    function = None
    if verb in ("add", "remove"):
        skills = skill_names(args.rest())
        if not skills:
            raise ctx.bad(_("name the skills to {verb}").format(verb=verb))
    elif verb == "hours":
        return Skills(mentioned[0] if mentioned else None, verb, hours=parse_hours(ctx, args))
    elif verb == "function":
        function = bounded(args.rest().lower(), "function")
        if not function:
            raise ctx.bad(_("name the function (billing, networking…)"))
    elif args.rest():
        raise ctx.bad(_("too many words"))
    return Skills(mentioned[0] if mentioned else None, verb, tuple(skills), function)


@command("skills", "[@user] [add|remove <skill>…] | away | back | function <name> | "
         "hours <HH:MM-HH:MM> [zone]",
         N_("Show or change skills; `away`/`back` says whether you can be pulled "
            "in."),
         parse=parse_skills, case="none", who="self, or a manager for others",
         details=N_("`add`/`remove` change the skills `need` looks for; `function <name>` "
                    "says which function you work in (billing, networking, legal…), shown "
                    "with your skills. `hours 08:00-16:00 [zone]` (or `hours none`) sets "
                    "your own working hours, over [availability]'s (docs/access.md). "
                    "Without a verb it shows them."))
def skills(ctx: Ctx, cmd: Skills) -> list[Reply]:
    store, deps = ctx.deps.store, ctx.deps
    target = cmd.person or ctx.actor.id
    if cmd.person:
        store.people.ensure(target, ctx.inv.platform, None, None, deps.now_iso())
    if cmd.verb and target != ctx.actor.id and not deps.can(ctx.actor, Can.SKILLS_OF_OTHERS):
        raise NotAllowed(_("Only a manager or a lead can change someone else's skills."))
    if cmd.verb in ("add", "remove"):
        (store.people.add_skills if cmd.verb == "add" else store.people.remove_skills)(target,
                                                                         list(cmd.skills))
    elif cmd.verb in ("away", "back"):
        store.people.set_available(target, cmd.verb == "back")
        # `back` wins over what the platform says of them for a while (bot/availability.py).
        store.prefs.mark_back(target, deps.now_iso() if cmd.verb == "back" else None)
    elif cmd.verb == "function":
        store.people.set_function(target, cmd.function)
    elif cmd.verb == "hours":
        store.prefs.set_hours(target, cmd.hours)
    person = store.people.get(target)
    assert person is not None
    have = store.people.skills_of(target)
    state = _("Available") if person.available else _("Away (not suggested for swarms)")
    listing = ", ".join(have) if have else _("none yet (`skills add <skill>…`)")
    team = " " + _("Function: {function}.").format(function=person.function) \
        if person.function else ""
    own = store.prefs.hours_of([target]).get(target)
    hours = " " + _("Working hours: {start}-{end}").format(start=own.start, end=own.end) + (
        f" {own.tz}" if own.tz else "") + "." if own else ""
    said = _("Your skills: {listing}.") if target == ctx.actor.id else \
        _("{person}'s skills: {listing}.")
    return [ctx.ok(said.format(person=mention(target), listing=listing) + f" {state}."
                   + team + hours)]


COMMANDS = [skills]
