"""help: generated from the command registry, so it can never drift from what runs."""

from __future__ import annotations

import difflib
import weakref
from dataclasses import dataclass

from bot import i18n
from bot.i18n import N_, _
from bot.phrases import Phrases
from bot.replies import Field, Reply
from handlers.parsing import Args
from handlers.registry import Command, Ctx, KnownCommands, command

# Who may run a command, as help shows it (the registry's `who`, marked for translation).
WHO = (N_("anyone"), N_("agents"), N_("participants"), N_("owner"), N_("owner or manager"),
       N_("managers"), N_("followers"), N_("specialists"), N_("the receiver"),
       N_("anyone allowed to see the case"), N_("anyone, for themselves"),
       N_("self, or a manager for others"))


def _line(ctx: Ctx, c: Command) -> str:
    return ctx.deps.phrases.command(c.name, c.usage)


@dataclass(frozen=True)
class Help:
    command: str | None = None


def parse_help(ctx: Ctx, args: Args) -> Help:
    word = args.take()
    if args.rest():
        raise ctx.bad(_("name one command"))
    return Help(word.lower()[:40] if word else None)


@command("help", "[command]", N_("Show the commands, or one command in detail."),
         parse=parse_help, case="none", who="anyone", reads_only=True, store=False)
def help_(ctx: Ctx, cmd: Help) -> list[Reply]:
    router = ctx.router  # the live router knows renames and extra commands
    phrases = ctx.deps.phrases
    if cmd.command:
        found = router.lookup.get(cmd.command)
        if found is None:
            close = difflib.get_close_matches(cmd.command, list(router.lookup), n=1,
                                              cutoff=0.75)
            hint = " " + _("Did you mean {command}?").format(
                command=phrases.command('help', close[0])) if close else ""
            return [Reply.error(_("No command `{word}`.").format(word=cmd.command) + hint
                                + " " + _("{help} lists them all.").format(
                                    help=phrases.command('help')))]
        fields = [Field(_("Who"), _(found.who))]
        if found.case == "required":
            fields.append(Field(_("Case"), _(
                "inside a swarm room the room's case; elsewhere put the case ref first: "
                "{command}").format(command=phrases.command(found.name, '<ref> …'))))
        if found.details:
            fields.append(Field(_("More"), _(found.details)))
        return [Reply(title=_line(ctx, found), text=_(found.summary), fields=tuple(fields))]
    return [_listing(router, phrases)]


# The whole list is the same for every reader of one language under one naming of the
# commands: made once per (language, slash command, renames) and router (a router knows its
# commands for life; a workspace's own settings may name them otherwise, hence the key).
_LISTINGS: weakref.WeakKeyDictionary[KnownCommands, dict[tuple[object, ...], Reply]] = \
    weakref.WeakKeyDictionary()


def _listing(router: KnownCommands, phrases: Phrases) -> Reply:
    # The renames as the config lists them (the same renames in another order: one more
    # entry, never a wrong one).
    key = (i18n.current(), phrases.slash, tuple(phrases.rename.items()))
    made = _LISTINGS.setdefault(router, {})
    found = made.get(key)
    if found is None:
        lines = [f"{phrases.command(c.name, c.usage)} · {_(c.summary)}"
                 for c in router.commands.values()]
        found = made[key] = Reply(title=_("swarmbot commands"), text="\n".join(lines) + "\n" + _(
            "Inside a swarm room the case is the room's; elsewhere put the case ref first. "
            "{help} for more.").format(help=phrases.command('help', '<command>')))
    return found


COMMANDS = [help_]
