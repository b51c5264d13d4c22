"""The agent's desk (issue 25): what waits for one person, read in one pass of the store.

Slack's App Home and Teams' personal card show the same `Desk`: offers waiting for their
answer, promises due today on the cases they own, nudges still open for them, help
requests that match their skills (on swarms they are not in and may see), the swarms they
are in and those they follow, and whether they are away. Every item's buttons are the
commands a person would type (`accept ZD-1`, `kept ZD-1 2`, `join ZD-1`, `skills away`),
so each adapter renders them as its own buttons and a press runs through the one door.
Platform-neutral values only; a read, never a write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import permissions
from bot.domain import Case, CaseStatus, Person, iso, severity_label
from bot.i18n import _
from bot.nudges import Nudger
from bot.people import mention
from bot.replies import Button
from bot.services.base import Deps
from bot.timeparse import due_text

PER_SECTION = 10  # items shown per section (Slack's Home tab holds 100 blocks)
# Nudges the desk shows apart: offers and promises have sections of their own.
_SHOWN_APART = ("promise_due", "answer")


@dataclass(frozen=True)
class DeskItem:
    text: str  # one line or two, with person tokens
    buttons: tuple[Button, ...] = ()
    room_id: str | None = None  # the case's room, where the platform links rooms


@dataclass(frozen=True)
class DeskSection:
    key: str  # "offers" | "promises" | "nudges" | "help" | "mine" | "following"
    title: str
    items: tuple[DeskItem, ...]
    empty: str  # said when there is nothing
    more: int = 0  # items not shown (past PER_SECTION)


@dataclass(frozen=True)
class Desk:
    person: str
    available: bool
    sections: tuple[DeskSection, ...]
    toggle: Button  # away <-> back
    open_case: Button

    def section(self, key: str) -> DeskSection:
        return next(s for s in self.sections if s.key == key)


def desk_for(deps: Deps, person_id: str, now: datetime | None = None) -> Desk:
    now = now or deps.now()
    store, phrases = deps.store, deps.phrases
    person = store.people.get(person_id) or Person(person_id, person_id)
    mine = store.cases.recent(status=CaseStatus.OPEN, person=person_id)
    sections = (_offers(deps, person_id), _promises(deps, person, mine, now),
                _nudges(deps, person_id, now), _help(deps, person, mine),
                _section("mine", _("Your swarms"), [_case_item(c, person_id) for c in mine],
                         _("You're not in any open swarm.")),
                _following(deps, person, mine))
    toggle = phrases.button(_("I'm away"), "skills", "away") if person.available else \
        phrases.button(_("I'm back"), "skills", "back", style="primary")
    return Desk(person=person_id, available=person.available, sections=sections,
                toggle=toggle, open_case=phrases.button(_("Open a case"), "open",
                                                         needs_input=True, style="primary"))


def _section(key: str, title: str, items: list[DeskItem], empty: str) -> DeskSection:
    return DeskSection(key, title, tuple(items[:PER_SECTION]), empty,
                       max(0, len(items) - PER_SECTION))


def _about(case: Case) -> str:
    return f"{case.ref} {severity_label(case.severity)} · {case.summary}"


def _offers(deps: Deps, me: str) -> DeskSection:
    phrases, items = deps.phrases, []
    for offer in deps.store.cases.pending_handoffs():
        case = deps.store.cases.by_id(offer.case_id) if offer.to_id == me else None
        if case is None:
            continue
        items.append(DeskItem(
            _("{who} offers you {case}\nBriefing: {briefing}").format(
                who=mention(offer.from_id), case=_about(case), briefing=offer.briefing),
            (phrases.button(_("Accept"), "accept", case.ref, style="primary"),
             phrases.button(_("Decline"), "decline", case.ref, style="danger")), case.room_id))
    return _section("offers", _("Offers waiting for you"), items,
                    _("No handoff is waiting for you."))


def _end_of_today(deps: Deps, person: Person, now: datetime) -> datetime:
    try:
        zone = ZoneInfo(person.tz or deps.config.people.timezone)
    except (ValueError, ZoneInfoNotFoundError):
        zone = ZoneInfo("UTC")
    local = now.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=1), time(0), zone)


def _promises(deps: Deps, person: Person, mine: list[Case], now: datetime) -> DeskSection:
    """Open promises due by the end of the owner's day (overdue ones too)."""
    by = iso(_end_of_today(deps, person, now))
    items = []
    for case in mine:
        if case.owner != person.id:
            continue
        for p in deps.store.journal.open_promises(case.id):
            if p.due > by:
                continue
            said = (_("{ref} #{no}: {what} — due {due} (overdue)") if p.due < iso(now) else
                    _("{ref} #{no}: {what} — due {due}"))
            items.append(DeskItem(
                said.format(ref=case.ref, no=p.no, what=p.what,
                            due=due_text(p.due, case.customer_tz)),
                (deps.phrases.button(_("Kept"), "kept", f"{case.ref} {p.no}",
                                     style="primary"),),
                case.room_id))
    return _section("promises", _("Promises due today"), items, _("No promise is due today."))


def _nudges(deps: Deps, me: str, now: datetime) -> DeskSection:
    """What the scheduler would nudge this person about now (its cause still open)."""
    items = []
    for nudge in Nudger(deps).due(now):
        if not nudge.direct or nudge.to != me or nudge.kind in _SHOWN_APART:
            continue
        reply = nudge.make()
        items.append(DeskItem(f"{reply.title}\n{reply.text}" if reply.title else reply.text,
                              reply.buttons, nudge.case.room_id))
    return _section("nudges", _("Nudges"), items, _("Nothing to chase."))


def _help(deps: Deps, person: Person, mine: list[Case]) -> DeskSection:
    """Help requests nobody answered yet that ask for a skill of yours, on swarms you are
    not in and may see."""
    skills = set(deps.store.people.skills_of(person.id))
    inside = {c.id for c in mine}
    items, seen = [], set()
    for h in deps.store.cases.unanswered_help() if skills else []:
        wanted = [s for s in h.skills if s in skills]
        if not wanted or h.case_id in inside or h.case_id in seen:
            continue
        case = deps.store.cases.by_id(h.case_id)
        if case is None or not permissions.may_see(deps.config, deps.store, person, case):
            continue
        seen.add(h.case_id)
        asked = (_("{who} asked for {skills} (tried: {tried})") if h.tried else
                 _("{who} asked for {skills}")).format(who=mention(h.by),
                                                       skills=", ".join(wanted),
                                                       tried=h.tried or "")
        items.append(DeskItem(
            f"{_about(case)}\n{asked}",
            (deps.phrases.button(_("Join"), "join", case.ref, style="primary"),), case.room_id))
    return _section("help", _("Help wanted for your skills"), items,
                    _("No help request matches your skills.") if skills else
                    _("Add your skills to see help requests for them (`skills add <skill>…`)."))


def _case_item(case: Case, me: str, role: str | None = None) -> DeskItem:
    role = role or (_("owner") if case.owner == me else _("in the swarm"))
    customer = f" · {case.customer}" if case.customer else ""
    return DeskItem(f"{_about(case)}\n{role}{customer}", (), case.room_id)


def _following(deps: Deps, person: Person, mine: list[Case]) -> DeskSection:
    inside = {c.id for c in mine}
    found = [deps.store.cases.by_id(cid) for cid in deps.store.access.following(person.id)]
    items = [_case_item(c, person.id, _("following")) for c in found
             if c is not None and c.is_open and c.id not in inside
             and permissions.may_see(deps.config, deps.store, person, c)]
    return _section("following", _("Swarms you follow"), items, _("You follow no open swarm."))
