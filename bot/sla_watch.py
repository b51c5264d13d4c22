"""The SLA part of the nudge pass (bot/nudges.py; policies in bot/sla.py, docs/sla.md).

For each open case under a policy, each target not met: from `warn_before` ahead of its due
time the owner is nudged (kind `sla_warn`); at the due time the breach is recorded once
(`sla_breaches`, counted by the digest per policy) and the policy's `escalate` people, else
the managers, are told (kind `sla_breach`). A target met late is recorded as a breach with
nobody to tell. Each nudge's cause is the case, the target and its due time, so the nudges'
own once-only marks (bot/store/nudges.py) keep it to once per receiver, across restarts and
replicas; a new contact moves the next update's due time, and so its cause.

The pass reads the open cases and their first and last contacts (two reads), at most once
a minute, and only when a policy is configured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from bot import permissions, sla
from bot.domain import Case, CaseStatus, iso
from bot.i18n import _
from bot.people import mention
from bot.replies import Reply
from bot.services import visibility
from bot.services.base import Deps
from bot.services.sla import label_within, span, when
from bot.swarm_types import type_for

EVERY = timedelta(minutes=1)
# What a case's due times depend on: policy, opening, last reopening, first and last contact.
Key = tuple[str, str, str | None, str | None, str | None]


@dataclass(frozen=True)
class SlaDue:
    kind: str  # "sla_warn" (to the owner) | "sla_breach" (to who is told of a breach)
    cause: str
    case: Case
    to: str
    make: Callable[[], Reply]


class SlaWatch:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.policies = sla.policies(deps.config.sla)
        self._at: datetime | None = None
        self._recorded: set[str] = set()  # breaches this process knows are recorded
        self._found: list[SlaDue] = []  # the last pass's, given again until the next
        # A case's due times change only with its policy, opening or contacts: kept by those.
        self._targets: dict[Key, list[sla.Target]] = {}
        self._types: dict[tuple[str | None, int], str] = {}

    def due(self, now: datetime) -> list[SlaDue]:
        """What is due at `now` (on a store thread); between passes (EVERY), the last
        pass's again (settled ones are not sent twice, failed ones are tried again)."""
        if not self.policies:
            return []
        if self._at is not None and self._at <= now < self._at + EVERY:
            return self._found
        self._at = now
        store = self.deps.store
        cases = store.cases.recent(status=CaseStatus.OPEN, limit=100_000)
        spans = store.journal.contact_spans()
        reopened = store.timeline.reopenings()
        found: list[SlaDue] = []
        kept: dict[Key, list[sla.Target]] = {}
        for case in cases:
            policy = sla.choose(self.policies, case, self._type_of(case))
            if policy is None:
                continue
            first, last = spans.get(case.id, (None, None))
            again = reopened.get(case.id)
            key = (policy.name, case.opened_at, again, first, last)
            targets = self._targets.get(key)
            if targets is None:
                targets = sla.targets(policy, case.opened_at, (first, last), None, again)
            kept[key] = targets
            for target in targets:
                found += self._target(case, policy, target, now)
        self._targets = kept
        self._found = found
        return found

    def _type_of(self, case: Case) -> str:
        key = (case.swarm_type, case.severity)
        if key not in self._types:
            self._types[key] = type_for(self.deps.config.types, case.swarm_type,
                                        case.severity).name
        return self._types[key]

    def _target(self, case: Case, policy: sla.Policy, t: sla.Target, now: datetime
                ) -> list[SlaDue]:
        if t.due is None or (t.met_at is not None and not t.breached(now)):
            return []
        if now < t.due - policy.warn_before:
            return []  # most targets of most cases, most of the time
        cause = f"sla:{case.id}:{t.name}@{iso(t.due)}"
        if t.breached(now):
            self._record(case, policy, t, cause, now)
            if t.met_at is not None:
                return []  # met late: counted, nobody to tell now
            return [SlaDue("sla_breach", cause, case, person,
                           partial(self._breach, case, policy, t))
                    for person in self._escalate(policy) if person != case.owner]
        if now >= t.due - policy.warn_before:
            return [SlaDue("sla_warn", cause, case, case.owner,
                           partial(self._warn, case, policy, t, now))]
        return []

    def _escalate(self, policy: sla.Policy) -> list[str]:
        return list(policy.escalate) or permissions.managers(self.deps.config, self.deps.store)

    def _record(self, case: Case, policy: sla.Policy, t: sla.Target, cause: str,
                now: datetime) -> None:
        if cause in self._recorded or t.due is None:
            return
        store, due = self.deps.store, iso(t.due)
        with store.transaction():
            if store.nudges.breach(case.id, policy.name, t.name, due, iso(now)):
                # A finished week's kept digest figures may have counted without it.
                store.digest_kept.forget(due, due)
        self._recorded.add(cause)

    def _warn(self, case: Case, policy: sla.Policy, t: sla.Target, now: datetime) -> Reply:
        assert t.due is not None
        values = {"ref": case.ref, "label": label_within(t.name), "left": span(t.due - now),
                  "policy": policy.name, "customer": case.customer, "due": when(t.due, policy)}
        return Reply(
            title=_("{ref}: the {label} is due in {left} ({policy} SLA)").format(**values),
            text=(_("{customer} is owed the {label} by {due}. Reach them, then log it with a "
                    "touchpoint; at the due time the managers are told of the breach.")
                  if case.customer else
                  _("The customer is owed the {label} by {due}. Reach them, then log it with a "
                    "touchpoint; at the due time the managers are told of the breach."))
            .format(**values),
            buttons=(self.deps.phrases.button(_("Log an update"), "touch", case.ref,
                                              style="primary", needs_input=True,
                                              input_hint="<function> <what happened>"),))

    def _breach(self, case: Case, policy: sla.Policy, t: sla.Target) -> Reply:
        values = {"ref": case.ref, "label": label_within(t.name), "policy": policy.name,
                  "owner": mention(case.owner), "about": visibility.about(case),
                  "due": when(t.due, policy)}
        return Reply(
            title=_("{ref} breached its {policy} SLA: {label}").format(**values),
            text=_("{owner} owns {ref} ({about}) and was reminded before; the {label} was due "
                   "{due}.").format(**values),
            buttons=(self.deps.phrases.button(_("Join"), "join", case.ref, style="primary"),))
