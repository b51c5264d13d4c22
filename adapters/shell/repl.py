"""The shell adapter: type `[@user] [#room] text`, as Hubot's shell lets you try a bot.

`@user` and `#room` stick until changed. Text starting with the slash command is a
command; `/clock +2h` moves the simulated clock and runs the scheduler (reminders, nudges,
the digest); anything else is a chat message in the current room. From a pipe there is no
prompt, so sessions can be scripted. Input is read as bytes: a line that is not UTF-8 is
reported in one line and the shell carries on with the next.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import BinaryIO

from adapters.shell.clock import USAGE as CLOCK_USAGE
from adapters.shell.clock import SimClock
from adapters.shell.port import ShellChatPort
from adapters.shell.render import mentions_in, render, render_form
from bot.i18n import _
from bot.scheduler import Scheduler
from handlers import language
from handlers.delivery import Delivery, RoomEvent, Sender, Typed
from handlers.entrance import Entrance, Outcome

QUIT = ("/quit", "/exit", "quit", "exit")
SOURCE = "shell"


class Shell:
    def __init__(self, entrance: Entrance, port: ShellChatPort,
                 out: Callable[[str], None] = print, user: str = "agent",
                 room: str | None = None, lang: str | None = None) -> None:
        self.entrance, self.port, self.out = entrance, port, out
        self.user, self.room = user, room
        # The language of the replies, as a platform's locale would say it: `de` (or
        # SWARMBOT_LANG=de); none: the deployment's [i18n] language.
        self.lang = lang if lang is not None else os.environ.get("SWARMBOT_LANG") or None
        self.slash = entrance.config.commands.slash

    def prompt(self) -> str:
        return f"@{self.user}" + (f" #{self.room}" if self.room else "") + "> "

    def _say(self, where: str, lines: list[str]) -> None:
        self.out(f"[{where}] swarmbot: {lines[0]}")
        for line in lines[1:]:
            self.out(f"    {line}")

    def speaking(self) -> AbstractContextManager[None]:
        """The shell's own lines and its replies in its language (SWARMBOT_LANG)."""
        return language.for_sender(self.entrance.config, Sender(self.user, locale=self.lang))

    async def line(self, raw: str) -> None:
        with self.speaking():
            await self._line(raw)

    async def _line(self, raw: str) -> None:
        words = raw.strip().split()
        while words and words[0][:1] in "@#":
            word = words.pop(0)
            if len(word) == 1:
                self._say(f"only @{self.user}", [
                    _("error") + ": " + _("`{word}` needs a name after it: `@alice {slash} "
                                          "status`, `#room`.").format(word=word,
                                                                      slash=self.slash)])
                return
            if word.startswith("@"):
                self.user = word[1:]
            else:
                self.room = word[1:]
        text = " ".join(words)
        if not text:
            return
        if text.lower() == "help":
            text = f"{self.slash} help"
        if text == self.slash or text.startswith(self.slash + " "):
            await self.run(Typed(mentions_in(text[len(self.slash):].strip())))
        elif text == "/clock" or text.startswith("/clock "):
            await self.move_clock(text[len("/clock"):].strip())
        elif text.startswith("/"):
            self._say(f"only @{self.user}", [
                _("error") + ": " + _("unknown slash command `{word}`; commands start with "
                                      "`{slash}`, `{slash} help` lists them.").format(
                                          word=text.split()[0][:40], slash=self.slash)])
        elif self.room:
            await self.entrance.receive(Delivery(
                source=SOURCE, sender=Sender(self.user, self.user, locale=self.lang),
                room=self.room,
                what=RoomEvent("posted", (self.room,))))
        else:  # words said nowhere: not a room post, and without the slash not a command
            self._say(f"only @{self.user}", [
                _("error") + ": " + _("commands start with `{slash}` (`{slash} {word} …`), "
                                      "`{slash} help` lists them; plain words are a message "
                                      "only in a room (`#room` first).").format(
                                          slash=self.slash, word=text.split()[0][:40])])

    async def move_clock(self, step: str) -> None:
        """`/clock +2h`: move the simulated clock, then run the scheduler and say what fired."""
        clock = self.entrance.deps.clock
        if not isinstance(clock, SimClock):
            self._say(f"only @{self.user}", [_("error") + ": " + _(
                "this shell runs on the real clock.")])
            return
        if step:
            try:
                clock.advance(step)
            except ValueError:
                self._say(f"only @{self.user}",
                          [_("error") + ": " + _("`{step}` is not a step: {usage}.").format(
                              step=step[:20], usage=_(CLOCK_USAGE))])
                return
        fired = await Scheduler(self.entrance.deps).tick(clock()) if step else []
        self.out("[clock] " + _("now {time}").format(time=clock.shown())
                 + ("; " + _("fired: {count}").format(count=len(fired)) if step else ""))
        for line in fired:
            self.out(f"    {line}")

    async def run(self, what: Typed) -> None:
        delivery = Delivery(source=SOURCE, key=f"shell:{uuid.uuid4().hex}",
                            sender=Sender(self.user, self.user,
                                          self.entrance.config.people.timezone, self.lang),
                            room=self.room, what=what)
        await self.show(delivery, await self.entrance.receive(delivery))

    async def show(self, delivery: Delivery, outcome: Outcome) -> None:
        if outcome.form is not None:
            form = await self.entrance.assist_form(outcome.form, delivery) or outcome.form
            self._say(f"only @{delivery.sender.id}", render_form(form))
        for reply in outcome.replies:
            where = f"#{delivery.room}" if delivery.room and not reply.private else \
                f"only @{delivery.sender.id}"
            self._say(where, render(reply, self.slash))

    async def replay(self) -> None:
        """Commands a crash interrupted (recorded, not finished) run now, said as such, by
        the core's one replay loop (one pass: the shell serves nothing meanwhile)."""
        self.entrance.replays.register(SOURCE, self._finish)
        await self.entrance.replays.run_pending(lanes=1)  # printed in the order they came

    async def _finish(self, delivery: Delivery) -> None:
        self.out(_("(finishing a command from before the restart, by {who})").format(
            who=f"@{delivery.sender.id}"))
        await self.show(delivery, await self.entrance.process(delivery))


def read_lines(stdin: BinaryIO, interactive: bool, prompt: Callable[[], str]
               ) -> tuple[str | None, bool]:
    """One line: (text or None when it was not UTF-8, False at the end of input)."""
    if interactive:
        try:
            return input(prompt()), True
        except UnicodeDecodeError:
            return None, True
    raw = stdin.readline()
    if raw == b"":
        return "", False
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return None, True


def run_shell(entrance: Entrance, port: ShellChatPort, stdin: BinaryIO | None = None) -> int:
    shell = Shell(entrance, port)
    source = stdin if stdin is not None else sys.stdin.buffer
    interactive = stdin is None and sys.stdin.isatty()
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(entrance.reconcile())
        with shell.speaking():
            loop.run_until_complete(shell.replay())
        if interactive:
            import readline  # noqa: F401 - line editing and history for input()

            with shell.speaking():
                print(_("swarmbot shell on {path}. Type `{slash} help`; `@name` and `#room` "
                        "switch who and where you are; `/clock +2h` moves the simulated clock "
                        "(reminders, nudges, the digest); quit to leave.").format(
                            path=entrance.config.store.path, slash=shell.slash))
        while True:
            try:
                text, more = read_lines(source, interactive, shell.prompt)
            except EOFError:
                break
            except KeyboardInterrupt:
                print()
                break
            if not more:
                break
            if text is None:
                with shell.speaking():
                    shell.out("[only you] swarmbot: " + _("error") + ": " + _(
                        "that line is not UTF-8 text; it was skipped."))
                continue
            if text.strip().lower() in QUIT:
                break
            loop.run_until_complete(shell.line(text))
    finally:
        loop.close()
        entrance.close()
    return 0
