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

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.config import Config
from bot.domain import Case, CaseStatus
from bot.forms import Form
from bot.phrases import Phrases
from bot.replies import Reply, Tone
from bot.services import membership, outbox
from bot.services.base import ENQUEUED, Deps
from handlers.delivery import Delivery, Pressed, RoomEvent, Sender, Submitted, Typed
from handlers.invocation import Invocation
from handlers.registry import Command, all_commands
from handlers.router import Result, Router

log = logging.getLogger("swarmbot")
# Buttons whose success settles the message they were on (an offer loses its buttons).
_SETTLES = {"accept": "Accepted", "decline": "Declined"}


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    form: Form | None = None  # a form to show (or to show again, with its errors)
    settled: str | None = None  # "Accepted"/"Declined": the clicked message is answered
    duplicate: bool = False  # seen before: nothing was done


class Entrance:
    def __init__(self, deps: Deps, extra_commands: list[Command] | None = None) -> None:
        self.deps = deps
        self.router = Router(deps, all_commands() + list(extra_commands or []))
        self.worker: outbox.Worker | None = None

    @property
    def config(self) -> Config:
        return self.deps.config

    @property
    def phrases(self) -> Phrases:
        return self.deps.phrases

    # -- the inbox ------------------------------------------------------------------------
    def accept(self, delivery: Delivery) -> bool:
        if delivery.key is None:
            return True
        return self.deps.store.inbox.put(delivery.key, delivery.source, delivery.to_json(),
                                         self.deps.now_iso())

    def pending(self, source: str) -> list[Delivery]:
        out = []
        for row in self.deps.store.inbox.pending(source):
            try:
                out.append(Delivery.from_json(row.payload))
            except (ValueError, KeyError, TypeError) as err:
                # A row written by an older version: it cannot be run, so it is closed.
                log.warning("inbox %s: unreadable, closed unrun (%s)", row.key, err)
                self.deps.store.inbox.done(row.key, self.deps.now_iso())
        return out

    def close_unrun(self, delivery: Delivery) -> None:
        """A delivery refused before it ran (a form sent back with errors): nothing to do."""
        if delivery.key is not None:
            self.deps.store.inbox.done(delivery.key, self.deps.now_iso())

    async def receive(self, delivery: Delivery) -> Outcome:
        if self.reads_only(delivery):
            # A read changes nothing but its inbox row: the row (written done) and the reads
            # share one transaction, one commit instead of the row's own and the command's.
            # A crash part-way loses only an answer the platform was still waiting for.
            outcome = await self._transacted(delivery.key, delivery.source,
                                             delivery.sender.id, lambda: self._run(delivery),
                                             record=delivery)
        elif self.accept(delivery):
            return await self.process(delivery)
        else:
            outcome = Outcome(duplicate=True)
        if outcome.duplicate:
            log.info("%s delivery %s seen before: not redone", delivery.source, delivery.key)
        return outcome

    def reads_only(self, delivery: Delivery) -> bool:
        """Whether a delivery is a command that changes nothing (`status`, `help` …)."""
        what = delivery.what
        text = what.text if isinstance(what, Typed) else \
            what.command if isinstance(what, Pressed) else None
        command = self.router.peek(text) if text is not None else None
        return command is not None and command.reads_only

    async def process(self, delivery: Delivery) -> Outcome:
        """Run a delivery as one transaction: the command's changes, the outbox rows of the
        platform calls it needs and the inbox row's "done" commit together, so a replay
        after a crash finds it done or finds nothing of it. The calls are then tried at
        once (the worker retries what fails transiently); what gives up is told here."""
        run: Callable[[], Awaitable[Outcome]] = lambda: self._run(delivery)  # noqa: E731
        what = delivery.what
        if isinstance(what, Typed | Pressed):
            # Network work a command needs (a ticket fetched) is done here, before the
            # transaction and the lock (registry.Command.prepare says why).
            inv = self._invocation(delivery)
            text = what.text if isinstance(what, Typed) else what.command
            early = await self.router.prepare_text(inv, text)
            if isinstance(early, Result):
                run = self._answered(early, what)
            elif early is not None:
                run = self._typed(inv, early.name, early.typed, early.ref, what)
        return await self._transacted(delivery.key, delivery.source, delivery.sender.id, run)

    def _answered(self, result: Result, what: object) -> Callable[[], Awaitable[Outcome]]:
        async def run() -> Outcome:
            return self._outcome(result, what)
        return run

    def _typed(self, inv: Invocation, name: str, typed: object, ref: str | None,
               what: object) -> Callable[[], Awaitable[Outcome]]:
        async def run() -> Outcome:
            return self._outcome(await self.router.run_typed(inv, name, typed, ref), what)
        return run

    async def _transacted(self, key: str | None, source: str, invoker: str | None,
                          run: Callable[[], Awaitable[Outcome]],
                          record: Delivery | None = None) -> Outcome:
        """`record`: write its inbox row in the same transaction (a duplicate runs nothing)."""
        deps, enqueued = self.deps, []
        token = ENQUEUED.set(enqueued)
        try:
            async with deps.lock:
                outcome = await self._run_once(key, source, run, record)
        finally:
            ENQUEUED.reset(token)
        if enqueued:
            gave_up = await outbox.drain(deps, quiet=set(enqueued), invoker=invoker)
            outcome.replies += [Reply(text=g.line, tone=Tone.WARNING) for g in gave_up
                                if g.item.id in enqueued]
            if self.worker is not None:
                self.worker.wake()  # rows left for later: the worker's clock starts now
        return outcome

    async def _run_once(self, key: str | None, source: str,
                        run: Callable[[], Awaitable[Outcome]],
                        record: Delivery | None = None) -> Outcome:
        store = self.deps.store
        try:
            with store.transaction():
                if record is not None and not self.accept(record):
                    return Outcome(duplicate=True)
                # Taken first, in the same transaction: a replica replaying this delivery
                # at start-up while another runs it waits, then finds it done.
                if key is not None and not store.inbox.take(key, self.deps.now_iso()):
                    log.info("%s delivery %s done elsewhere: not redone", source, key)
                    return Outcome(duplicate=True)
                return await run()
        except Exception:
            # Rolled back: nothing of it happened. The router turns a command's bug into an
            # error id itself, so this is a room event's (or the store's); the row is closed
            # on its own so that a poison delivery is not replayed at every start.
            error_id = uuid.uuid4().hex[:8]
            log.exception("error %s running %s delivery %s", error_id, source, key)
            if key is not None:
                store.inbox.done(key, self.deps.now_iso())
            return Outcome(replies=[Reply.error(
                f"Something went wrong on our side (error id {error_id}). "
                "Tell your swarmbot admin this id; the log has the details.")])

    # -- running --------------------------------------------------------------------------
    def _invocation(self, d: Delivery) -> Invocation:
        return Invocation(platform=d.source, user_id=d.sender.id, room_id=d.room,
                          user_name=d.sender.name, user_tz=d.sender.tz)

    async def _run(self, d: Delivery) -> Outcome:
        what = d.what
        if isinstance(what, RoomEvent):
            await self._room_event(d, what)
            return Outcome()
        inv = self._invocation(d)
        if isinstance(what, Submitted):
            result = await self.router.run_form(inv, what.command, dict(what.values),
                                                dict(what.context))
        elif isinstance(what, Typed | Pressed):
            text = what.text if isinstance(what, Typed) else what.command
            result = await self.router.run_text(inv, text)
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

        return await self._transacted(key, source, sender.id if read_by_sender else None,
                                      self._typed(inv, name, command, ref, command))

    def check(self, delivery: Delivery) -> dict[str, str]:
        what = delivery.what
        if not isinstance(what, Submitted):
            return {}
        return self.router.check_form(self._invocation(delivery), what.command,
                                      dict(what.values), dict(what.context))

    def form(self, delivery: Delivery) -> Form | None:
        what = delivery.what
        command = what.command if isinstance(what, Pressed | Submitted) else \
            what.text if isinstance(what, Typed) else ""
        return self.router.form_for(self._invocation(delivery), command)

    async def _room_event(self, d: Delivery, event: RoomEvent) -> None:
        store = self.deps.store
        room = next((r for r in event.rooms if store.cases.by_room(r) is not None), None)
        if room is None:
            return
        if event.kind == "joined":
            await membership.room_member_joined(self.deps, d.source, room, d.sender.id)
        elif event.kind == "left":
            await membership.room_member_left(self.deps, d.source, room, d.sender.id)
        else:
            membership.message_posted(self.deps, d.source, room, d.sender.id)

    # -- reads adapters need ----------------------------------------------------------------
    def cases_for(self, user_id: str) -> list[Case]:
        """Open swarms a person is in (Slack's Home tab)."""
        return self.deps.store.cases.recent(status=CaseStatus.OPEN, person=user_id)

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
        async with self.deps.lock:
            outbox.release(self.deps)
            queued = outbox.repair(self.deps)
        for line in queued:
            log.info("repair: queued the %s", line)
        gave_up = await outbox.drain(self.deps)
        return queued + [g.line for g in gave_up]

    def start_worker(self) -> outbox.Worker:
        """The continuous outbox worker (run its `run()` as a task on the server's loop)."""
        self.worker = outbox.Worker(self.deps)
        return self.worker

    def close(self) -> None:
        self.deps.store.close()
