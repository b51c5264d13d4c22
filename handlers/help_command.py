"""help: generated from the command registry, so it can never drift from what runs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.replies import Field, Reply
from handlers.parsing import Args
from handlers.registry import Command, Ctx, command


def _line(ctx: Ctx, c: Command) -> str:
    return ctx.deps.phrases.command(c.name, c.usage)


@dataclass(frozen=True)
class Help:
    command: str | None = None


def parse_help(ctx: Ctx, args: Args) -> Help:
    word = args.take()
    if args.rest():
        raise ctx.bad("name one command")
    return Help(word.lower()[:40] if word else None)


@command("help", "[command]", "Show the commands, or one command in detail.",
         parse=parse_help, case="none", who="anyone", reads_only=True)
def help_(ctx: Ctx, cmd: Help) -> list[Reply]:
    router = ctx.router  # the live router knows renames and extra commands
    phrases = ctx.deps.phrases
    if cmd.command:
        found = router.lookup.get(cmd.command)
        if found is None:
            close = difflib.get_close_matches(cmd.command, list(router.lookup), n=1,
                                              cutoff=0.75)
            hint = f" Did you mean {phrases.command('help', close[0])}?" if close else ""
            return [Reply.error(f"No command `{cmd.command}`.{hint} "
                                f"{phrases.command('help')} lists them all.")]
        fields = [Field("Who", found.who)]
        if found.case == "required":
            fields.append(Field("Case", "inside a swarm room the room's case; elsewhere put the "
                                        "case ref first: "
                                        f"{phrases.command(found.name, '<ref> …')}"))
        if found.details:
            fields.append(Field("More", found.details))
        return [Reply(title=_line(ctx, found), text=found.summary, fields=tuple(fields))]
    # One Phrases for the whole list (deps.phrases makes a new one each time it is read).
    lines = [f"{phrases.command(c.name, c.usage)} · {c.summary}"
             for c in router.commands.values()]
    return [Reply(title="swarmbot commands",
                  text="\n".join(lines) + "\nInside a swarm room the case is the room's; "
                  f"elsewhere put the case ref first. {phrases.command('help', '<command>')} "
                  "for more.")]


COMMANDS = [help_]
