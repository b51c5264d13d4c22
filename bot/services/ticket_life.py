"""The ticket's whole life (issue 25): cancel, reopen and changes of severity or customer are
written back to a case's ticket, and resolve, cancel and reopen set its status as configured
per helpdesk (`[helpdesk.<name>] resolve_status, cancel_status, reopen_status`).

A write-back is a note first (found by its marker before it is written again, see
bot/services/helpdesk.py), then, where it asks for them, a status and a priority, each read
before it is set: a try cut off after the helpdesk acted does not act twice. A Jira
transition's target status is remembered in the write-back before the transition is made,
so a retry after a lost answer sees the ticket already there (the transition itself is
not offered any more from its target). A case's write-backs are made in the order they
were recorded (bot/services/performers.py holds a later one back), so the ticket's
statuses follow the case's life: cancelled, reopened, resolved.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.domain import Case
from bot.helpdesk import HelpdeskError, HelpdeskPort, TicketLink, WriteBack
from bot.i18n import _
from bot.services.base import Deps

T = TypeVar("T")
MAX_BACKOFF_S = 30.0
STATUS_KEYS = {"resolved": "resolve_status", "cancelled": "cancel_status",
               "reopened": "reopen_status"}
KINDS = ("cancelled", "reopened", "changed")


def wanted_status(deps: Deps, helpdesk: str, kind: str) -> str:
    """The status configured for this step of a case's life on this helpdesk ("": none)."""
    section = getattr(deps.config.helpdesk, helpdesk, None)
    key = STATUS_KEYS.get(kind)
    return str(getattr(section, key, "") or "").strip() if section and key else ""


def text(kind: str, facts: dict[str, Any], name: Callable[[str], str], where: str) -> str:
    """The note of a cancel, a reopen or a change (`where`: the case's room, for a reopen)."""
    by = name(str(facts.get("by", "")))
    if kind == "cancelled":
        return _("Swarm cancelled by {who}: {reason}").format(who=by,
                                                              reason=facts.get('reason', ''))
    if kind == "reopened":
        return _("Swarm reopened by {who}: {why}\nNew room: {room}.").format(
            who=by, why=facts.get('why', ''), room=where)
    if kind == "changed":
        return _("{what} changed by {who}: {before} -> {after}.").format(
            what=str(facts.get('what', '')).capitalize(), who=by,
            before=facts.get('before', ''), after=facts.get('after', ''))
    raise ValueError(f"unknown write-back kind {kind!r}")


async def follow_up(deps: Deps, port: HelpdeskPort, link: TicketLink, case: Case,
                    write: WriteBack) -> None:
    """After the note: the status and the priority the write-back asks for, if any."""
    marker = f"swarmbot:{write.id}"
    wanted = str(write.payload.get("status") or "")
    if wanted:
        await _status(deps, port, link, write, wanted, marker)
    severity = write.payload.get("severity")
    if isinstance(severity, int) and not isinstance(severity, bool) and \
            await retrying(deps, lambda: port.priority(link)) != port.priority_for(severity):
        await port.set_priority(link, severity, marker)


async def _status(deps: Deps, port: HelpdeskPort, link: TicketLink, write: WriteBack,
                  wanted: str, marker: str) -> None:
    target = str(write.payload.get("status_to") or "")
    current = await retrying(deps, lambda: port.status(link))
    if not target:
        if current.lower() == wanted.lower():
            return  # there already (an agent set it, or an earlier try did)
        target = await retrying(deps, lambda: port.status_target(link, wanted))
        await asyncio.to_thread(deps.store.helpdesk.remember, write.id, "status_to", target)
    if current.lower() != target.lower():
        await port.set_status(link, wanted, marker)  # not retried here: read again first


async def retrying(deps: Deps, call: Callable[[], Awaitable[T]]) -> T:
    """One helpdesk call, tried again on transient errors with capped, jittered backoff.
    Only for reads and for writes that are the same however often they arrive."""
    cfg = deps.config.helpdesk
    attempts = max(1, cfg.attempts)
    for attempt in range(attempts):
        try:
            return await call()
        except HelpdeskError as err:
            if not err.transient or attempt == attempts - 1:
                raise
            delay = min(MAX_BACKOFF_S, cfg.backoff_ms / 1000 * 2 ** attempt)
            if err.retry_after is not None:
                delay = max(delay, min(MAX_BACKOFF_S, err.retry_after))
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter
    raise AssertionError("unreachable")
