"""Expert finder: the smallest set of available people covering the skills a case needs.

Pure: it ranks candidates it is given; the service gathers them from the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import NamedTuple

from bot.i18n import _, ngettext

# Past this many combinations an exact search gives way to the greedy cover.
_EXACT_SEARCH_BUDGET = 20_000


class Candidate(NamedTuple):
    """(A named tuple, not a frozen dataclass: a request at 10,000 people makes ~1,500 of
    them, and a tuple is made several times faster.)"""

    person: str
    skills: frozenset[str]
    available: bool
    load: int  # open swarms they are in now
    past_help: int  # resolved cases they helped on after a request for these skills


@dataclass(frozen=True)
class Pick:
    person: str
    covers: tuple[str, ...]
    load: int = 0  # open swarms they are in now
    past_help: int = 0  # resolved cases like this they helped on

    @property
    def reason(self) -> str:
        """Why they are suggested, in the language of whoever reads it now (the asker's
        reply, triage's post)."""
        load = _("in no other swarm") if self.load == 0 else ngettext(
            "in {n} other swarm", "in {n} other swarms", self.load).format(n=self.load)
        parts = [", ".join(self.covers), _("available"), load]
        if self.past_help:
            parts.append(ngettext("helped on {n} similar case", "helped on {n} similar cases",
                                  self.past_help).format(n=self.past_help))
        return " · ".join(parts)


@dataclass(frozen=True)
class Suggestion:
    picks: tuple[Pick, ...]
    uncovered: tuple[str, ...]  # nobody available has these
    away: dict[str, tuple[str, ...]]  # uncovered skill -> people who have it but are away
    in_room: dict[str, tuple[str, ...]]  # skill -> people already in the swarm who have it
    # People with a wanted skill skipped for what the platform says or the hour (issue 26):
    # person -> why ("out of office", "off shift in Sydney (Sun 03:10 there)").
    skipped: dict[str, str] = field(default_factory=dict)


def _cost(team: tuple[Candidate, ...]) -> tuple[int, int, tuple[str, ...]]:
    # Fewer people first (the caller searches by size), then less loaded, then more experienced.
    return (sum(c.load for c in team), -sum(c.past_help for c in team),
            tuple(c.person for c in team))


def suggest(skills: list[str], candidates: list[Candidate], in_room: set[str]) -> Suggestion:
    wanted = list(dict.fromkeys(s.lower() for s in skills))
    room_cover: dict[str, list[str]] = {}
    for c in candidates:
        if c.person in in_room:
            for s in wanted:
                if s in c.skills:
                    room_cover.setdefault(s, []).append(c.person)
    pool = [c for c in candidates if c.available and c.person not in in_room
            and c.skills.intersection(wanted)]
    coverable = {s for s in wanted if any(s in c.skills for c in pool)}
    team = _exact_cover(coverable, pool) if coverable else ()
    if team is None:
        team = _greedy_cover(coverable, pool)
    picks = []
    for c in team:
        covers = tuple(s for s in wanted if s in c.skills)
        picks.append(Pick(person=c.person, covers=covers, load=c.load, past_help=c.past_help))
    uncovered = tuple(s for s in wanted if s not in coverable)
    away = {s: tuple(sorted(c.person for c in candidates if not c.available and s in c.skills
                            and c.person not in in_room))
            for s in uncovered}
    return Suggestion(picks=tuple(picks), uncovered=uncovered,
                      away={k: v for k, v in away.items() if v},
                      in_room={k: tuple(v) for k, v in room_cover.items()})


def _exact_cover(need: set[str], pool: list[Candidate]) -> tuple[Candidate, ...] | None:
    # A smallest team never holds two people who cover the same of the needed skills (one
    # of them would be spare), and of those who do, the best team takes the one first by
    # (load, -past help, name): so only that one per subset covered is tried (at most
    # 2^skills people, not the hundreds a large directory has per skill).
    first: dict[frozenset[str], tuple[int, Candidate]] = {}
    for i, c in enumerate(pool):
        covers = frozenset(c.skills & need)
        held = first.get(covers)
        if covers and (held is None or (c.load, -c.past_help, c.person)
                       < (held[1].load, -held[1].past_help, held[1].person)):
            first[covers] = (i, c)
    pool = [c for _, c in sorted(first.values(), key=lambda ic: ic[0])]
    budget = _EXACT_SEARCH_BUDGET
    for size in range(1, len(need) + 1):
        best: tuple[Candidate, ...] | None = None
        for team in combinations(pool, size):
            budget -= 1
            if budget < 0:
                return None
            covered = set().union(*(c.skills for c in team))
            if need <= covered and (best is None or _cost(team) < _cost(best)):
                best = team
        if best is not None:
            return best
    return ()


def _greedy_cover(need: set[str], pool: list[Candidate]) -> tuple[Candidate, ...]:
    left, team = set(need), []
    while left:
        best = min(pool, key=lambda c: (-len(c.skills & left), c.load, -c.past_help, c.person))
        if not best.skills & left:
            break
        team.append(best)
        left -= best.skills
    return tuple(team)
