"""Nudges, run by the scheduler: so no customer waits unheard while people pass things around.

Four kinds, each once per cause and receiver (marked in the store before sending, unmarked
if the platform refuses, so a restart never repeats one and a failure is retried), timed by
the case's swarm type (bot/swarm_types.py), each with a button for the obvious next step:

- connect: a help request nobody joined within `connect_within` -> the owner and the
  triage room; after twice that, the managers too.
- answer: a handoff offer unanswered within `answer_within` -> its receiver; after twice
  that, the owner (who may withdraw it).
- update: the customer has not heard from us (last touchpoint or kept promise, else the
  opening) for `update_every` -> the owner, with "Log an update".
- promise_due: a promise due and not kept -> the owner, at the due time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from bot import permissions
from bot.domain import Case, CaseStatus, Handoff, HelpRequest, Reminder, iso, parse_iso
from bot.errors import PortError
from bot.helpdesk import stands_in
from bot.metrics import NUDGES_SENT
from bot.people import mention
from bot.replies import Button, Reply
from bot.services import visibility
from bot.services.base import Deps
from bot.swarm_types import SwarmType, type_for

log = logging.getLogger("swarmbot.scheduler")

Key = tuple[str, str, str]  # (kind, cause, receiver): a nudge goes out once per key


@dataclass(frozen=True)
class Nudge:
    kind: str
    cause: str  # what it is about: with kind and receiver, the once-only key
    case: Case
    to: str  # a person (direct message) or a room id
    direct: bool
    # Built only when sent: most nudges found on a tick went out on an earlier one.
    make: Callable[[], Reply]


class Nudger:
    """One per scheduler, kept across ticks: it remembers which nudges are settled (marked
    in the store, by this process or another replica), so that a tick asks the store only
    about nudges it has not seen settled, not about every nudge still due (most are)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.open: dict[int, Case] = {}
        self._types: dict[tuple[str | None, int], SwarmType] = {}
        self._settled: set[Key] = set()

    def type_of(self, case: Case) -> SwarmType:
        key = (case.swarm_type, case.severity)
        if key not in self._types:
            self._types[key] = type_for(self.deps.config.types, case.swarm_type, case.severity)
        return self._types[key]

    async def tick(self, now: datetime) -> list[str]:
        """Find what is due and send it. The store is read and written on a thread, never
        on the event loop that answers Slack and Teams (a pass over 10,000 open cases reads
        for seconds); only the platform calls run on the loop."""
        done: list[str] = []
        due = await asyncio.to_thread(self.due, now)
        keys = {_key(n) for n in due}
        self._settled &= keys  # a cause no longer due (its case closed) is forgotten
        at = iso(now)
        for nudge in due:
            if _key(nudge) in self._settled:
                continue
            if await self.send(nudge, now, at):
                done.append(f"nudge {nudge.kind} {nudge.case.ref} -> "
                            f"{'@' if nudge.direct else '#'}{nudge.to}")
        return done

    def _kinds(self) -> tuple[Callable[[datetime], list[Nudge]], ...]:
        return self.connect, self.answer, self.update, self.promises_due

    def due(self, now: datetime) -> list[Nudge]:
        self._read_open()
        return [nudge for kind in self._kinds() for nudge in kind(now)]

    def _read_open(self) -> None:
        # The open cases are read once per pass; each kind looks its cases up here.
        self.open = {c.id: c for c in self.deps.store.cases.recent(status=CaseStatus.OPEN,
                                                                    limit=100_000)}

    def _claim(self, nudge: Nudge, at: str) -> Reply | None:
        """On a store thread: mark the nudge sent (once per key, whichever replica marks
        it first) and build its message; None when it is not this call's to send."""
        if nudge.direct and stands_in(self.deps.store.helpdesk.link_of(nudge.case.id),
                                      nudge.to):
            return None  # no owner yet: the helpdesk's name stands in, triage was asked
        if not self.deps.store.nudges.mark(nudge.kind, nudge.cause, nudge.to, nudge.case.id,
                                           at):
            return None
        return nudge.make()

    async def send(self, nudge: Nudge, now: datetime, at: str | None = None) -> bool:
        port = self.deps.ports.get(nudge.case.platform)
        if port is None:
            return False
        key = _key(nudge)
        reply = await asyncio.to_thread(self._claim, nudge, at or iso(now))
        self._settled.add(key)  # marked now, or before (here, before a restart, elsewhere)
        if reply is None:
            return False
        try:
            if nudge.direct:
                await port.direct_message(nudge.to, reply)
            else:
                await port.post(nudge.to, reply)
        except PortError as err:
            await asyncio.to_thread(self.deps.store.nudges.unmark, nudge.kind, nudge.cause,
                                    nudge.to)
            self._settled.discard(key)  # the next tick tries again
            log.warning("%s nudge on %s to %s failed (will retry): %s", nudge.kind,
                        nudge.case.ref, nudge.to, err.detail)
            return False
        NUDGES_SENT.labels(nudge.kind).inc()
        return True

    def _case(self, case_id: int) -> Case | None:
        return self.open.get(case_id)

    def connect(self, now: datetime) -> list[Nudge]:
        found = []
        for h in self.deps.store.cases.unanswered_help():
            case = self._case(h.case_id)
            if case is None:
                continue
            waited = now - parse_iso(h.at)
            kind = self.type_of(case)
            if waited < kind.connect_within:
                continue
            cause = f"help:{h.id}"
            found.append(Nudge("connect", cause, case, case.owner, True,
                               partial(self._connect_owner, case, h, waited)))
            port = self.deps.ports.get(case.platform)
            triage = kind.triage_room or (port.triage_room if port else None)
            if triage:
                found.append(Nudge("connect", cause, case, triage, False,
                                   partial(self._connect_room, case, h, waited)))
            if waited >= 2 * kind.connect_within:
                found += [Nudge("connect", cause, case, manager, True,
                                partial(self._connect_manager, case, h, waited))
                          for manager in permissions.managers(self.deps.config,
                                                              self.deps.store)]
        return found

    def _waiting(self, case: Case, h: HelpRequest, waited: timedelta) -> str:
        return (f"Nobody has joined {case.ref} ({visibility.about(case)}) since "
                f"{mention(h.by)} asked for {', '.join(h.skills)} {_ago(waited)} ago.")

    def _connect_owner(self, case: Case, h: HelpRequest, waited: timedelta) -> Reply:
        return Reply(title=f"Still waiting for help on {case.ref}",
                     text=self._waiting(case, h, waited)
                     + " Ask again with other skills, or invite someone directly.",
                     buttons=(self.deps.phrases.button("Ask again", "need", case.ref,
                                                       needs_input=True,
                                                       input_hint="<skill>…"),))

    def _connect_room(self, case: Case, h: HelpRequest, waited: timedelta) -> Reply:
        return Reply(title=f"Help still wanted on {case.ref}", text=self._waiting(case, h, waited),
                     buttons=(self._join(case),), private=False)

    def _connect_manager(self, case: Case, h: HelpRequest, waited: timedelta) -> Reply:
        return Reply(title=f"{case.ref} is waiting for people",
                     text=self._waiting(case, h, waited), buttons=(self._join(case),))

    def _join(self, case: Case) -> Button:
        return self.deps.phrases.button("Join", "join", case.ref, style="primary")

    def answer(self, now: datetime) -> list[Nudge]:
        found = []
        for offer in self.deps.store.cases.pending_handoffs():
            case = self._case(offer.case_id)
            if case is None:
                continue
            waited = now - parse_iso(offer.requested_at)
            within = self.type_of(case).answer_within
            if waited < within:
                continue
            cause = f"handoff:{offer.id}"
            found.append(Nudge("answer", cause, case, offer.to_id, True,
                               partial(self._answer_receiver, case, offer, waited)))
            if waited >= 2 * within:
                found.append(Nudge("answer", cause, case, offer.from_id, True,
                                   partial(self._answer_owner, case, offer, waited)))
        return found

    def _answer_receiver(self, case: Case, offer: Handoff, waited: timedelta) -> Reply:
        phrases = self.deps.phrases
        return Reply(
            title=f"{mention(offer.from_id)} is waiting for your answer on {case.ref}",
            text=f"They offered you {case.ref} {_ago(waited)} ago: {offer.briefing}",
            buttons=(phrases.button("Accept", "accept", case.ref, style="primary"),
                     phrases.button("Decline", "decline", case.ref, style="danger")))

    def _answer_owner(self, case: Case, offer: Handoff, waited: timedelta) -> Reply:
        return Reply(
            title=f"{mention(offer.to_id)} hasn't answered your handoff of {case.ref}",
            text=f"Offered {_ago(waited)} ago. You are still the owner; withdraw it and offer "
                 "it to someone else if they can't take it.",
            buttons=(self.deps.phrases.button("Withdraw", "withdraw", case.ref),))

    def update(self, now: datetime) -> list[Nudge]:
        found, contacts = [], self.deps.store.journal.last_contacts()
        for case in self.open.values():
            last = contacts.get(case.id) or case.opened_at
            waited = now - parse_iso(last)
            if waited < self.type_of(case).update_every:
                continue
            found.append(Nudge("update", f"{case.id}@{last}", case, case.owner, True,
                               partial(self._update, case, last, waited)))
        return found

    def _update(self, case: Case, last: str, waited: timedelta) -> Reply:
        return Reply(
            title=f"The customer on {case.ref} hasn't heard from us in {_ago(waited)}",
            text=f"{case.customer or 'The customer'} last heard from us at {last}. Tell them "
                 "where things stand, then log it.",
            buttons=(self.deps.phrases.button("Log an update", "touch", case.ref,
                                              style="primary", needs_input=True,
                                              input_hint="<function> <what happened>"),))

    def promises_due(self, now: datetime) -> list[Nudge]:
        found = []
        for r in self.deps.store.journal.due_unkept(iso(now)):
            case = self._case(r.promise.case_id)
            if case is not None:
                found.append(Nudge("promise_due", f"promise:{r.promise.id}", case, r.owner,
                                   True, partial(self._promise_due, r)))
        return found

    def _promise_due(self, r: Reminder) -> Reply:
        p = r.promise
        return Reply(
            title=f"Promise #{p.no} on {r.ref} is due now",
            text=f"You promised: {p.what} (due {p.due}). Keep it, or tell the customer when "
                 "instead.",
            buttons=(self.deps.phrases.button("Kept", "kept", f"{r.ref} {p.no}",
                                              style="primary"),))


def _key(nudge: Nudge) -> Key:
    return nudge.kind, nudge.cause, nudge.to


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"
