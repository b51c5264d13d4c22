"""The one way in. Adapters hand over a `Delivery`; what comes back is an `Outcome`.

    accept(delivery)   write it to the inbox (before the platform is answered); False when
                       its key was seen before, on any path (a redelivery)
    process(delivery)  run it: a typed command, a button, a form, a room event; mark it done
    receive(delivery)  both, for platforms that wait for the answer (Teams, the shell)
    check(delivery)    a submitted form's field errors, without running it (Slack's ack)
    form(delivery)     the form behind a button that needs more words
    pending(source)    what the inbox holds unfinished (replayed at start-up)

Nothing here knows a platform: adapters translate their payloads into deliveries and render
the replies and forms that come back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bot.config import Config
from bot.forms import Form
from bot.i18n import N_, _
from bot.phrases import Phrases
from bot.replies import Reply, Tone
from bot.services import outbox, sharing
from bot.services.base import Deps
from handlers import bridge, drafts, language, room_events
from handlers.commands import all_commands
from handlers.delivery import Delivery, Pressed, RoomEvent, Sender, Shared, Submitted, Typed
from handlers.inbox_writer import InboxWriter
from handlers.invocation import Invocation
from handlers.registry import Command
from handlers.replay import Replays, replaying, taker
from handlers.router import Result, Router
from handlers.unit_of_work import UNITS, Duplicate, Failed, Refusal, StoreUnavailable, Units

log = logging.getLogger("swarmbot")
T = TypeVar("T")
# Buttons whose success settles the message they were on (an offer loses its buttons).
_SETTLES = {"accept": N_("Accepted"), "decline": N_("Declined")}

@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    form: Form | None = None  # a form to show (or to show again, with its errors)
    settled: str | None = None  # "Accepted"/"Declined": the clicked message is answered
    duplicate: bool = False  # seen before: nothing was done


class Entrance:
    def __init__(self, deps: Deps, extra_commands: list[Command] | None = None,
                 units: int = UNITS) -> None:
        self.deps = deps
        self.router = Router(deps, all_commands() + list(extra_commands or []))
        self.worker: outbox.Worker | None = None
        # The threads units of work (and other store work) run on, each with its own
        # connection: at most `units` commands touch the store at once.
        self.units = Units(deps, units)
        self.inbox = InboxWriter(deps)
        self.in_flight = self.units.in_flight  # inbox keys this process is running now
        # The one replay loop (handlers/replay.py): what the inbox holds unfinished, and
        # with replicas what dead ones held.
        self.replays = Replays(self.pending, self.in_thread, self.in_flight, deps.now,
                               taker(deps, self.in_thread, self._calls_due))

    @property
    def config(self) -> Config:
        return self.deps.config

    @property
    def phrases(self) -> Phrases:
        return self.deps.phrases

    # -- the inbox ------------------------------------------------------------------------
    def accept(self, delivery: Delivery) -> bool:
        """Write the delivery's inbox row, committed on its own (never inside another
        request's transaction: the connection is this thread's). False: seen before."""
        if delivery.key is None:
            return True
        reads = self.reads_only(delivery)  # recorded done at once, as `record` does
        claimed, fresh = self._claim(delivery.key, reads), False
        try:
            fresh = self.deps.store.inbox.put(delivery.key, delivery.source, bridge.stored(
                self.deps, delivery), self.deps.now_iso(), reads)
        finally:
            self._unclaim_unless(delivery.key, claimed, fresh)
        return fresh

    def _claim(self, key: str, reads: bool) -> bool:
        """A write's row is this process's until its unit of work ends: the replay loop
        leaves it to its own runner. Claimed before the row is written: a replay pass on
        another thread may read the committed row before this thread resumes (it took a
        live command at start-up and answered it privately, not on its response_url)."""
        if reads or key in self.in_flight:  # a redelivery's: the claim is its runner's
            return False
        self.in_flight.add(key)
        return True

    def _unclaim_unless(self, key: str, claimed: bool, fresh: bool) -> None:
        if claimed and not fresh:  # seen before, or not written: not ours to run
            self.in_flight.discard(key)

    async def record(self, delivery: Delivery) -> bool:
        """`accept` for a platform waiting on its answer: the row is written by the inbox
        writer (its own thread; rows arriving together commit together), never by the event
        loop. Raises StoreUnavailable when the store cannot take it."""
        if delivery.key is None:
            return True
        # A read (`help`, `status` ...) is recorded done at once: a redelivery finds it, and
        # a crash before its answer loses only that answer (nothing to replay).
        reads = self.reads_only(delivery)
        claimed, fresh = self._claim(delivery.key, reads), False
        try:
            fresh = await self.inbox.put(delivery.key, delivery.source,
                                         bridge.stored(self.deps, delivery), reads)
        finally:
            self._unclaim_unless(delivery.key, claimed, fresh)
        return fresh

    def pending(self, source: str, received_before: str | None = None) -> list[Delivery]:
        out = []
        for row in self.deps.store.inbox.pending(source, received_before):
            if row.key in self.in_flight:
                continue  # this replica is running it right now
            try:
                delivery = Delivery.from_json(row.payload)
            except (ValueError, KeyError, TypeError) as err:
                # A row written by an older version: it cannot be run, so it is closed.
                log.warning("inbox %s: unreadable, closed unrun (%s)", row.key, err)
                self.deps.store.inbox.done(row.key, self.deps.now_iso())
                continue
            if self.reads_only(delivery):
                # A read left pending by an older version: its answer is long gone.
                self.deps.store.inbox.done(row.key, self.deps.now_iso())
                continue
            out.append(delivery)
        return out

    def _calls_due(self) -> None:
        if self.worker is not None:
            self.worker.wake()  # a dead replica's platform calls, taken over

    def close_unrun(self, delivery: Delivery) -> None:
        """A delivery refused before it ran (a form sent back with errors): nothing to do."""
        if delivery.key is not None:
            self.deps.store.inbox.done(delivery.key, self.deps.now_iso())
            self.in_flight.discard(delivery.key)

    async def receive(self, delivery: Delivery) -> Outcome:
        """Accept and process, for platforms that wait for the answer (Teams' invokes, the
        shell). The inbox row is committed on its own first, as every platform's is."""
        if not await self.record(delivery):
            log.info("%s delivery %s seen before: not redone", delivery.source, delivery.key)
            return Outcome(duplicate=True)
        return await self.process(delivery)

    def reads_only(self, delivery: Delivery) -> bool:
        """Whether a delivery is a command that changes nothing (`status`, `help` …)."""
        text = _words(delivery)
        command = self.router.peek(text) if text is not None else None
        return command is not None and command.reads_only

    async def process(self, delivery: Delivery) -> Outcome:
        """Run a delivery as one unit of work: the command's changes, the outbox rows of the
        platform calls it needs and the inbox row's "done" commit together, so a replay
        after a crash finds it done or finds nothing of it. The calls are then tried at
        once (the worker retries what fails transiently); what gives up is told here."""
        try:
            with language.for_sender(self.config, delivery.sender):
                return await self._process(delivery)
        finally:
            if delivery.key is not None:
                # Not ours any more, however it ended (a row left pending by a store
                # failure before its unit is the replay loop's).
                self.in_flight.discard(delivery.key)

    async def _process(self, delivery: Delivery) -> Outcome:
        delivery = await bridge.canonical(self.deps, self.in_thread, delivery)  # issue 29
        run: Callable[[], Outcome] = lambda: self._run(delivery)  # noqa: E731
        what, text, reads, here = delivery.what, _words(delivery), False, False
        # A read's row was recorded done with it (`record`): nothing to take, nothing to
        # replay if the store fails under it (the person is told to try again).
        key = delivery.key
        if text is not None:
            # The command is named once here (its words are parsed once, in its unit);
            # network work it needs (a ticket fetched) is done now, at the edge, before
            # the unit of work (registry.Command.prepare says why).
            inv = self._invocation(delivery)
            command = self.router.peek(text)
            reads = command is not None and command.reads_only
            key = None if reads else key
            here = command is not None and not command.store and \
                self.router.known.settled(inv.user_id, inv.user_tz)  # help: no unit thread
            try:
                early = await self.router.prepare_text(inv, text, command, self.in_thread)
            except Exception as err:
                if not self.deps.store.is_unavailable(err):
                    raise
                return self._delayed(delivery.source, key, StoreUnavailable(str(err)))
            if isinstance(early, Result):
                run = self._answered(early, what)
            elif early is not None:
                run = self._typed(inv, early.name, early.typed, early.ref, what)
        return await self._unit_of_work(key, delivery.source, delivery.sender.id, run,
                                        reads=reads, here=here)

    def _answered(self, result: Result, what: object) -> Callable[[], Outcome]:
        return lambda: self._outcome(result, what)

    def _typed(self, inv: Invocation, name: str, typed: object, ref: str | None,
               what: object) -> Callable[[], Outcome]:
        return lambda: self._outcome(self.router.run_typed(inv, name, typed, ref), what)

    async def in_thread(self, call: Callable[..., T], *args: object) -> T:
        """Store work on a unit thread, never on the event loop (handlers/unit_of_work.py)."""
        return await self.units.in_thread(call, *args)

    async def _unit_of_work(self, key: str | None, source: str, invoker: str | None,
                            run: Callable[[], Outcome], reads: bool = False,
                            here: bool = False) -> Outcome:
        try:
            done = await self.units.run(key, source, run, reads, here)
        except StoreUnavailable as err:
            return self._delayed(source, key, err)
        if isinstance(done, Duplicate):
            return Outcome(duplicate=True)
        if isinstance(done, Refusal):
            return Outcome(replies=done.replies)
        if isinstance(done, Failed):
            return Outcome(replies=[Reply.error(
                _("Something went wrong on our side (error id {error_id}). Tell your "
                  "swarmbot admin this id; the log has the details.")
                      .format(error_id=done.error_id))])
        outcome = done.result
        if done.enqueued:
            # After the commit, outside the unit: the calls are the platform's time, and
            # no other command waits for them.
            ids = {i.id for i in done.enqueued}
            gave_up = await outbox.drain(self.deps, quiet=ids, invoker=invoker,
                                         rows=done.enqueued)
            outcome.replies += [Reply(text=g.line, tone=Tone.WARNING) for g in gave_up
                                if g.item.id in ids]
            if self.worker is not None:
                self.worker.wake()  # rows left for later: the worker's clock starts now
        return outcome

    def _delayed(self, source: str, key: str | None, err: StoreUnavailable) -> Outcome:
        """The store failed under a delivery: its row stays pending and the replay loop
        runs it once the store answers; the person is told once, now."""
        self.replays.wake()
        if replaying():
            raise err  # the replay pass stops; the person was told when it first failed
        log.warning("%s delivery %s delayed: the store failed (%s)", source, key, err)
        return Outcome(replies=[Reply(tone=Tone.WARNING, text=(
            _("swarmbot cannot reach its database right now. Your command is saved and "
              "will run as soon as the database is back; you'll get its answer then.")
            if key is not None else
            _("swarmbot cannot reach its database right now; try again in a minute.")))])

    # -- running --------------------------------------------------------------------------
    def _invocation(self, d: Delivery) -> Invocation:
        return Invocation(platform=d.source, user_id=d.sender.id, room_id=d.room,
                          user_name=d.sender.name, user_tz=d.sender.tz)

    def _run(self, d: Delivery) -> Outcome:
        what = d.what
        if isinstance(what, RoomEvent):
            room_events.apply(self.deps, d.source, d.sender.id, what)
            return Outcome()
        if isinstance(what, Shared):  # a case's room shared with a workspace, or no longer
            sharing.room_shared(self.deps, d.source, what.room, what.workspace, what.shared)
            return Outcome()
        inv = self._invocation(d)
        if isinstance(what, Submitted):
            result = self.router.run_form(inv, what.command, dict(what.values),
                                          dict(what.context))
        elif isinstance(what, Typed | Pressed):
            result = self.router.run_text(inv, what.text if isinstance(what, Typed)
                                          else what.command)
        else:
            raise TypeError(f"not a delivery: {what!r}")
        return self._outcome(result, what)

    @staticmethod
    def _outcome(result: Result, what: object) -> Outcome:
        settled = None
        if isinstance(what, Pressed) and not result.failed:
            settled = _SETTLES.get(result.command or "")
        return Outcome(replies=result.replies, form=result.form, settled=settled)

    async def execute(self, source: str, sender: Sender, name: str, command: object,
                      ref: str | None = None, room: str | None = None,
                      key: str | None = None, read_by_sender: bool = True) -> Outcome:
        """Run a typed command built by code rather than typed by a person (the demo, a
        helpdesk's intake): the same rules, services and transaction, no text in between.
        `key`: its inbox row, marked done with the command's changes. `read_by_sender`
        False: nobody reads the outcome (a webhook's answer goes to a machine), so a
        platform call that gives up is told to the case owner directly."""
        inv = Invocation(platform=source, user_id=sender.id, room_id=room,
                         user_name=sender.name, user_tz=sender.tz)
        with language.for_sender(self.config, sender):
            return await self._unit_of_work(key, source, sender.id if read_by_sender
                                            else None, self._typed(inv, name, command, ref,
                                                                   command))

    def check(self, delivery: Delivery) -> dict[str, str]:
        what = delivery.what
        if not isinstance(what, Submitted):
            return {}
        with language.for_sender(self.config, delivery.sender):
            return self.router.check_form(self._invocation(delivery), what.command,
                                          dict(what.values), dict(what.context))

    def form(self, delivery: Delivery) -> Form | None:
        what = delivery.what
        command = what.command if isinstance(what, Pressed | Submitted) else \
            what.text if isinstance(what, Typed) else ""
        with language.for_sender(self.config, delivery.sender):
            return self.router.form_for(self._invocation(delivery), command)

    async def assist_form(self, form: Form, delivery: Delivery,
                          within: float | None = None) -> Form | None:
        """The assistant's draft in a form that opened with the timeline's (issue 30), asked
        now, at the edge, outside any unit of work; None: nothing to change (no assistant,
        or a form without a draft). A slow or failing assistant: the form with one line.
        `within`: the platform's own deadline (Teams' invoke), whatever the client's."""
        ask = drafts.assist_form(self.deps, self.in_thread, form, delivery.sender.id)
        if within is None:
            return await ask
        try:
            return await asyncio.wait_for(ask, within)
        except TimeoutError:
            return drafts.not_answered(form)

    # -- reads adapters need ----------------------------------------------------------------
    def is_case_room(self, room_id: str) -> bool:
        return self.deps.store.cases.by_room(room_id) is not None

    def person_name(self, user_id: str) -> str | None:
        person = self.deps.store.people.get(user_id)
        return person.name if person and person.name != user_id else None

    def case_room(self, platform: str, room_name: str) -> str | None:
        """The id of a case's room known by name (rooms made before a restart)."""
        return self.deps.store.cases.room_id_by_name(platform, room_name)

    def room_names(self) -> set[str]:
        return {c.room_name for c in self.deps.store.cases.all() if c.room_name}

    def command_names(self) -> list[str]:
        return [self.router.shown(c) for c in self.router.commands.values()]

    async def reconcile(self) -> list[str]:
        """At start-up: queue rooms for cases left without one, then do every platform call
        that is due (those a crash left half-way included). `worker` keeps doing it."""
        await self.in_thread(self.deps.store.holders.hold)
        await self.in_thread(outbox.release, self.deps)
        queued = await self.in_thread(outbox.repair, self.deps)
        for line in queued:
            log.info("repair: queued the %s", line)
        gave_up = await outbox.drain(self.deps)
        return queued + [g.line for g in gave_up]

    def start_worker(self) -> outbox.Worker:
        """The continuous outbox worker (run its `run()` as a task on the server's loop)."""
        self.worker = outbox.Worker(self.deps)
        return self.worker

    def close(self) -> None:
        self.units.close()
        self.inbox.close()
        self.deps.store.close()


def _words(delivery: Delivery) -> str | None:
    """The command words a delivery carries (typed, or a button's), or None."""
    what = delivery.what
    return what.text if isinstance(what, Typed) else \
        what.command if isinstance(what, Pressed) else None
