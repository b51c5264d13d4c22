"""Drafts built from the timeline alone (issue 30): no model, no network, the same every time.

`gather` reads what a next owner, a joiner or a resolver needs from the store (the last mood
and how it moved, what was tried, open promises with their due times, the last customer
contact, decisions, the similar cases that helped); `handoff_briefing`, `catchup_summary`
and `resolution` write it as a draft a person edits. An assistant, where one is configured,
is given the same facts (bot/drafting/prompts.py) and the timeline's draft is what stays when
it does not answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import Case
from bot.drafting.track_record import record_for, record_line
from bot.i18n import _, ngettext
from bot.services import knowledge
from bot.services.base import Deps
from bot.timeparse import local_text

# Recorded with each draft (drafts.prompt_version) and carried by the forms it fills.
TIMELINE_VERSION = "timeline-1"
TIMELINE_MODEL = "timeline"


@dataclass(frozen=True)
class Facts:
    case: Case
    mood: str | None = None  # "frustrated (second day without access)"
    mood_shift: str | None = None  # "neutral → frustrated"
    tried: str | None = None
    promises: tuple[str, ...] = ()  # "#1 by 2026-11-22 23:03 UTC: call back with status"
    last_contact: str | None = None
    decisions: tuple[str, ...] = ()  # open ones first: "#1 low risk: extend the trial"
    records: tuple[str, ...] = ()  # how decisions like the open ones turned out before
    similar: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())  # the latest notes, newest last

    @property
    def customer(self) -> str:
        return self.case.customer


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ") + " UTC"


def _promised(iso: str, customer_tz: str | None) -> str:
    """A promise's due time in the customer's zone first, when it is known: that is the
    time the next owner must keep (a "by five" for a Sydney customer is five in Sydney)."""
    if not customer_tz:
        return _when(iso)
    return f"{local_text(datetime.fromisoformat(iso), customer_tz)} ({_when(iso)})"


def gather(deps: Deps, case: Case, similar: bool = True, records: bool = True) -> Facts:
    """Reads only: safe on a reader thread, outside any transaction. `similar`: look for
    similar resolved cases (a search); `records`: each open decision's track record (a read
    of the decision log); the handoff's briefing names both."""
    store = deps.store
    moods = store.journal.moods(case.id)
    mood = shift = None
    if moods:
        last = moods[-1]
        mood = last.level + (f" ({last.note})" if last.note else "")
        if len(moods) > 1 and moods[0].level != last.level:
            shift = f"{moods[0].level} → {last.level}"
    contact = store.journal.last_touchpoint(case.id)
    decisions = store.journal.decisions(case.id)
    open_first = sorted(decisions, key=lambda d: d.outcome is not None)
    lines = tuple((_("#{no} {risk} risk: {decision} (outcome: {outcome})") if d.outcome else
                   _("#{no} {risk} risk: {decision} (outcome open)")).format(
                       no=d.no, risk=d.risk, decision=d.decision, outcome=d.outcome or "")
                  for d in open_first)
    recs = tuple(record_line(d.risk, r) for d in open_first if d.outcome is None
                 for r in [record_for(store, d)] if r.total) if records else ()
    notes = tuple(e.text for e in store.timeline.events(case.id) if e.kind == "note")[-3:]
    return Facts(
        case=case, mood=mood, mood_shift=shift, tried=store.cases.last_tried(case.id),
        promises=tuple(_("#{no} by {due}: {what}").format(
                           no=p.no, due=_promised(p.due, case.customer_tz), what=p.what)
                       for p in store.journal.open_promises(case.id)),
        last_contact=(f"{_when(contact.at)} {contact.function}: {contact.what}"
                      if contact else None),
        decisions=lines, records=recs,
        similar=tuple(knowledge.similar_lines(deps, case)[:3]) if similar else (),
        notes=notes)


def handoff_briefing(f: Facts) -> str:
    """The briefing a next owner needs, as the owner would write it at the end of a shift."""
    out = [f"{f.case.ref}: {f.case.summary}" + (f" ({f.customer})" if f.customer else "")]
    if f.mood:
        out.append((_("Customer mood: {mood}, moved {shift}.") if f.mood_shift else
                    _("Customer mood: {mood}.")).format(mood=f.mood, shift=f.mood_shift or ""))
    out.append(_("Tried: {tried}.").format(tried=f.tried) if f.tried else
               _("Nothing recorded as tried yet."))
    if f.promises:
        out.append(_("Open promises: {promises}.").format(promises="; ".join(f.promises)))
    if f.last_contact:
        out.append(_("Last customer contact: {contact}.").format(contact=f.last_contact))
    if f.decisions:
        out.append(_("Decisions: {decisions}.").format(decisions="; ".join(f.decisions)))
    out += [_("Before: {record}").format(record=r) for r in f.records]
    if f.case.delight:
        out.append(_("What would delight them: {delight}.").format(delight=f.case.delight))
    if f.notes:
        out.append(_("Latest notes: {notes}").format(notes=" / ".join(f.notes)))
    if f.similar:
        out.append(_("Similar cases: {cases}").format(cases=" | ".join(f.similar)))
    return "\n".join(out)


def catchup_summary(f: Facts, new_entries: int) -> str:
    """Two or three lines above a catch-up's entries."""
    parts = [f"{f.case.ref}: {f.case.summary}."]
    if f.mood:
        parts.append((_("The customer is {mood} (moved {shift}).") if f.mood_shift else
                      _("The customer is {mood}.")).format(mood=f.mood, shift=f.mood_shift or ""))
    if f.tried:
        parts.append(_("Tried: {tried}.").format(tried=f.tried))
    if f.promises:
        parts.append(ngettext("{n} open promise, next {next}.", "{n} open promises, next {next}.",
                              len(f.promises)).format(n=len(f.promises), next=f.promises[0]))
    parts.append(ngettext("{n} new entry below.", "{n} new entries below.", new_entries).format(
        n=new_entries) if new_entries else _("Nothing new since you last looked."))
    return " ".join(parts)


def resolution(f: Facts) -> str:
    """A first line for the resolution, from what was tried and the last contact."""
    out = [f"{f.case.summary}:"]
    out.append(_("resolved after {tried}.").format(tried=f.tried) if f.tried else
               _("resolved."))
    if f.last_contact:
        out.append(_("Last contact {contact}.").format(contact=f.last_contact))
    if f.mood:
        out.append(_("Customer mood at the end: {mood}.").format(mood=f.mood))
    return " ".join(out)
