"""The shell adapter: type `[@user] [#room] text`, as Hubot's shell lets you try a bot.

`@user` and `#room` stick until changed. Text starting with the slash command is a
command; anything else is a chat message in the current room. From a pipe there is no
prompt, so sessions can be scripted.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from adapters.shell.port import ShellChatPort
from adapters.shell.render import render
from handlers.core import Core
from handlers.invocation import Invocation

QUIT = ("/quit", "/exit")


class Shell:
    def __init__(self, core: Core, port: ShellChatPort, out: Callable[[str], None] = print,
                 user: str = "agent", room: str | None = None) -> None:
        self.core, self.port, self.out = core, port, out
        self.user, self.room = user, room
        self.slash = core.config.commands.slash

    def prompt(self) -> str:
        return f"@{self.user}" + (f" #{self.room}" if self.room else "") + "> "

    async def line(self, raw: str) -> None:
        words = raw.strip().split()
        while words and words[0][:1] in "@#" and len(words[0]) > 1:
            word = words.pop(0)
            if word.startswith("@"):
                self.user = word[1:]
            else:
                self.room = word[1:]
        text = " ".join(words)
        if not text:
            return
        if text == self.slash or text.startswith(self.slash + " "):
            inv = Invocation(platform="shell", user_id=self.user, user_name=self.user,
                             room_id=self.room, text=text[len(self.slash):].strip(),
                             user_tz=self.core.config.people.timezone)
            for reply in await self.core.handle(inv):
                where = f"#{self.room}" if self.room and not reply.private else \
                    f"only @{self.user}"
                lines = render(reply, self.slash)
                self.out(f"[{where}] swarmbot: {lines[0]}")
                for line in lines[1:]:
                    self.out(f"    {line}")
        elif text.startswith("/"):
            self.out(f"[only @{self.user}] swarmbot: error: unknown slash command "
                     f"`{text.split()[0]}`; commands start with `{self.slash}`, "
                     f"`{self.slash} help` lists them.")
        elif self.room:
            await self.core.message_posted("shell", self.room, self.user)


def run_shell(core: Core, port: ShellChatPort, stdin: TextIO = sys.stdin) -> int:
    shell = Shell(core, port)
    interactive = stdin.isatty()
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(core.reconcile())
        if interactive:
            import readline  # noqa: F401 - line editing and history for input()

            print(f"swarmbot shell on {core.config.store.path}. Type `{shell.slash} help`; "
                  "`@name` and `#room` switch who and where you are; /quit to leave.")
        while True:
            try:
                raw = input(shell.prompt()) if interactive else stdin.readline()
            except EOFError:
                break
            except KeyboardInterrupt:
                print()
                break
            if not interactive and raw == "":
                break
            if raw.strip() in QUIT:
                break
            loop.run_until_complete(shell.line(raw))
    finally:
        loop.close()
        core.store.close()
    return 0
