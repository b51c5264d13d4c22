"""The outbox worker: performs the platform calls commands recorded, after their commit.

Each kind has a performer with its idempotency plan (bot/services/performers.py, one
registry), because a try may have acted before it failed or before a crash. Rows are
claimed and their results written on a thread of the store's (never on the event loop),
each in a transaction of its own that never spans the platform call.
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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from bot import i18n, tenancy, workspace_tenants
from bot.bridge import effects as bridge
from bot.domain import Case, CaseStatus, iso
from bot.errors import PortError
from bot.helpdesk import stands_in
from bot.i18n import _
from bot.metrics import OUTBOX_GAVE_UP, OUTBOX_RETRIES
from bot.people import mention
from bot.services import messages
from bot.services.base import ENQUEUED, Deps, Effects, log
from bot.services.performers import NotYet, performer
from bot.store.interfaces import OutboxItem

T = TypeVar("T")


@dataclass(frozen=True)
class GaveUp:
    item: OutboxItem
    case: Case | None
    line: str  # what the owner reads


def backoff(deps: Deps, tries: int, retry_after: float | None) -> float:
    """Seconds before try `tries + 1`: full-jitter-ish exponential, capped, >= Retry-After."""
    cfg = deps.config.outbox
    delay = min(cfg.max_delay, cfg.base_delay * 2 ** max(tries - 1, 0))
    delay *= random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security
    return max(delay, retry_after or 0.0)


# Calls run concurrently, at most this many at once for one case and in one process (well
# under Slack's tier-2/3 bursts; a 429 is still honoured per call through Retry-After).
PER_CASE = 4
PER_PROCESS = 32
# Calls that need every earlier call of their case done and hold back every later one: the
# room must exist before anything goes into it, and is archived only after the rest.
_BARRIERS = {"create_room", "archive", "bridge_archive"}
# Messages into one room keep the order they were recorded in (the chat shows that order).
_IN_ORDER = {"post", "brief", "bridge_post", "bridge_message"}
_process_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary())


async def drain(deps: Deps, quiet: set[int] | None = None, invoker: str | None = None,
                limit: int = 200, rows: list[OutboxItem] | None = None) -> list[GaveUp]:
    """Perform every due row once (those another worker holds are left to it), or only
    those in `quiet`: the running command's, tried right after its commit. When those give
    up the invoker reads it in the reply, so the owner is told separately only if the owner
    is someone else. Calls that do not depend on each other run concurrently (see _waves):
    after a room is made, its invitation, topic and brief go out together."""
    gave_up: list[GaveUp] = []
    # `rows`: the running command's, as it wrote them: not read back before they are
    # claimed (a claim checks the row is still due and returns it as stored).
    due = rows[:limit] if rows is not None else \
        await asyncio.to_thread(deps.store.outbox.due, deps.now_iso(), limit, quiet)
    # A case's calls, or calls about no case of one workspace, one group each.
    by_case: dict[tuple[int | None, str], list[OutboxItem]] = {}
    for item in due:
        key = "" if item.case_id is not None else str(item.payload.get("tenant") or "")
        by_case.setdefault((item.case_id, key), []).append(item)
    loop = asyncio.get_running_loop()
    slots = _process_slots.setdefault(loop, asyncio.Semaphore(PER_PROCESS))

    async def one(item: Claimed, case_slots: asyncio.Semaphore) -> None:
        async with case_slots, slots:
            # A room's brief, a post: read by everyone, in the deployment's language.
            with tenancy.scoped(tenant_of(item[0], item[1])), i18n.shared():
                failed = await _one(deps, item, quiet, invoker)
        if failed is not None:
            gave_up.append(failed)

    async def lane(items: list[Claimed], case_slots: asyncio.Semaphore) -> None:
        for item in items:
            await one(item, case_slots)

    async def case_calls(items: list[OutboxItem]) -> None:
        case_slots = asyncio.Semaphore(PER_CASE)
        for wave in _waves(items):
            # A wave's rows are claimed together, in one trip to the store's thread, so its
            # calls start in the order they were recorded (the shell prints that order).
            with tenancy.scoped(tenant_of(items[0], None)):
                claimed = await asyncio.to_thread(_claim_all, deps,
                                                  [i for ln in wave for i in ln])
            lanes = [[c for c in (claimed[i.id] for i in ln) if c is not None] for ln in wave]
            await asyncio.gather(*(lane(ln, case_slots) for ln in lanes if ln))

    await asyncio.gather(*(case_calls(items) for items in by_case.values()))
    return sorted(gave_up, key=lambda g: g.item.id)  # told in the order they were recorded


def tenant_of(item: OutboxItem, case: Case | None) -> tenancy.Tenant | None:
    """The workspace whose token a row is performed with: the one recorded with it, else
    its case's (rows the scheduler added), else none (one workspace's deployment)."""
    recorded = tenancy.Tenant.from_key(str(item.payload.get("tenant") or ""))
    if recorded is None and case is not None and case.workspace:
        return tenancy.of(case.workspace, case.org, case.platform)
    return recorded


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


# A claimed row, its case as it is now, and what its performer read from the store (or
# the exception reading raised, raised again when the row is tried).
Claimed = tuple[OutboxItem, Case | None, Any]


def _claim_all(deps: Deps, items: list[OutboxItem]) -> dict[int, Claimed | None]:
    """Claim rows (each for `lease` seconds, a try counted), each with its case as it is
    now; None for a row that is not due (another worker has it, or it waits for an earlier
    row of its case)."""
    lease = iso(deps.now() + timedelta(seconds=deps.config.outbox.lease))
    claimed: dict[int, Claimed | None] = {}
    cases: dict[int, Case | None] = {}  # a wave's rows are one case's: read it once
    for item in items:
        taken = deps.store.outbox.take(item.id, deps.now_iso(), lease, _BARRIERS)
        if taken is not None:
            item = taken  # with the try counted
            if item.case_id is not None and item.case_id not in cases:
                cases[item.case_id] = deps.store.cases.by_id(item.case_id)
            case = cases[item.case_id] if item.case_id is not None else None
            try:
                ready: Any = performer(item).read(deps, item, case)
            except Exception as err:  # NotYet, PortError, a bug: told when it is tried
                ready = err
            claimed[item.id] = (item, case, ready)
        else:
            claimed[item.id] = None
    return claimed


async def _one(deps: Deps, claimed: Claimed, quiet: set[int] | None,
               invoker: str | None) -> GaveUp | None:
    """Try a claimed row once; the owner is told here if it gave up (see drain)."""
    item, case, ready = claimed
    failed = await _attempt(deps, item, case, ready)
    if failed is not None:
        is_quiet = quiet is not None and item.id in quiet
        if failed.case is not None and not (is_quiet and failed.case.owner == invoker):
            await _tell_owner(deps, failed)
    return failed


async def _attempt(deps: Deps, item: OutboxItem, case: Case | None, ready: Any
                   ) -> GaveUp | None:
    """One try. The store is written on a thread of its own, in one transaction (never on
    the event loop, never across the platform call's await)."""
    try:
        if isinstance(ready, Exception):
            raise ready
        result = await performer(item).act(deps, item, case, ready)
    except (NotYet, PortError) as err:
        return await asyncio.to_thread(_in_transaction, deps, _failed, deps, item, case, err)
    except Exception:  # a bug or an SDK surprise: logged in full, tried again later
        error_id = uuid.uuid4().hex[:8]
        log.exception("outbox %s: error %s performing %s", item.id, error_id, item.kind)
        return await asyncio.to_thread(_in_transaction, deps, _failed, deps, item, case,
                                       PortError(item.kind,
                                                 f"unexpected error (error id {error_id})",
                                                 transient=True))
    if performer(item).records:
        await asyncio.to_thread(_in_transaction, deps, _done, deps, item, case, result)
    else:  # the done mark alone: one statement, committed on its own
        await asyncio.to_thread(deps.store.outbox.finish, item.id, result, deps.now_iso())
    return None


def _in_transaction(deps: Deps, call: Callable[..., T], *args: Any) -> T:
    with deps.store.transaction():
        return call(*args)


def _done(deps: Deps, item: OutboxItem, case: Case | None,
          result: dict[str, str] | None) -> None:
    performer(item).record(deps, item, case, result)
    deps.store.outbox.finish(item.id, result, deps.now_iso())


def _failed(deps: Deps, item: OutboxItem, case: Case | None,
            err: NotYet | PortError) -> GaveUp | None:
    store = deps.store
    if isinstance(err, NotYet):
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
    line = (_("Couldn't {what}: {detail}. {retry} tries again.") if retry else
            _("Couldn't {what}: {detail}.")).format(what=what, detail=err.detail, retry=retry)
    if case is not None:
        store.timeline.append(case.id, deps.now_iso(), "platform_failed", None,
                              f"couldn't {what}: {err.detail}")
    return GaveUp(item, case, line)


async def _tell_owner(deps: Deps, failed: GaveUp) -> None:
    case = failed.case
    assert case is not None
    platform, owner = case.platform, case.owner
    if deps.config.bridge.enabled:  # the owner may be on another platform than the room
        platform, owner = await asyncio.to_thread(bridge.direct, deps.store, list(deps.ports),
                                                  platform, owner)
    port = deps.port(platform)
    try:
        if stands_in(await asyncio.to_thread(deps.store.helpdesk.link_of, case.id), case.owner):
            # No owner yet (the helpdesk's name stands in): triage, asked for one, is told
            # (the case's workspace's own triage channel, where it has one).
            tenant = await workspace_tenants.with_settings(deps, platform, tenancy.current())
            with tenancy.scoped(tenant):
                if port.triage_room:
                    await port.post(port.triage_room, messages.notice(failed.line))
            return
        await port.direct_message(owner, messages.notice(failed.line))
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
            effects._add("create_room", _("create the swarm room"), skills=[], look_first=True)
            effects.invite([case.owner], _("invite {who} to the room").format(
                who=mention(case.owner)))
            effects.brief([])
        queued.append(f"room for {case.ref}")
    return queued


def problems(deps: Deps, case: Case) -> list[str]:
    """What could not be done on the platform for a case (for `status`)."""
    return [_("couldn't {what}: {detail}").format(what=i.payload.get('what', i.kind),
                                                  detail=i.last_error)
            for i in deps.store.outbox.failed(case.id)]


def retry(deps: Deps, case: Case) -> int:
    """Failed calls of a case back in the queue, tries reset, and those waiting for them
    due now; how many had failed. The running command tries them after its commit."""
    count = deps.store.outbox.retry(case.id, deps.now_iso())
    rows = ENQUEUED.get()
    if rows is not None:
        rows.extend(deps.store.outbox.pending_for(case.id))
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
        lang = self.deps.config.i18n.language  # what it writes is read by everyone
        with i18n.speaking(lang, lang):
            await self._run()

    async def _run(self) -> None:
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
