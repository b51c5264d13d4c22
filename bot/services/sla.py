"""A case's SLA as it stands (bot/sla.py): its policy, its targets' due times, and the lines
the brief and `status` show."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import sla
from bot.business_clock import is_open
from bot.domain import Case
from bot.i18n import _, ngettext
from bot.replies import Field
from bot.services.base import Deps
from bot.swarm_types import type_for
from bot.timeparse import local_text

LABELS = {"first_response": "First response", "next_update": "Next update",
          "resolution": "Resolution"}  # English; `label` says them in the reader's language


def label(name: str) -> str:
    """A target's name starting a line: "First response"."""
    return {"first_response": _("First response"), "next_update": _("Next update"),
            "resolution": _("Resolution")}.get(name, name)


def label_within(name: str) -> str:
    """A target's name inside a sentence: "the first response is due"."""
    return {"first_response": _("first response"), "next_update": _("next update"),
            "resolution": _("resolution")}.get(name, name)


def policies(deps: Deps) -> dict[str, sla.Policy]:
    return sla.policies(deps.config.sla)


def policy_of(deps: Deps, case: Case, all_: dict[str, sla.Policy] | None = None
              ) -> sla.Policy | None:
    """The policy a case is under, or None."""
    kind = type_for(deps.config.types, case.swarm_type, case.severity)
    return sla.choose(policies(deps) if all_ is None else all_, case, kind.name)


def standing(deps: Deps, case: Case) -> tuple[sla.Policy, list[sla.Target]] | None:
    policy = policy_of(deps, case)
    if policy is None:
        return None
    return policy, sla.targets(policy, case.opened_at, deps.store.journal.contact_span(case.id),
                               case.resolved_at, deps.store.timeline.reopenings().get(case.id))


def when(at: datetime | None, policy: sla.Policy) -> str:
    if at is None:
        return _("never (no business hours ahead)")
    return local_text(at, policy.hours.zone if policy.hours else None)


def span(delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 120:
        return _("{n} min").format(n=minutes)
    hours = minutes // 60
    return _("{n} h").format(n=hours) if hours < 48 else ngettext(
        "{n} day", "{n} days", hours // 24).format(n=hours // 24)


def line(t: sla.Target, policy: sla.Policy, now: datetime, live: bool = True) -> str:
    values = {"label": label(t.name), "met": when(t.met_at, policy),
              "due": when(t.due, policy)}
    if t.met_at is not None:
        return (_("{label}: met {met} (late); was due {due}") if t.breached(now) else
                _("{label}: met {met}; was due {due}")).format(**values)
    if t.breached(now):
        return _("{label}: BREACHED, was due {due}").format(**values)
    if live and t.due is not None:
        return _("{label}: due {due} (in {left})").format(left=span(t.due - now), **values)
    return _("{label}: due {due}").format(**values)


def fields(deps: Deps, case: Case, now: datetime | None = None, live: bool = True
           ) -> list[Field]:
    """`status`'s SLA field: the policy, each target and whether the clock runs now
    (outside business hours it waits). Not `live` (the brief, which stays posted until the
    case next changes): the due times only, nothing that goes stale as time passes."""
    found = standing(deps, case)
    if found is None:
        return []
    policy, targets = found
    now = now or deps.now()
    lines = [line(t, policy, now, live) for t in targets] or [_("no target is owed now")]
    if live and case.is_open and not is_open(now, policy.hours):
        lines.append(_("The clock waits: outside business hours."))
    return [Field(_("SLA ({policy})").format(policy=policy.name), "\n".join(lines))]
