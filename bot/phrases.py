"""How the core names its own commands in what it writes: the slash command and the team's
renames (`[commands]`) reach every hint, error line and button the core makes."""

from __future__ import annotations

from bot.config import CommandsConfig
from bot.replies import Button


class Phrases:
    def __init__(self, commands: CommandsConfig) -> None:
        self.slash = commands.slash
        self.rename = dict(commands.rename)

    def shown(self, name: str) -> str:
        """A command's name as this team calls it."""
        return self.rename.get(name, name)

    def typed(self, name: str, args: str = "") -> str:
        """The command as typed, without quotes: `/swarm pass-on ZD-1`."""
        return " ".join(p for p in (self.slash, self.shown(name), args.strip()) if p)

    def command(self, name: str, args: str = "") -> str:
        """The command as typed, quoted for a message: "`/swarm pass-on ZD-1`"."""
        return f"`{self.typed(name, args)}`"

    def button(self, label: str, name: str, args: str = "", *, style: str | None = None,
               needs_input: bool = False, input_hint: str = "") -> Button:
        """A button for a command. It sends the canonical name (so it keeps working whatever
        the team renames) and shows the team's name: a renamed command relabels its button."""
        if name in self.rename:
            label = self.rename[name].replace("-", " ").replace("_", " ").capitalize()
        return Button(label=label, command=f"{name} {args}".strip(), style=style,
                      needs_input=needs_input, input_hint=input_hint,
                      shown=self.typed(name, args))
