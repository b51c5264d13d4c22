"""What the team already knows: similar resolved cases, search, the whole history, catch-up.

The ranking is the store's (`store.search`: BM25 in SQLite, ts_rank in PostgreSQL); this
module turns text into plain words, applies who may see what, and shapes the results.
A reader only ever gets cases of their own platform: a case from another workspace names
people and rooms they cannot open.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot import permissions, wording
from bot.domain import Case, CaseStatus, HelpRequest, Person, Role, TimelineEvent, parse_iso
from bot.errors import CommandError
from bot.i18n import _, ngettext
from bot.people import mention
from bot.services.base import Deps
from bot.services.erasure import REDACTED
from bot.store.search_words import PARTICLES
from bot.timeparse import due_text

SIMILAR = 3
FIND_PAGE = 10
HISTORY_PAGE = 20
CATCHUP_EVENTS = 15
MAX_WORDS = 24  # a summary plus what was tried; more words only slow the OR query down

# Words that say nothing about a case: an OR query on them matches nearly every case.
_STOP_WORDS = """
a about after again all also am an and any are as at be been before being but by can cannot
could did do does for from had has have he her him his how i if in into is it its just me
more most my no not now of off on once only or our out over own same she so some still such
than that the their them then there these they this those to too under until up very was we
were what when where which while who why will with would you your
"""
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"\w+", re.UNICODE)
# `log-in`, `log in` (a word and a particle: bot/store/search_words.PARTICLES)
_COMPOUND = re.compile(r"(\w+)(?:-(\w+)|\s+(" + "|".join(sorted(PARTICLES)) + r")\b)?",
                       re.UNICODE | re.IGNORECASE)


def words_of(text: str) -> list[str]:
    """The searchable words of a text: lower case, no stop words, each once, in order.
    Hyphenated words (`log-in`) and a word with a particle after it (`log in`) are
    compounds, one word with a space (`log in`)."""
    found: list[str] = []
    for m in _COMPOUND.finditer(text):
        first, second = m.group(1).lower(), (m.group(2) or m.group(3) or "").lower()
        if second and first not in _STOP:
            found.append(f"{first} {second}")
            continue
        found += [w for w in (first, second) if w and w not in _STOP
                  and (len(w) > 1 or w.isdigit())]
    return list(dict.fromkeys(found))[:MAX_WORDS]


def ago(then: str, now: datetime) -> str:
    days = (now - parse_iso(then)).days
    if days < 1:
        return _("today")
    if days < 2:
        return _("yesterday")
    if days < 14:
        return ngettext("{n} day ago", "{n} days ago", days).format(n=days)
    if days < 61:
        return ngettext("{n} week ago", "{n} weeks ago", days // 7).format(n=days // 7)
    return ngettext("{n} month ago", "{n} months ago", days // 30).format(n=days // 30)


def one_line(text: str | None, limit: int = 100) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Known:
    """A case found for a reader, with what they need to judge it at a glance."""

    case: Case
    helpers: tuple[str, ...]  # who joined besides its owners

    def line(self, now: datetime) -> str:
        c = self.case
        if c.is_open:
            when = _("open since {ago}").format(ago=ago(c.opened_at, now))
            what = c.summary
        else:
            when = _("resolved {ago}").format(ago=ago(c.resolved_at or c.opened_at, now))
            what = f"{one_line(c.summary, 80)} → {one_line(c.resolution)}"
        helped = (" · " + _("helped: {people}").format(
            people=", ".join(mention(p) for p in self.helpers)) if self.helpers else "")
        customer = f" · {c.customer}" if c.customer else ""
        return f"{c.ref} ({when}{customer}): {what}{helped}"


def _known(deps: Deps, ids: list[int], viewer: Person | str | None = None) -> list[Known]:
    """The cases, but a confidential one only for a viewer who may see it (issue 26): with no
    viewer (a message posted in a room) never."""
    out = []
    for cid in ids:
        case = deps.store.cases.by_id(cid)
        if case is None or (case.confidential and (viewer is None or not permissions.may_see(
                deps.config, deps.store, viewer, case))):
            continue
        helpers = [p.person for p in deps.store.cases.participants(cid)
                   if p.role is Role.SPECIALIST and p.person != case.owner]
        out.append(Known(case, tuple(dict.fromkeys(helpers))))
    return out


def case_text(deps: Deps, case: Case, helps: Sequence[HelpRequest] | None = None) -> str:
    """What a case says about its problem so far: summary and what was tried (`helps`: its
    help requests, when the caller has read them already)."""
    if helps is None:
        helps = deps.store.cases.help_requests(case.id)
    return " ".join([case.summary, *(h.tried for h in helps if h.tried)])


def similar(deps: Deps, case: Case, platform: str | None = None,
            limit: int = SIMILAR, viewer: Person | str | None = None,
            helps: Sequence[HelpRequest] | None = None) -> list[Known]:
    """Resolved cases most like this one, best first, from the reader's platform (by default
    the case's own: the brief, the help request and the offer are read there)."""
    ids = deps.store.search.ranked(
        words_of(case_text(deps, case, helps)), every_word=False,
        status=CaseStatus.RESOLVED, platforms=[platform or case.platform], exclude=case.id,
        limit=limit + 5)
    return _known(deps, ids, viewer)[:limit]


def similar_lines(deps: Deps, case: Case,
                  helps: Sequence[HelpRequest] | None = None) -> list[str]:
    """One line per similar resolved case, for the brief, the help request and the offer.
    Never fails the message it goes into: search is a help, not a precondition."""
    return similar_found(deps, case, helps)[0]


def similar_found(deps: Deps, case: Case, helps: Sequence[HelpRequest] | None = None,
                  kept: Sequence[int] | None = None) -> tuple[list[str], list[int]]:
    """The lines, and the cases they name. `kept`: the cases found when the brief was
    first posted (kept with where it is): its updates name them again, as they stand now
    (how long ago, who helped), without searching again; one reopened, made confidential
    or erased since is left out, as a search would leave it out."""
    now = deps.now()
    if kept is None:
        found = similar(deps, case, helps=helps)
    else:
        found = [k for k in _known(deps, list(kept)) if k.case.status is CaseStatus.RESOLVED
                 and k.case.summary != REDACTED]
    return [k.line(now) for k in found], [k.case.id for k in found]


@dataclass(frozen=True)
class Found:
    items: list[Known]
    page: int
    more: bool
    # on a miss: each word no case holds, with the nearest words some case holds
    nearest: dict[str, list[str]] = field(default_factory=dict)


STATUSES = {"open": CaseStatus.OPEN, "resolved": CaseStatus.RESOLVED, "all": None}


def find(deps: Deps, platform: str | None, text: str, customer: str | None = None,
         skill: str | None = None, status: str = "all", page: int = 1,
         per_page: int = FIND_PAGE, viewer: Person | str | None = None) -> Found:
    """Cases with every word, best first; `platform` None searches every platform (the CLI)."""
    words = words_of(text)
    if not words:
        raise CommandError(_("Give words to look for (not only words like `the` or `after`)."))
    if status not in STATUSES:
        raise CommandError(_("`{status}` is not a status: use open, resolved or all.").format(
            status=status[:20]))
    ids = deps.store.search.ranked(
        words, every_word=True, status=STATUSES[status],
        platforms=[platform] if platform else [], customer=customer or None,
        skill=(skill or "").lower() or None, limit=per_page + 1, offset=(page - 1) * per_page)
    nearest = deps.store.search.suggestions(words) if not ids and page == 1 else {}
    if nearest:
        nearest = _seen_words(deps, nearest, platform, viewer)
    return Found(_known(deps, ids[:per_page], viewer), page, more=len(ids) > per_page,
                 nearest=nearest)


def _seen_words(deps: Deps, nearest: dict[str, list[str]], platform: str | None,
                viewer: Person | str | None) -> dict[str, list[str]]:
    """The suggestions a viewer may read: a word only some confidential case they may not
    see holds is not said (the vocabulary is every case's; issue 26)."""
    out: dict[str, list[str]] = {}
    for word, near in nearest.items():
        out[word] = [w for w in near if any(
            not case.confidential or (viewer is not None and permissions.may_see(
                deps.config, deps.store, viewer, case))
            for case in (deps.store.cases.by_id(cid) for cid in deps.store.search.ranked(
                [w], every_word=True, platforms=[platform] if platform else [], limit=20))
            if case is not None)]
    return out


@dataclass(frozen=True)
class HistoryPage:
    events: list[TimelineEvent]
    page: int
    pages: int
    total: int


def history(deps: Deps, actor: Person, case: Case, page: int,
            per_page: int = HISTORY_PAGE) -> HistoryPage:
    """One page of every timeline entry, oldest first. Showing a page that continues from
    where the reader had read marks it seen; a page further on marks nothing."""
    store = deps.store
    events = store.timeline.events(case.id)
    pages = max(1, -(-len(events) // per_page))
    if page > pages:
        raise CommandError(ngettext("{ref} has {n} page of history.",
                                    "{ref} has {n} pages of history.", pages).format(
            ref=case.ref, n=pages))
    shown = events[(page - 1) * per_page: page * per_page]
    seen = store.timeline.last_seen(case.id, actor.id)
    earlier = [e for e in events if e.id <= seen]
    if shown and shown[-1].id > seen and len(earlier) >= (page - 1) * per_page:
        store.timeline.mark_seen(case.id, actor.id, shown[-1].id)
    return HistoryPage(shown, page, pages, len(events))


@dataclass(frozen=True)
class CatchUp:
    """What someone gets on joining or asking: the case as it stands, then what they have
    not seen, oldest first. Only what is shown is marked seen."""

    case: Case
    tried: str | None
    promises: list[str]
    last_contact: str | None
    last_mood: str | None
    events: list[TimelineEvent]
    seen_before: int  # entries read earlier, in `history`
    not_shown: int  # newer entries left unseen for the next catch-up
    total: int


def catch_up(deps: Deps, person: str, case: Case, limit: int = CATCHUP_EVENTS) -> CatchUp:
    store = deps.store
    seen = store.timeline.last_seen(case.id, person)
    everything = store.timeline.events(case.id)
    unseen = [e for e in everything if e.id > seen]
    shown = unseen[:limit]
    if shown:
        store.timeline.mark_seen(case.id, person, shown[-1].id)
    contact = store.journal.last_touchpoint(case.id)
    mood = store.journal.last_mood(case.id)
    return CatchUp(
        case=case, tried=store.cases.last_tried(case.id),
        # Numbered per case, as `kept <id>` takes them and the brief shows them.
        promises=[wording.promise_line(p.no, due_text(p.due, case.customer_tz), p.what)
                  for p in store.journal.open_promises(case.id)],
        last_contact=wording.contact(contact.at, contact.function, contact.what)
        if contact else None,
        last_mood=(mood.level + (f" ({mood.note})" if mood.note else "")) if mood else None,
        events=shown, seen_before=len(everything) - len(unseen),
        not_shown=len(unseen) - len(shown), total=len(everything))
