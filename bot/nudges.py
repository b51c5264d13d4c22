"""Nudges, run by the scheduler: so no customer waits unheard while people pass things around.

Four kinds, each once per cause and receiver (marked in the store before sending, unmarked
if the platform refuses, so a restart never repeats one and a failure is retried), timed by
the case's swarm type (bot/swarm_types.py), each with a button for the obvious next step:

- connect: a help request nobody joined within `connect_within` -> the owner and the
  triage room; after twice that, the managers too.
- answer: a handoff offer unanswered within `answer_within` -> its receiver; after twice
  that, the owner (who may withdraw it).
- update: the customer has not heard from us (last touchpoint or kept promise, else the
  opening) for `update_every` -> the owner, with "Log an update"; again each `update_every`
  the silence lasts, the managers too when the owner was told the period before.
- promise_due: a promise due and not kept -> the owner, at the due time.

A tick asks the store only for what came due since the last one (issue 28): help requests,
offers, contacts and promises whose time lies in the span that could have come due, read
through the indexes on those times (a steady tick over 10,000 open cases reads a handful of
rows). The first tick, and one every FULL_EVERY, looks at everything (a case reopened, or
its type changed, can be due from further back); a span whose nudge failed to go out is
asked again on the next tick.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from bot import permissions, tenancy, workspace_tenants
from bot.domain import Case, CaseStatus, Handoff, HelpRequest, Reminder, iso, parse_iso
from bot.errors import PortError
from bot.helpdesk import stands_in
from bot.metrics import NUDGES_SENT
from bot.people import mention
from bot.replies import Button, Reply
from bot.services import visibility
from bot.services.base import Deps
from bot.sla_watch import SlaWatch
from bot.swarm_types import BUILT_IN, SEVERITIES, SwarmType, type_for
from bot.timeparse import due_text

log = logging.getLogger("swarmbot.scheduler")

Key = tuple[str, str, str]  # (kind, cause, receiver): a nudge goes out once per key
FULL_EVERY = timedelta(hours=1)


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
        self._types: dict[tuple[str, str | None, int], SwarmType] = {}
        self._settled: set[Key] = set()
        self._since: datetime | None = None  # the last tick's `now`: due up to there is done
        self._full_at: datetime | None = None
        self._span: tuple[datetime, datetime] | None = None  # this pass's (since, now)
        self._failed = False  # a send of this tick failed: its span is asked again
        # (platform, workspace) -> its tenant with its own settings (triage channel, types,
        # managers), where one deployment serves several (bot/workspace_tenants.py).
        self._tenants: dict[tuple[str, str], tenancy.Tenant] = {}
        self.sla = SlaWatch(deps)  # SLA warnings and breaches (docs/sla.md)
        types = [type_for(deps.config.types, name, sev) for name in deps.config.types
                 for sev in SEVERITIES] + list(BUILT_IN.values())
        self._windows = {k: (min(getattr(t, k) for t in types), max(getattr(t, k) for t in types))
                         for k in ("connect_within", "answer_within", "update_every")}

    def _tenant(self, case: Case) -> tenancy.Tenant | None:
        """The case's workspace, with its own settings where it has any."""
        return self._tenants.get((case.platform, case.workspace)) or \
            tenancy.of(case.workspace, case.org, case.platform)

    def type_of(self, case: Case) -> SwarmType:
        tenant = self._tenant(case)
        config = tenant.config if tenant is not None and tenant.config else None
        key = (case.workspace if config else "", case.swarm_type, case.severity)
        if key not in self._types:
            self._types[key] = type_for((config or self.deps.config).types, case.swarm_type,
                                        case.severity)
        return self._types[key]

    def _managers(self, case: Case) -> list[str]:
        """The managers of the case's workspace (its own as well as the config's)."""
        with tenancy.scoped(self._tenant(case)):
            return permissions.managers(self.deps.config, self.deps.store)

    def _triage(self, case: Case, kind: SwarmType) -> str | None:
        """Where the case's workspace asks for help: its type's room, its own triage
        channel, else the platform's."""
        tenant, port = self._tenant(case), self.deps.ports.get(case.platform)
        if kind.triage_room:
            return kind.triage_room
        if tenant is not None and tenant.triage_room:
            return tenant.triage_room
        return port.triage_room if port else None

    async def tick(self, now: datetime) -> list[str]:
        """Find what is due and send it. The store is read and written on a thread, never
        on the event loop that answers Slack and Teams (a pass over 10,000 open cases reads
        for seconds); only the platform calls run on the loop."""
        done: list[str] = []
        full = self._full_at is None or now - self._full_at >= FULL_EVERY
        since = None if full else self._since
        self._tenants = await workspace_tenants.known(self.deps)
        if self._tenants:
            self._types = {}  # a workspace's types may have changed in chat
        due = await asyncio.to_thread(self.due, now, since)
        if full:
            self._full_at = now
            # a cause no longer due (its case closed) is forgotten
            self._settled &= {_key(n) for n in due}
        at = iso(now)
        self._failed = False
        for nudge in due:
            if _key(nudge) in self._settled:
                continue
            if await self.send(nudge, now, at):
                done.append(f"nudge {nudge.kind} {nudge.case.ref} -> "
                            f"{'@' if nudge.direct else '#'}{nudge.to}")
        if self._failed and full:
            self._full_at = None  # look at everything again
        elif not self._failed:
            self._since = now
        return done

    def _kinds(self) -> tuple[Callable[[datetime], list[Nudge]], ...]:
        return self.connect, self.answer, self.update, self.promises_due

    def due(self, now: datetime, since: datetime | None = None) -> list[Nudge]:
        """What is due at `now`; with `since`, only what came due after it."""
        self._span = (since, now) if since is not None else None
        self.open = {}
        if since is None:
            self._read_open()
        return [nudge for kind in self._kinds() for nudge in kind(now)] + [
            Nudge(d.kind, d.cause, d.case, d.to, True, d.make) for d in self.sla.due(now)]

    def _read_open(self) -> None:
        # The open cases are read once per full pass; each kind looks its cases up here.
        self.open = {c.id: c for c in self.deps.store.cases.recent(status=CaseStatus.OPEN,
                                                                    limit=100_000)}

    def _asked(self, window: str, times: int = 2) -> tuple[str | None, str | None]:
        """The span of start times (asked, offered, last heard) whose nudge may have come
        due in this pass's span: `times` x the longest window before its start, the
        shortest window before its end."""
        if self._span is None:
            return None, None
        since, now = self._span
        shortest, longest = self._windows[window]
        return iso(since - times * longest), iso(now - shortest)

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
            # With the token of the case's workspace (bot/tenancy.py).
            with tenancy.scoped(self._tenant(nudge.case)):
                if nudge.direct:
                    await port.direct_message(nudge.to, reply)
                else:
                    await port.post(nudge.to, reply)
        except PortError as err:
            await asyncio.to_thread(self.deps.store.nudges.unmark, nudge.kind, nudge.cause,
                                    nudge.to)
            self._settled.discard(key)  # the next tick tries again
            self._failed = True
            log.warning("%s nudge on %s to %s failed (will retry): %s", nudge.kind,
                        nudge.case.ref, nudge.to, err.detail)
            return False
        NUDGES_SENT.labels(nudge.kind).inc()
        return True

    def _case(self, case_id: int) -> Case | None:
        if self._span is not None and case_id not in self.open:
            case = self.deps.store.cases.by_id(case_id)
            if case is not None and case.status is CaseStatus.OPEN:
                self.open[case_id] = case
        return self.open.get(case_id)

    def connect(self, now: datetime) -> list[Nudge]:
        found = []
        for h in self.deps.store.cases.unanswered_help(*self._asked("connect_within")):
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
            triage = self._triage(case, kind)
            if triage:
                found.append(Nudge("connect", cause, case, triage, False,
                                   partial(self._connect_room, case, h, waited)))
            if waited >= 2 * kind.connect_within:
                found += [Nudge("connect", cause, case, manager, True,
                                partial(self._connect_manager, case, h, waited))
                          for manager in self._managers(case)]
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
        for offer in self.deps.store.cases.pending_handoffs(*self._asked("answer_within")):
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
        found: list[Nudge] = []
        if self._span is None:
            contacts = self.deps.store.journal.last_contacts()
            quiet = {c.id: contacts.get(c.id) or c.opened_at for c in self.open.values()}
        else:
            # The first nudge of a silence comes due in this span; its repeats (each
            # further `update_every`) are found by the full pass, at most FULL_EVERY late.
            after, by = self._asked("update_every", times=1)
            quiet = self.deps.store.journal.quiet_since(after or "", by or "")
        for case_id, last in quiet.items():
            case = self._case(case_id)
            if case is None:
                continue
            waited = now - parse_iso(last)
            every = self.type_of(case).update_every
            if waited < every:
                continue
            # Once each `update_every` of the silence (the first keeps its old key), and the
            # managers too once the owner was told the period before: six silent days are
            # not one nudge.
            n = waited // every
            cause = _silence(case, last, n)
            escalate = n > 1 and case.owner in self.deps.store.nudges.sent(
                "update", _silence(case, last, n - 1))
            found.append(Nudge("update", cause, case, case.owner, True,
                               partial(self._update, case, last, waited, escalate)))
            if escalate:
                found += [Nudge("update", cause, case, manager, True,
                                partial(self._update_manager, case, last, waited))
                          for manager in self._managers(case) if manager != case.owner]
        return found

    def _update_manager(self, case: Case, last: str, waited: timedelta) -> Reply:
        return Reply(
            title=f"The customer on {case.ref} hasn't heard from us in {_ago(waited)}",
            text=f"{mention(case.owner)} owns {case.ref} ({case.summary}) and was reminded; "
                 f"{case.customer or 'the customer'} last heard from us at {last}.",
            buttons=(self._join(case),))

    def _update(self, case: Case, last: str, waited: timedelta,
                escalate: bool = False) -> Reply:
        again = " (again: the managers are told too)" if escalate else ""
        return Reply(
            title=f"The customer on {case.ref} hasn't heard from us in {_ago(waited)}{again}",
            text=f"{case.customer or 'The customer'} last heard from us at {last}. Tell them "
                 "where things stand, then log it.",
            buttons=(self.deps.phrases.button("Log an update", "touch", case.ref,
                                              style="primary", needs_input=True,
                                              input_hint="<function> <what happened>"),))

    def promises_due(self, now: datetime) -> list[Nudge]:
        found = []
        since = iso(self._span[0]) if self._span is not None else None
        for r in self.deps.store.journal.due_unkept(iso(now), since):
            case = self._case(r.promise.case_id)
            if case is not None:
                found.append(Nudge("promise_due", f"promise:{r.promise.id}", case, r.owner,
                                   True, partial(self._promise_due, r, case)))
        return found

    def _promise_due(self, r: Reminder, case: Case) -> Reply:
        p = r.promise
        return Reply(
            title=f"Promise #{p.no} on {r.ref} is due now",
            text=f"You promised: {p.what} (due {due_text(p.due, case.customer_tz)}). Keep "
                 "it, or tell the customer when "
                 "instead.",
            buttons=(self.deps.phrases.button("Kept", "kept", f"{r.ref} {p.no}",
                                              style="primary"),))


def _silence(case: Case, last: str, n: int) -> str:
    """The cause of the n-th update nudge of one silence (the first keeps its old key)."""
    return f"{case.id}@{last}" + (f"#{n}" if n > 1 else "")


def _key(nudge: Nudge) -> Key:
    return nudge.kind, nudge.cause, nudge.to


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"
