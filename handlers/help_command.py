"""help: generated from the command registry, so it can never drift from what runs."""

from __future__ import annotations

import difflib

from bot.replies import Field, Reply
from handlers.parsing import Args
from handlers.registry import Command, Ctx, command


def _line(ctx: Ctx, c: Command, name: str) -> str:
    return f"`{ctx.slash} {name} {c.usage}`".replace(" `", "`")


@command("help", "[command]", "Show the commands, or one command in detail.", case="none",
         who="anyone")
async def help_(ctx: Ctx, args: Args) -> list[Reply]:
    router = ctx.router  # the live router knows renames and extra commands
    wanted = (args.take() or "").lower()
    if wanted:
        found = router.lookup.get(wanted)
        if found is None:
            close = difflib.get_close_matches(wanted, list(router.lookup), n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            return [Reply.error(f"No command `{wanted}`.{hint} `{ctx.slash} help` lists them.")]
        name = router.shown(found)
        fields = [Field("Who", found.who)]
        if found.case == "required":
            fields.append(Field("Case", "inside a swarm room the room's case; elsewhere put the "
                                        f"case ref first: `{ctx.slash} {name} <ref> …`"))
        if found.details:
            fields.append(Field("More", found.details))
        return [Reply(title=_line(ctx, found, name), text=found.summary, fields=tuple(fields))]
    lines = [f"{_line(ctx, c, router.shown(c))} · {c.summary}" for c in router.commands.values()]
    return [Reply(title="swarmbot commands",
                  text="\n".join(lines) + f"\nInside a swarm room the case is the room's; "
                  f"elsewhere put the case ref first. `{ctx.slash} help <command>` for more.")]


COMMANDS = [help_]
