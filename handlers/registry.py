"""The command registry: one list of typed commands, from which dispatch, forms and help come.

Each command is a frozen dataclass (its fields are what the command needs), a parser that
builds it from typed words, optionally a form that builds it from field values, and a runner
that calls the bot's services. A user's words are parsed once; a form never becomes text.

The command modules import this one; the list of them is assembled above them all, in
handlers/commands.py, so that nothing here knows the commands or the router that runs them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from bot.domain import Case, Person
from bot.errors import CommandError
from bot.forms import Form
from bot.replies import Reply, Tone
from bot.services.base import Deps
from handlers.invocation import Invocation
from handlers.parsing import Args

CaseMode = Literal["required", "optional", "none"]


class KnownCommands(Protocol):
    """The commands as this team knows them: what a running command (help) may read of the
    router that runs it (handlers/router.py), which knows renames and extra commands."""

    @property
    def commands(self) -> Mapping[str, Command]:
        """By canonical name, in the order help lists them."""
    @property
    def lookup(self) -> Mapping[str, Command]:
        """By every name a command answers to: the team's names and the canonical ones."""


@dataclass
class Ctx:
    deps: Deps
    inv: Invocation
    actor: Person
    case: Case | None
    command: Command
    slash: str
    name: str  # the command name as this team calls it (after renames)
    router: KnownCommands

    @property
    def usage(self) -> str:
        return f"`{self.slash} {self.name} {self.command.usage}`".replace(" `", "`")

    def ok(self, text: str, **kw: Any) -> Reply:
        return Reply(text=text, tone=Tone.SUCCESS, **kw)

    def need_case(self) -> Case:
        assert self.case is not None, "the router resolves required cases"
        return self.case

    def failures(self, lines: list[str]) -> list[Reply]:
        return [Reply(text=line, tone=Tone.WARNING) for line in lines]

    def bad(self, message: str, field: str | None = None) -> CommandError:
        """Bad input: the message, then the right form of the command."""
        return CommandError(f"{message}: {self.usage}", field=field)


Parser = Callable[[Ctx, Args], Any]
# A runner is a plain function: it runs inside the unit of work, where nothing awaits.
Runner = Callable[[Ctx, Any], list[Reply]]
Preparer = Callable[[Ctx, Any], Awaitable[Any]]


@dataclass(frozen=True)
class FormSpec:
    """A command that can also be filled in as a form."""

    build: Callable[[Ctx], Form]  # the empty form (for the case in ctx, if any)
    read: Callable[[Ctx, dict[str, str]], Any]  # field values -> the typed command
    # Rules to check before a form closes (Slack wants field errors in its ack): read-only,
    # raising CommandError(field=…). The runner checks them again when it runs.
    check: Callable[[Ctx, Any], None] | None = None


@dataclass(frozen=True)
class Command:
    name: str
    usage: str  # the words after the name, e.g. "<skill>… [tried=\"…\"]"
    summary: str
    parse: Parser
    run: Runner
    case: CaseMode = "required"
    who: str = "participants"
    options: frozenset[str] = field(default_factory=frozenset)
    details: str = ""
    # Reading a case works from any platform; changing it happens where the case lives.
    any_platform: bool = False
    form: FormSpec | None = None
    # Typed alone (no words after the name), the command opens its form where there is one.
    bare_opens_form: bool = False
    # Changes nothing (the person's own row aside): the entrance runs it without the
    # one-transaction-per-command bookkeeping a change needs (handlers/entrance.py).
    reads_only: bool = False
    # Work that must wait on the network (a helpdesk ticket fetched for `open ZD-123`): run
    # by the entrance before the command's transaction and lock, never inside them (another
    # request's inbox row written meanwhile would join that transaction and could be rolled
    # back with it; and every other command would wait). Returns the command to run.
    prepare: Preparer | None = None
    # Runs on a confidential case for someone who may not see it (issue 26): `join` asks its
    # owner, `unfollow` lets go. Every other command tells them it is confidential.
    outsiders: bool = False
    # Needs nothing of the store (`help`: the registry and the config are all it reads):
    # the entrance runs it where the delivery is, with no unit thread and no connection,
    # and the actor is who the platform says (nothing is read or written of them).
    store: bool = True


def command(name: str, usage: str, summary: str, *, parse: Parser,
            case: CaseMode = "required", who: str = "participants",
            options: tuple[str, ...] = (), details: str = "", any_platform: bool = False,
            form: FormSpec | None = None, bare_opens_form: bool = False,
            reads_only: bool = False, prepare: Preparer | None = None,
            outsiders: bool = False, store: bool = True) -> Callable[[Runner], Command]:
    def wrap(run: Runner) -> Command:
        return Command(name=name, usage=usage, summary=summary, parse=parse, run=run,
                       case=case, who=who, options=frozenset(options), details=details,
                       any_platform=any_platform, form=form, bare_opens_form=bare_opens_form,
                       reads_only=reads_only, prepare=prepare, outsiders=outsiders,
                       store=store)
    return wrap
