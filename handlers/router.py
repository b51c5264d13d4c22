"""Dispatch: typed text or form values in, replies (or a form to show) out.

Synchronous, inside the entrance's unit of work (one transaction on the calling thread's
own connection). A `CommandError` is one line for the user (or an error at its form field);
inside a unit it is raised on as `Refused`, so the unit rolls back whole what the command
wrote before it (no savepoint a command) and records the delivery done on its own. Anything
else is a bug or a store failure: it propagates, and the unit rolls back whole too.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot import permissions, tenancy
from bot.bridge import rooms as bridge_rooms
from bot.domain import CASE_REF, Case, Person
from bot.errors import CommandError
from bot.forms import Form
from bot.i18n import _
from bot.metrics import COMMANDS
from bot.replies import Reply
from bot.services import bridge_relay
from bot.services.base import Deps
from handlers.invocation import Invocation
from handlers.known_people import KnownPeople
from handlers.parsing import Args
from handlers.registry import Command, Ctx
from handlers.unit_of_work import IN_UNIT, Refused
from handlers.validate import MAX_COMMAND, clean_text

log = logging.getLogger("swarmbot.commands")
# Runs a function on a store thread and awaits its result (Entrance.in_thread).
InThread = Callable[[Callable[[], Any]], Awaitable[Any]]


@dataclass
class Result:
    """What one run produced: replies for the person, or a form for them to fill in."""

    command: str | None = None  # the canonical name of the command that ran, if one did
    replies: list[Reply] = field(default_factory=list)
    form: Form | None = None

    @property
    def failed(self) -> bool:
        return any(r.tone == "error" for r in self.replies) or bool(self.form and
                                                                     self.form.errors)


@dataclass(frozen=True)
class Prepared:
    """A command parsed and prepared outside its transaction, to run typed inside it."""

    name: str
    typed: Any
    ref: str | None


class Router:
    def __init__(self, deps: Deps, commands: list[Command]) -> None:
        self.deps = deps
        self.phrases = deps.phrases
        self.slash = deps.config.commands.slash
        rename = deps.config.commands.rename
        self.commands = {c.name: c for c in commands}
        unknown = set(rename) - set(self.commands)
        if unknown:
            raise CommandError(f"[commands] rename names unknown commands: {sorted(unknown)}")
        # Buttons always send canonical names, so those keep working beside the team's names.
        self.lookup = {**{c.name: c for c in commands},
                       **{rename[n]: self.commands[n] for n in rename}}
        self.known = KnownPeople()  # whose row `help` may skip (handlers/known_people.py)

    def shown(self, command: Command) -> str:
        return self.phrases.shown(command.name)

    # -- typed text -----------------------------------------------------------------------
    def run_text(self, inv: Invocation, text: str) -> Result:
        return self._guard(inv, text, lambda: self._text(inv, text))

    def _text(self, inv: Invocation, raw: str) -> Result:
        if len(raw) > MAX_COMMAND:
            raise CommandError(_("That command is {size} characters; the limit is "
                                 "{limit}.").format(size=f"{len(raw):,}",
                                                    limit=f"{MAX_COMMAND:,}"))
        text = " ".join(clean_text(raw).split()) or "help"
        head, _sep, rest = text.partition(" ")
        name = head.lower()
        if name not in self.lookup:
            swapped = self._ref_first(head, rest)
            if swapped is None:
                raise CommandError(self._unknown(head))
            name, rest = swapped
        command = self.lookup[name]
        try:
            args = Args.parse(rest, command.options)
            # A command that writes reads its case locked, in one statement (see _ctx).
            locks = not command.reads_only
            ctx = self._ctx(inv, command, self._case_from_words(command, args, inv, locks),
                            locked=locks)
            if command.bare_opens_form and command.form and not args.text and not args.options \
                    and (ctx.case is not None or command.case == "none"):
                return Result(command.name, form=command.form.build(ctx))
            typed = command.parse(ctx, args)
            return Result(command.name, command.run(ctx, typed))
        except CommandError as err:
            err.command = command.name  # for the metrics: which command refused
            raise

    async def prepare_text(self, inv: Invocation, text: str, command: Command | None,
                           in_thread: InThread) -> Prepared | Result | None:
        """For a command with a `prepare` step (network work): parse it (on a store thread:
        parsing reads the store) and do that work now, on the event loop, before the
        entrance opens the command's unit of work. None: nothing to prepare (run it as
        text); a Result: refused (bad words, the fetch failed); else what to run typed.
        `command`: the one `text` names (`peek`)."""
        if command is None or command.prepare is None:
            return None
        prepare = command.prepare

        def parse() -> tuple[Ctx, Any] | None:
            head, _sep, rest = " ".join(clean_text(text).split()).partition(" ")
            if head.lower() not in self.lookup:
                rest = (self._ref_first(head, rest) or ("", rest))[1]
            args = Args.parse(rest, command.options)
            ctx = self._ctx(inv, command, self._case_from_words(command, args, inv),
                            writes=False)
            if command.bare_opens_form and not args.text and not args.options:
                return None  # the form: run as text, nothing to prepare
            return ctx, command.parse(ctx, args)

        found: list[Prepared] = []

        async def run() -> Result:
            try:
                parsed = await in_thread(parse)
                if parsed is None:
                    return Result(command.name)
                ctx, typed = parsed
                typed = await prepare(ctx, typed)
            except CommandError as err:
                err.command = command.name
                raise
            found.append(Prepared(command.name, typed, ctx.case.ref if ctx.case else None))
            return Result(command.name)
        result = await self._guard_async(inv, text, run)
        if found:
            return found[0]
        return result if result.replies else None

    def peek(self, text: str) -> Command | None:
        """The command typed text names, without running or checking anything else (the
        entrance asks whether it changes anything before it runs)."""
        if len(text) > MAX_COMMAND:
            return None
        head, _sep, rest = (" ".join(clean_text(text).split()) or "help").partition(" ")
        command = self.lookup.get(head.lower())
        if command is None:
            swapped = self._ref_first(head, rest)
            command = self.lookup[swapped[0]] if swapped else None
        return command

    # -- typed commands built elsewhere (the demo, a helpdesk's intake) ---------------------
    def run_typed(self, inv: Invocation, name: str, typed: Any,
                  ref: str | None = None) -> Result:
        """Run a command already built as its dataclass: nothing is parsed."""
        def run() -> Result:
            command = self.commands[name]
            case = None
            locks = not command.reads_only
            if command.case != "none" and ref is not None:
                case = self.deps.store.cases.by_ref(ref, lock=locks)
                if case is None:
                    raise CommandError(_("No case {ref}.").format(ref=ref[:40]))
            if case is None and command.case == "required":
                raise CommandError(_("{command} needs a case.").format(
                    command=self.phrases.command(name)))
            try:
                ctx = self._ctx(inv, command, case, locked=locks)
                return Result(name, command.run(ctx, typed))
            except CommandError as err:
                err.command = name
                raise
        return self._guard(inv, name, run)

    # -- forms ----------------------------------------------------------------------------
    def form_for(self, inv: Invocation, text: str) -> Form | None:
        """The form behind a button that needs more words (`handoff ZD-1`), or None."""
        name, _sep, rest = " ".join(text.split()).partition(" ")
        command = self.commands.get(name.lower())
        if command is None or command.form is None:
            return None
        try:
            case = self._case_from_words(command, Args.parse(rest), inv)
        except CommandError:
            return None
        return command.form.build(self._ctx(inv, command, case))

    def run_form(self, inv: Invocation, name: str, values: dict[str, str],
                 context: dict[str, str]) -> Result:
        def run() -> Result:
            command, ctx, typed_or_form = self._read_form(inv, name, values, context)
            if isinstance(typed_or_form, Form):
                return Result(command.name, form=typed_or_form)
            try:
                with self.deps.store.savepoint():
                    return Result(command.name, command.run(ctx, typed_or_form))
            except CommandError as err:
                return self._form_error(command, ctx, err, values)
        return self._guard(inv, f"form {name}", run)

    def check_form(self, inv: Invocation, name: str, values: dict[str, str],
                   context: dict[str, str]) -> dict[str, str]:
        """Field errors of a submitted form, found without running it ({} when none)."""
        try:
            command, ctx, typed_or_form = self._read_form(inv, name, values, context)
        except CommandError as err:
            return {err.field or "": err.message}
        if isinstance(typed_or_form, Form):
            return typed_or_form.errors
        if command.form and command.form.check:
            try:
                command.form.check(ctx, typed_or_form)
            except CommandError as err:
                return self._failed_form(command, ctx, err, values).errors
        return {}

    def _read_form(self, inv: Invocation, name: str, values: dict[str, str],
                   context: dict[str, str]) -> tuple[Command, Ctx, Any]:
        command = self.commands.get(name)
        if command is None or command.form is None:
            raise CommandError(_("This form is not one swarmbot knows any more: "
                                 "type {help} for the commands.").format(
                                     help=self.phrases.command('help')))
        case, locks = None, not command.reads_only
        if command.case != "none":
            ref = context.get("ref", "")
            case = self.deps.store.cases.by_ref(ref, lock=locks) if ref else None
            if case is None:
                raise CommandError(_("This form was for a case that no longer exists "
                                     "({ref}).").format(ref=ref[:40]))
        ctx = self._ctx(inv, command, case, locked=locks)
        clean = {k: clean_text(str(v)).strip() for k, v in values.items()}
        # Which draft the form held (handlers/drafts.py): the read says if it was edited.
        clean.update({f"_{k}": v for k, v in context.items() if k.startswith("draft")})
        try:
            return command, ctx, command.form.read(ctx, clean)
        except CommandError as err:
            return command, ctx, self._form_error(command, ctx, err, clean).form

    def _form_error(self, command: Command, ctx: Ctx, err: CommandError,
                    values: dict[str, str]) -> Result:
        return Result(command.name, form=self._failed_form(command, ctx, err, values))

    def _failed_form(self, command: Command, ctx: Ctx, err: CommandError,
                     values: dict[str, str]) -> Form:
        """The command's form again, with the values given and the error at its field."""
        assert command.form is not None
        form = command.form.build(ctx)
        where = err.field if err.field and form.field(err.field) else form.fields[0].name
        return form.with_errors({where: err.message}, values)

    # -- shared -----------------------------------------------------------------------------
    def _guard(self, inv: Invocation, what: str, run: Callable[[], Result]) -> Result:
        """A `CommandError` is the command refusing: the user reads its one line. Inside a
        unit's transaction it is raised on as `Refused`: the unit rolls back whole what the
        command wrote, then records the delivery done (rarer than a savepoint's two
        statements on every command). Anything else is not the user's doing: it
        propagates, the unit rolls back whole and tells the user an error id."""
        tokens = bridge_relay.begin(inv.platform)
        try:
            result = run()
            bridge_relay.show(self.deps)  # its entries in every room of a bridged case
        except CommandError as err:
            COMMANDS.labels(err.command or "unknown", "refused").inc()
            replies = [Reply.error(err.message)]
            if IN_UNIT.get():
                raise Refused(replies) from None
            return Result(replies=replies)
        finally:
            bridge_relay.end(tokens)
        # swarmbot_commands{command, outcome} (bot/metrics.py): refused is a one-line answer.
        COMMANDS.labels(result.command or "unknown", "refused" if result.failed else "ok").inc()
        return result

    async def _guard_async(self, inv: Invocation, what: str,
                           run: Callable[[], Awaitable[Result]]) -> Result:
        """The prepare step (network work before the unit of work): a refusal is one line;
        it writes nothing of its own, so there is nothing to roll back."""
        try:
            return await run()
        except CommandError as err:
            COMMANDS.labels(err.command or "unknown", "refused").inc()
            return Result(replies=[Reply.error(err.message)])

    def _ctx(self, inv: Invocation, command: Command, case: Case | None,
             writes: bool = True, locked: bool = False) -> Ctx:
        """`writes` False: outside a unit of work (parsing before a prepare step): nothing
        is locked or written; a person not known yet is who the platform says. `locked`:
        the case was read under its lock already (`by_ref(lock=True)`)."""
        if case is not None and not command.reads_only and writes and not locked:
            # Commands on one case take turns (across replicas too); read again under the
            # lock, as the command before it in line left it.
            case = self.deps.store.cases.lock(case.id) or case
        if case is not None and not command.reads_only and writes:
            bridge_relay.touched(case)
        if case is not None and not case.lives_on(inv.platform) and not command.any_platform \
                and not self._bridged(inv):
            raise CommandError(_("{ref} lives in {platform}: {command} it there.").format(
                ref=case.ref, platform=case.platform.capitalize(),
                command=self.phrases.command(command.name)))
        deps = self.deps
        said = Person(inv.user_id, inv.user_name or inv.user_id, tz=inv.user_tz)
        if not command.store and self.known.settled(inv.user_id, inv.user_tz):
            actor = said  # `help` for someone whose row is settled: nothing to read or write
        elif writes:
            actor = deps.store.people.ensure(inv.user_id, inv.platform, inv.user_name,
                                             inv.user_tz, deps.now_iso())
            if not IN_UNIT.get():  # committed as it ran (a unit's insert may roll back)
                self.known.remember(actor)
        else:
            actor = deps.store.people.get(inv.user_id) or said
        if case is not None and case.confidential and not command.outsiders and \
                not permissions.may_see(deps.config, deps.store, actor, case):
            raise CommandError(_("{ref} is confidential: only its swarm and managers can "
                                 "see it. {join} asks its owner to let you in.").format(
                                     ref=case.ref, join=self.phrases.command('join', case.ref)))
        return Ctx(deps=deps, inv=inv, actor=actor, case=case, command=command,
                   slash=self.slash, name=self.shown(command), router=self)

    def _bridged(self, inv: Invocation) -> bool:
        """[bridge] enabled: a case is worked on from every platform served (issue 29)."""
        return self.deps.config.bridge.enabled and inv.platform in self.deps.ports

    def _ref_first(self, head: str, rest: str) -> tuple[str, str] | None:
        """Accept `ZD-4711 status` as `status ZD-4711`."""
        second, _sep, tail = rest.partition(" ")
        if CASE_REF.match(head) and second.lower() in self.lookup:
            return second.lower(), f"{head} {tail}".strip()
        return None

    def _case_from_words(self, command: Command, args: Args, inv: Invocation,
                         lock: bool = False) -> Case | None:
        """The case the words (or the room) name; `lock`: read under its lock."""
        if command.case == "none":
            return None
        store = self.deps.store
        first = args.peek()
        if first and CASE_REF.match(first):
            case = store.cases.by_ref(first, lock=lock)
            if case is not None:
                args.take()
                return case
        looks_like_ref = bool(first and CASE_REF.match(first) and "-" in first
                              and any(c.isdigit() for c in first))
        no_case = _("No case {ref}. {list} shows the open swarms.").format(
            ref=first, list=self.phrases.command('list', 'open'))
        # `status ZD-9999` names a case even inside a room; `note ZD-9 was a dup` is just text.
        takes_no_text = not command.usage or command.usage.startswith("[")
        if looks_like_ref and takes_no_text:
            raise CommandError(no_case)
        in_room = store.cases.by_room(inv.room_id, lock=lock) if inv.room_id else None
        if in_room is None and inv.room_id and self._bridged(inv):  # a case's mirror room
            in_room = bridge_rooms.case_of_room(store, inv.platform, inv.room_id, lock)
        if in_room is not None and (in_room.lives_on(inv.platform) or self._bridged(inv)):
            if (lock and tenancy.current() is not None and in_room.lives_on(inv.platform)
                    and in_room.workspace not in ("", tenancy.team())):
                # Used from another workspace of its Grid org: its room is shared there, so
                # the case is seen there from now on (bot/tenancy.py).
                store.cases.share(in_room.id, tenancy.team(), self.deps.now_iso())
            return in_room
        if command.case == "optional":
            return None
        if looks_like_ref:
            raise CommandError(no_case)
        usage = self.phrases.command(command.name, f"<ref> {command.usage}")
        raise CommandError(_("Which case? Outside a swarm room put the case ref first: "
                             "{usage}").format(usage=usage))

    def _unknown(self, word: str) -> str:
        word = word[:40]
        close = difflib.get_close_matches(word.lower(), list(self.lookup), n=1, cutoff=0.6)
        hint = " " + _("Did you mean {command}?").format(
            command=self.phrases.command(close[0])) if close else ""
        return _("Unknown command `{word}`.").format(word=word) + hint + " " + _(
            "{help} lists them all.").format(help=self.phrases.command('help'))
