"""The command registry: one list of commands, from which dispatch and help are made."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from bot.domain import Case, Person
from bot.replies import Reply, Tone
from bot.services.base import Deps
from handlers.invocation import Invocation
from handlers.parsing import Args

if TYPE_CHECKING:
    from handlers.router import Router

CaseMode = Literal["required", "optional", "none"]


@dataclass
class Ctx:
    deps: Deps
    inv: Invocation
    actor: Person
    case: Case | None
    command: Command
    slash: str
    name: str  # the command name as this team calls it (after renames)
    router: Router

    @property
    def usage(self) -> str:
        return f"`{self.slash} {self.name} {self.command.usage}`".replace(" `", "`")

    def ok(self, text: str, **kw: object) -> Reply:
        return Reply(text=text, tone=Tone.SUCCESS, **kw)  # type: ignore[arg-type]

    def need_case(self) -> Case:
        assert self.case is not None, "the router resolves required cases"
        return self.case

    def failures(self, lines: list[str]) -> list[Reply]:
        return [Reply(text=line, tone=Tone.WARNING) for line in lines]


Runner = Callable[[Ctx, Args], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Command:
    name: str
    usage: str  # the words after the name, e.g. "<skill>… [tried=\"…\"]"
    summary: str
    run: Runner
    case: CaseMode = "required"
    who: str = "participants"
    options: frozenset[str] = field(default_factory=frozenset)
    details: str = ""
    # Reading a case works from any platform; changing it happens where the case lives.
    any_platform: bool = False


def command(name: str, usage: str, summary: str, *, case: CaseMode = "required",
            who: str = "participants", options: tuple[str, ...] = (),
            details: str = "",
            any_platform: bool = False) -> Callable[[Runner], Command]:
    def wrap(run: Runner) -> Command:
        return Command(name=name, usage=usage, summary=summary, run=run, case=case, who=who,
                       options=frozenset(options), details=details,
                       any_platform=any_platform)
    return wrap


def all_commands() -> list[Command]:
    # Imported here so that building the registry is explicit, never an import side effect.
    from handlers import cases, digest, handoff, help_command, journal, people, swarm

    found: list[Command] = []
    for module in (cases, swarm, handoff, journal, people, digest, help_command):
        found.extend(module.COMMANDS)
    return found
