"""The outbox worker: performs the platform calls commands recorded, after their commit.

Each kind has its idempotency plan, because a try may have acted before it failed (a
connection dropped after Slack created the channel) or before a crash:
    create_room  the case has a room: done; else look for the room by name (adopting a
                 channel a lost try made) before creating one
    invite       "already in the channel" is done (the ports say so)
    brief, post  after a try that may have gone out, look for the post first where the
                 port can (PostFinder); the message id is recorded
    archive      "already archived" is done (the ports say so)
Transient failures (429, 5xx, dropped connections) are tried again with capped
exponential backoff and jitter, never before Retry-After; permanent ones are not retried.
A call that gives up is told to the case owner in one line with `retry`, and `status`
shows it. The same `drain` runs at start-up, after each command and on the worker's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
import weakref
from dataclasses import dataclass
from datetime import timedelta

from bot.domain import Case, CaseStatus, iso, room_name_for
from bot.errors import PortError
from bot.helpdesk import stands_in
from bot.metrics import OUTBOX_GAVE_UP, OUTBOX_RETRIES
from bot.people import mention
from bot.ports import ChatPort, DirectMessageFinder, MessageUpdater, PostFinder
from bot.replies import Reply
from bot.services import messages
from bot.services.base import ENQUEUED, Deps, Effects, log, reply_from_json
from bot.store.interfaces import OutboxItem

# While a case's room is still being made, calls into it wait this long between looks.
_ROOM_WAIT = timedelta(seconds=0.2)
_GAVE_UP_WAIT = timedelta(minutes=10)


class _NotYet(Exception):
    """The call cannot be made yet (its room is not there): try later, not counted."""

    def __init__(self, wait: timedelta) -> None:
        super().__init__("not yet")
        self.wait = wait


@dataclass(frozen=True)
class GaveUp:
    item: OutboxItem
    case: Case | None
    line: str  # what the owner reads


def room_name(deps: Deps, case: Case) -> str:
    return room_name_for(case.ref, case.summary, prefix=deps.port(case.platform).room_prefix)


def backoff(deps: Deps, tries: int, retry_after: float | None) -> float:
    """Seconds before try `tries + 1`: full-jitter-ish exponential, capped, >= Retry-After."""
    cfg = deps.config.outbox
    delay = min(cfg.max_delay, cfg.base_delay * 2 ** max(tries - 1, 0))
    delay *= random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security
    return max(delay, retry_after or 0.0)


# Calls run concurrently, at most this many at once for one case and in one process (well
# under Slack's tier-2/3 bursts; a 429 is still honoured per call through Retry-After).
PER_CASE = 4
PER_PROCESS = 16
# Calls that need every earlier call of their case done and hold back every later one: the
# room must exist before anything goes into it, and is archived only after the rest.
_BARRIERS = {"create_room", "archive"}
# Messages into one room keep the order they were recorded in (the chat shows that order).
_IN_ORDER = {"post", "brief"}
_process_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary())


async def drain(deps: Deps, quiet: set[int] | None = None, invoker: str | None = None,
                limit: int = 200) -> list[GaveUp]:
    """Perform every due row once (those another worker holds are left to it), or only
    those in `quiet`: the running command's, tried right after its commit. When those give
    up the invoker reads it in the reply, so the owner is told separately only if the owner
    is someone else. Calls that do not depend on each other run concurrently (see _waves):
    after a room is made, its invitation, topic and brief go out together."""
    gave_up: list[GaveUp] = []
    due = deps.store.outbox.due(deps.now_iso(), limit)
    by_case: dict[int | None, list[OutboxItem]] = {}
    for item in (due if quiet is None else [i for i in due if i.id in quiet]):
        by_case.setdefault(item.case_id, []).append(item)
    loop = asyncio.get_running_loop()
    slots = _process_slots.setdefault(loop, asyncio.Semaphore(PER_PROCESS))

    async def one(item: OutboxItem, case_slots: asyncio.Semaphore) -> None:
        async with case_slots, slots:
            failed = await _one(deps, item, quiet, invoker)
        if failed is not None:
            gave_up.append(failed)

    async def lane(items: list[OutboxItem], case_slots: asyncio.Semaphore) -> None:
        for item in items:
            await one(item, case_slots)

    async def case_calls(items: list[OutboxItem]) -> None:
        case_slots = asyncio.Semaphore(PER_CASE)
        for wave in _waves(items):
            await asyncio.gather(*(lane(lane_items, case_slots) for lane_items in wave))

    await asyncio.gather(*(case_calls(items) for items in by_case.values()))
    return sorted(gave_up, key=lambda g: g.item.id)  # told in the order they were recorded


def _waves(items: list[OutboxItem]) -> list[list[list[OutboxItem]]]:
    """A case's calls (in id order) as waves run one after another, each a set of lanes run
    concurrently, each lane in order: a barrier is a wave alone; between barriers, the
    messages into the room share one lane and every other call has its own."""
    waves: list[list[list[OutboxItem]]] = []
    current: list[list[OutboxItem]] = []
    messages_lane: list[OutboxItem] | None = None
    for item in items:
        if item.kind in _BARRIERS:
            if current:
                waves.append(current)
            waves.append([[item]])
            current, messages_lane = [], None
        elif item.kind in _IN_ORDER:
            if messages_lane is None:
                messages_lane = []
                current.append(messages_lane)
            messages_lane.append(item)
        else:
            current.append([item])
    if current:
        waves.append(current)
    return waves


async def _one(deps: Deps, item: OutboxItem, quiet: set[int] | None,
               invoker: str | None) -> GaveUp | None:
    """Claim a row and try it once; the owner is told here if it gave up (see drain)."""
    lease = iso(deps.now() + timedelta(seconds=deps.config.outbox.lease))
    async with deps.lock:
        if not deps.store.outbox.claim(item.id, deps.now_iso(), lease, _BARRIERS):
            return None
        item = deps.store.outbox.get(item.id) or item  # with the try just counted
    failed = await _attempt(deps, item)
    if failed is not None:
        is_quiet = quiet is not None and item.id in quiet
        if failed.case is not None and not (is_quiet and failed.case.owner == invoker):
            await _tell_owner(deps, failed)
    return failed


async def _attempt(deps: Deps, item: OutboxItem) -> GaveUp | None:
    case = deps.store.cases.by_id(item.case_id) if item.case_id is not None else None
    try:
        result = await _perform(deps, item, case)
    except (_NotYet, PortError) as err:
        async with deps.lock:
            return _failed(deps, item, case, err)
    except Exception:  # a bug or an SDK surprise: logged in full, tried again later
        error_id = uuid.uuid4().hex[:8]
        log.exception("outbox %s: error %s performing %s", item.id, error_id, item.kind)
        async with deps.lock:
            return _failed(deps, item, case, PortError(
                item.kind, f"unexpected error (error id {error_id})", transient=True))
    async with deps.lock:
        # Written under the lock, as every write of the worker: a command's transaction
        # (which holds it) must not take in the worker's rows.
        if item.kind == "create_room" and result and case is not None and not case.room_id:
            deps.store.cases.set_room(case.id, result["room_id"], result["room_name"])
        if item.kind == "brief" and result and case is not None:
            # Where the brief is, so that changes to the case can rewrite it in place.
            deps.store.refs.put(case.platform, "brief", str(case.id),
                                {"room_id": result.get("room_id"),
                                 "message_id": result["message_id"]}, deps.now_iso())
        deps.store.outbox.finish(item.id, result, deps.now_iso())
    return None


def _failed(deps: Deps, item: OutboxItem, case: Case | None,
            err: _NotYet | PortError) -> GaveUp | None:
    store = deps.store
    if isinstance(err, _NotYet):
        store.outbox.later(item.id, item.tries - 1, iso(deps.now() + err.wait), None,
                           deps.now_iso())
        return None
    what = item.payload.get("what", item.kind)
    if err.transient and item.tries < deps.config.outbox.max_tries:
        wait = backoff(deps, item.tries, err.retry_after)
        log.info("outbox %s (%s): %s; try %d again in %.1fs", item.id, what, err.detail,
                 item.tries + 1, wait)
        store.outbox.later(item.id, item.tries, iso(deps.now() + timedelta(seconds=wait)),
                           err.detail, deps.now_iso())
        OUTBOX_RETRIES.labels(item.kind).inc()
        return None
    store.outbox.give_up(item.id, item.tries, err.detail, deps.now_iso())
    OUTBOX_GAVE_UP.labels(item.kind).inc()
    log.warning("outbox %s (%s) gave up after %d tries: %s", item.id, what, item.tries,
                err.detail)
    # The retry command names the case, so the line says which one wherever it is read.
    retry = deps.phrases.command("retry", case.ref) if case else ""
    line = f"Couldn't {what}: {err.detail}." + (f" {retry} tries again." if retry else "")
    if case is not None:
        store.timeline.append(case.id, deps.now_iso(), "platform_failed", None,
                              f"couldn't {what}: {err.detail}")
    return GaveUp(item, case, line)


async def _perform(deps: Deps, item: OutboxItem, case: Case | None) -> dict[str, str] | None:
    port = deps.port(item.platform)
    p = item.payload
    if item.kind == "create_room":
        assert case is not None, "a room is always a case's"
        if case.room_id:
            return {"room_id": case.room_id}
        name = room_name(deps, case)
        # Look first after a try that may have made it, and when repairing: adopt the
        # channel a lost try created instead of making a second one.
        room = await port.find_room(name) if item.tries > 1 or p.get("look_first") else None
        if room is None:
            # A port whose topic is a call of its own gets it as a row run beside the
            # invitation and the brief (rooms.open_room), not one more wait before them.
            topic = "" if p.get("topic_apart") else messages.topic(case)
            room = await port.create_room(name, topic)
        return {"room_id": room.id, "room_name": room.name}
    if item.kind == "helpdesk":
        from bot.services import helpdesk  # the helpdesk link's own module performs it

        await helpdesk.perform(deps, int(p["write_id"]), tried_before=item.tries > 1)
        return None
    if item.kind == "dm":
        reply = reply_from_json(p["reply"])
        if item.tries > 1 and isinstance(port, DirectMessageFinder) and \
                await port.find_direct_message(p["person"], reply):
            return None  # a try that was cut off (a killed replica) had sent it
        await port.direct_message(p["person"], reply)
        return None
    room_id = p.get("room") or _case_room(deps, case)
    if item.kind == "invite":
        await port.invite(room_id, list(p["people"]))
    elif item.kind == "set_topic":
        await port.set_topic(room_id, p["topic"])
    elif item.kind == "archive":
        await port.archive(room_id)
    elif item.kind == "update_brief":
        assert case is not None, "a brief is always a case's"
        return await _update_brief(deps, case, port)
    elif item.kind in ("post", "brief"):
        reply = reply_from_json(p["reply"]) if item.kind == "post" else _brief(
            deps, case or _missing(item), list(p.get("skills", [])))
        if item.tries > 1 and isinstance(port, PostFinder):
            found = await port.find_post(room_id, reply)
            if found:
                return {"message_id": found, "found": "yes"}
        return {"message_id": await port.post(room_id, reply), "room_id": room_id}
    else:
        raise PortError(item.kind, f"unknown outbox kind {item.kind!r}")
    return None


def _brief(deps: Deps, case: Case, skills: list[str]) -> Reply:
    """The brief as the case stands when it is posted (or updated): its ticket, its open
    promises, and what was solved before that looks like it."""
    from bot.services import knowledge

    store = deps.store
    return messages.brief(case, deps.phrases, skills, store.helpdesk.link_of(case.id),
                          similar=knowledge.similar_lines(deps, case),
                          promises=store.journal.open_promises(case.id))


async def _update_brief(deps: Deps, case: Case, port: ChatPort) -> dict[str, str] | None:
    """Rewrite the brief in place where it was posted in the case's current room and the
    platform can edit messages; otherwise there is nothing to update (a brief still to be
    posted is written as the case stands then)."""
    where = deps.store.refs.get(case.platform, "brief", str(case.id))
    if where is None or where.get("room_id") != case.room_id or \
            not isinstance(port, MessageUpdater):
        return None
    skills = list(dict.fromkeys(s for h in deps.store.cases.help_requests(case.id)
                                for s in h.skills))
    await port.update_message(where["room_id"], where["message_id"],
                              _brief(deps, case, skills))
    return None


def _missing(item: OutboxItem) -> Case:
    raise PortError(item.kind, "its case is gone")


def _case_room(deps: Deps, case: Case | None) -> str:
    if case is None:
        raise PortError("reach the room", "its case is gone")
    if case.room_id:
        return case.room_id
    if any(i.kind == "create_room" for i in deps.store.outbox.pending_for(case.id)):
        raise _NotYet(_ROOM_WAIT)
    # Its creation gave up (the owner was told once, for the room): wait for `retry`, which
    # makes these due again, rather than telling the same cause once per call.
    raise _NotYet(_GAVE_UP_WAIT)


async def _tell_owner(deps: Deps, failed: GaveUp) -> None:
    case = failed.case
    assert case is not None
    port = deps.port(case.platform)
    try:
        if stands_in(deps.store.helpdesk.link_of(case.id), case.owner):
            # No owner yet (the helpdesk's name stands in): triage, asked for one, is told.
            if port.triage_room:
                await port.post(port.triage_room, messages.notice(failed.line))
            return
        await port.direct_message(case.owner, messages.notice(failed.line))
    except PortError as err:
        # The owner still sees it in `status`; the log says why they were not told at once.
        log.warning("could not tell %s that %s: %s", case.owner, failed.line, err.detail)


def release(deps: Deps) -> int:
    """At start-up: every pending row due now. A row this replica held when it was killed
    is tried at once instead of after its lease; the plans (look before creating or
    posting again) make a try that overlaps another replica's harmless in all but a race."""
    return deps.store.outbox.release(deps.now_iso())


def repair(deps: Deps) -> list[str]:
    """Open cases without a room and with nothing on the way to make one (a swarm left
    half-open by an older version's lost intent): queue the room, the owner's invitation and
    the brief again, looking for the room by name first. One line per case queued."""
    queued = []
    store = deps.store
    for case in store.cases.recent(status=CaseStatus.OPEN):
        if case.room_id or case.platform not in deps.ports:
            continue
        if store.outbox.pending_for(case.id) or store.outbox.failed(case.id):
            continue
        with store.transaction():
            effects = Effects(deps, case)
            effects._add("create_room", "create the swarm room", skills=[], look_first=True)
            effects.invite([case.owner], f"invite {mention(case.owner)} to the room")
            effects.brief([])
        queued.append(f"room for {case.ref}")
    return queued


def problems(deps: Deps, case: Case) -> list[str]:
    """What could not be done on the platform for a case (for `status`)."""
    return [f"couldn't {i.payload.get('what', i.kind)}: {i.last_error}"
            for i in deps.store.outbox.failed(case.id)]


def retry(deps: Deps, case: Case) -> int:
    """Failed calls of a case back in the queue, tries reset, and those waiting for them
    due now; how many had failed. The running command tries them after its commit."""
    count = deps.store.outbox.retry(case.id, deps.now_iso())
    ids = ENQUEUED.get()
    if ids is not None:
        ids.extend(i.id for i in deps.store.outbox.pending_for(case.id))
    return count


class Worker:
    """The continuous half: drains whenever woken (after a command) and when the next row
    is due; every replica runs one. Rows are claimed, so replicas never do one twice."""

    def __init__(self, deps: Deps, idle: float = 1.0) -> None:
        self.deps = deps
        self.idle = idle  # at most this long between looks (rows due later, other replicas)
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                await drain(self.deps)
            except Exception:  # the loop must outlive one bad row; it is logged in full
                log.exception("outbox worker: a drain failed; going on")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._next_wait())

    def _next_wait(self) -> float:
        return self.idle
