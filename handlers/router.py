"""Dispatch: text in, replies out. Never raises; users see one clear line, never a traceback."""

from __future__ import annotations

import difflib
import logging
import uuid

from bot.domain import CASE_REF, Case
from bot.errors import CommandError
from bot.metrics import counted_command
from bot.replies import Reply
from bot.services.base import Deps
from handlers.invocation import Invocation
from handlers.parsing import Args
from handlers.registry import Command, Ctx

log = logging.getLogger("swarmbot.commands")


class Router:
    def __init__(self, deps: Deps, commands: list[Command]) -> None:
        self.deps = deps
        self.slash = deps.config.commands.slash
        rename = deps.config.commands.rename
        self.commands = {c.name: c for c in commands}
        unknown = set(rename) - set(self.commands)
        if unknown:
            raise CommandError(f"[commands] rename names unknown commands: {sorted(unknown)}")
        # Buttons always send canonical names, so those keep working beside the team's names.
        self.display = {c.name: rename.get(c.name, c.name) for c in commands}
        self.lookup = {**{c.name: c for c in commands},
                       **{rename[n]: self.commands[n] for n in rename}}

    def shown(self, command: Command) -> str:
        return self.display[command.name]

    async def handle(self, inv: Invocation) -> list[Reply]:
        try:
            return await self._handle(inv)
        except CommandError as err:
            return [Reply.error(err.message)]
        except Exception:  # the one place that turns a bug into an error id the user can quote
            error_id = uuid.uuid4().hex[:8]
            log.exception("error %s handling %r from %s on %s", error_id, inv.text, inv.user_id,
                          inv.platform)
            return [Reply.error(f"Something went wrong on our side (error id {error_id}). "
                                "Tell your swarmbot admin this id; the log has the details.")]

    @counted_command  # swarmbot_commands{command, outcome} (bot/metrics.py)
    async def _handle(self, inv: Invocation) -> list[Reply]:
        text = " ".join(inv.text.split())
        if not text:
            text = "help"
        head, _, rest = text.partition(" ")
        name = head.lower()
        if name not in self.lookup:
            swapped = self._ref_first(head, rest)
            if swapped is None:
                return [Reply.error(self._unknown(head))]
            name, rest = swapped
        command = self.lookup[name]
        deps = self.deps
        actor = deps.store.ensure_person(inv.user_id, inv.platform, inv.user_name, inv.user_tz,
                                         deps.now_iso())
        args = Args.parse(rest, command.options)
        case = self._resolve_case(command, args, inv)
        if case is not None and case.platform != inv.platform and not command.any_platform:
            raise CommandError(f"{case.ref} lives in {case.platform.capitalize()}: "
                               f"`{self.display[command.name]}` it there.")
        ctx = Ctx(deps=deps, inv=inv, actor=actor, case=case, command=command,
                  slash=self.slash, name=self.display[command.name], router=self)
        return await command.run(ctx, args)

    def _ref_first(self, head: str, rest: str) -> tuple[str, str] | None:
        """Accept `ZD-4711 status` as `status ZD-4711`."""
        second, _, tail = rest.partition(" ")
        if CASE_REF.match(head) and second.lower() in self.lookup:
            return second.lower(), f"{head} {tail}".strip()
        return None

    def _resolve_case(self, command: Command, args: Args, inv: Invocation) -> Case | None:
        if command.case == "none":
            return None
        store = self.deps.store
        first = args.peek()
        if first and CASE_REF.match(first) and not first.startswith("@"):
            case = store.case_by_ref(first)
            if case is not None:
                args.take()
                return case
        looks_like_ref = bool(first and CASE_REF.match(first) and "-" in first
                              and any(c.isdigit() for c in first))
        # `status ZD-9999` names a case even inside a room; `note ZD-9 was a dup` is just text.
        takes_no_text = not command.usage or command.usage.startswith("[")
        if looks_like_ref and takes_no_text:
            raise CommandError(f"No case {first}. `{self.slash} list open` shows the open swarms.")
        in_room = store.case_by_room(inv.room_id) if inv.room_id else None
        if in_room is not None and in_room.platform == inv.platform:
            return in_room
        if command.case == "optional":
            return None
        usage = f"`{self.slash} {self.display[command.name]} <ref> {command.usage}`"
        if looks_like_ref:
            raise CommandError(f"No case {first}. `{self.slash} list open` shows the open swarms.")
        raise CommandError(f"Which case? Outside a swarm room put the case ref first: {usage}")

    def _unknown(self, word: str) -> str:
        close = difflib.get_close_matches(word.lower(), list(self.lookup), n=1, cutoff=0.6)
        hint = f" Did you mean `{self.slash} {close[0]}`?" if close else ""
        return f"Unknown command `{word}`.{hint} `{self.slash} help` lists them all."
