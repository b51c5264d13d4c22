"""A deterministic plan of synthetic swarms: people, and every step of every case in time order.

The same plan is carried out either through the services the commands use
(`demo.run.run_services`) or written straight as rows (`demo.bulk.run_bulk`); a test shows
both give the same database content and the same digest. Times are epoch seconds (UTC).
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.digest.weeks import Week
from bot.domain import MOODS
from demo import words as w

OWNER = "\0owner"  # resolved to whoever owns the case at that step
DAY_WEIGHTS = (1.2, 1.15, 1.0, 1.0, 0.9, 0.3, 0.2)


@dataclass(frozen=True)
class DemoPerson:
    id: str
    name: str
    function: str
    skills: tuple[str, ...]
    manager: bool = False


@dataclass(frozen=True)
class DemoSpec:
    first: Week  # weeks are UTC weeks
    weeks: int
    cases_per_week: int
    seed: int

    @property
    def start(self) -> int:
        return int(self.first.start.timestamp())

    @property
    def horizon(self) -> int:
        """Nothing happens after the end of the last week: later steps are left undone."""
        return self.start + self.weeks * 7 * 86400


@dataclass(frozen=True, slots=True)
class Step:
    at: int
    case_no: int
    seq: int
    kind: str
    actor: str
    args: tuple
    last: bool = False  # the case's final step: the bulk writer flushes it then


def people(spec: DemoSpec) -> list[DemoPerson]:
    rng = random.Random(f"{spec.seed}-people")
    owners = max(6, spec.cases_per_week // 25)
    per_function = max(2, spec.cases_per_week // 120)
    names = [f"{f}.{last}" for last in w.LAST for f in w.FIRST]
    rng.shuffle(names)
    if owners + per_function * len(w.FUNCTIONS) + 1 > len(names):
        names += [f"{n}{i}" for i in range(2, 40) for n in names[:]][: 40 * len(names)]
    it = iter(names)
    out = [DemoPerson(id=next(it), name="", function="support", skills=(), manager=True)]
    out += [DemoPerson(id=next(it), name="", function=w.OWNER_FUNCTION, skills=())
            for _ in range(owners)]
    for function, skills in w.FUNCTIONS.items():
        out += [DemoPerson(id=next(it), name="", function=function, skills=skills)
                for _ in range(per_function)]
    return [DemoPerson(p.id, p.id.replace(".", " ").title(), p.function, p.skills, p.manager)
            for p in out]


def steps(spec: DemoSpec, crew: list[DemoPerson]) -> Iterator[Step]:
    """Every step of every case, in (time, case, order) order, as the services would see them."""
    rng = random.Random(spec.seed)
    owners = [p.id for p in crew if p.function == w.OWNER_FUNCTION and not p.manager]
    by_function = {f: [p.id for p in crew if p.function == f] for f in w.FUNCTIONS}
    heap: list[tuple[int, int, int, Step]] = []
    case_no = 0
    for week in range(spec.weeks):
        week_start = spec.start + week * 7 * 86400
        count = round(spec.cases_per_week * rng.uniform(0.92, 1.08))
        opens = sorted(_open_time(rng, week_start) for _ in range(count))
        for t0 in opens:
            while heap and heap[0][0] < t0:
                yield heapq.heappop(heap)[3]
            for s in _case(rng, case_no, t0, week / max(1, spec.weeks - 1), owners, by_function,
                           spec.horizon):
                heapq.heappush(heap, (s.at, s.case_no, s.seq, s))
            case_no += 1
    while heap:
        yield heapq.heappop(heap)[3]


def _open_time(rng: random.Random, week_start: int) -> int:
    day = rng.choices(range(7), weights=DAY_WEIGHTS)[0]
    sec = rng.randint(7 * 3600, 19 * 3600) if rng.random() < 0.85 else rng.randint(0, 86399)
    return week_start + day * 86400 + sec


def _lognormal(rng: random.Random, median_s: float, sigma: float) -> int:
    return int(rng.lognormvariate(math.log(median_s), sigma))


def _case(rng: random.Random, case_no: int, t0: int, progress: float, owners: list[str],
          by_function: dict[str, list[str]], horizon: int) -> list[Step]:
    first_owner = rng.choice(owners)
    functions = [rng.choice(list(w.FUNCTIONS))]
    while len(functions) < 3 and rng.random() < 0.3:
        extra = rng.choice(list(w.FUNCTIONS))
        if extra not in functions:
            functions.append(extra)
    raw: list[tuple[int, str, str, tuple]] = []
    customer = rng.choice(w.CUSTOMERS)
    delight = rng.choice(w.DELIGHTS) if rng.random() < 0.3 else None
    raw.append((0, "open", OWNER, (f"DEMO-{case_no + 1:06d}", customer,
                                   rng.choice(w.PROBLEMS[functions[0]]),
                                   rng.choices((1, 2, 3, 4), (1, 3, 5, 2))[0], delight)))
    need_at = rng.randint(60, 1200)
    tried = rng.choice(w.NOTES) if rng.random() < 0.4 else None
    raw.append((need_at, "need", OWNER,
                (tuple(rng.choice(w.FUNCTIONS[f]) for f in functions), tried)))
    joined: list[tuple[str, str, int]] = []
    if rng.random() > 0.06:  # sometimes nobody answers
        # Teams get faster at answering over the demo period: a story for the digest to tell.
        median = 1500 * (1.5 - progress)
        for i, f in enumerate(functions):
            at = need_at + 30 + _lognormal(rng, median, 1.0) + i * rng.randint(60, 1800)
            spec_id = rng.choice(by_function[f])
            raw.append((at, "join", spec_id, ()))
            joined.append((spec_id, f, at))
    busy = max([need_at] + [j[2] for j in joined])
    for spec_id, f, at in joined:
        for _ in range(rng.choice((1, 1, 2))):
            t = at + rng.randint(120, 5400)
            raw.append((t, "touch", spec_id, (f, rng.choice(w.TOUCHES[f]))))
            busy = max(busy, t)
    if rng.random() < 0.6:
        t = busy + rng.randint(300, 3600)
        raw.append((t, "touch", OWNER, ("support", rng.choice(w.TOUCHES["support"]))))
        busy = t
    level = rng.choices(range(5), weights=(3, 5, 3, 1, 0.2))[0]
    t = need_at + rng.randint(30, 600)
    for _ in range(rng.choice((1, 2, 2, 3))):
        mood = MOODS[level]
        raw.append((t, "mood", OWNER, (mood, w.MOOD_NOTES[mood] or None)))
        level = min(4, max(0, level + rng.choices((1, 0, -1), (5, 3, 1.5))[0]))
        t = max(t + rng.randint(600, 7200), busy + rng.randint(60, 600))
    busy = max(busy, t)
    if rng.random() < 0.25:
        risk, decision, why = rng.choice(w.DECISIONS)
        td = need_at + rng.randint(600, 7200)
        raw.append((td, "decide", OWNER, (0, risk, decision, why)))
        if rng.random() < 0.75:
            result = rng.choices(("kept", "lost", "escalated"), (6, 2, 1))[0]
            raw.append((td + rng.randint(3600, 10 * 86400), "outcome", OWNER, (0, result)))
    if rng.random() < 0.4:
        tp = need_at + rng.randint(300, 3600)
        due = tp + rng.randint(3600, 8 * 3600)
        raw.append((tp, "promise", OWNER, (0, due, rng.choice(w.PROMISES))))
        fate = rng.random()
        if fate < 0.75:
            raw.append((due - rng.randint(60, 3000), "kept", OWNER, (0,)))
        elif fate < 0.9:
            raw.append((due + rng.randint(600, 4 * 3600), "kept", OWNER, (0,)))
    holders = [first_owner]
    th = busy + rng.randint(600, 3 * 3600)
    for _ in range(2):
        if rng.random() >= (0.2 if len(holders) == 1 else 0.15):
            break
        to = rng.choice([o for o in owners if o not in holders])
        raw.append((th, "handoff", OWNER, (to, rng.choice(w.NOTES))))
        fate = rng.random()
        if fate < 0.75 or fate >= 0.95 and len(holders) > 1:
            th += rng.randint(600, 3600) if rng.random() < 0.85 else rng.randint(4 * 3600 + 60,
                                                                                   9 * 3600)
            raw.append((th, "accept", to, ()))
            holders.append(to)
        elif fate < 0.9:
            th += rng.randint(300, 3600)
            raw.append((th, "decline", to, (rng.choice(("on leave tomorrow", None)),)))
            break
        else:
            th += rng.randint(5 * 3600, 20 * 3600)  # left unanswered until resolution
            break
        th += rng.randint(1800, 3 * 3600)
    busy = max(busy, th)
    if joined and rng.random() < 0.35:
        spec_id, f, at = rng.choice(joined)
        raw.append((busy + rng.randint(60, 900), "thanks", OWNER, (spec_id,
                                                                   rng.choice(w.ADDED[f]))))
    if joined and rng.random() < 0.08:
        spec_id, _, at = joined[0]
        raw.append((busy + rng.randint(60, 900), "thanks", spec_id,
                    (OWNER, rng.choice(w.ADDED["support"]))))
    if rng.random() < 0.18:
        process, _, says = rng.choices(w.FRICTION, [f[1] for f in w.FRICTION])[0]
        who = rng.choice([OWNER] + [j[0] for j in joined])
        raw.append((need_at + rng.randint(60, max(61, busy - need_at)), "friction", who,
                    (process, rng.choice(says))))
    for _ in range(rng.choice((0, 0, 0, 1))):
        raw.append((need_at + rng.randint(60, max(61, busy - need_at)), "note", OWNER,
                    (rng.choice(w.NOTES),)))
    if rng.random() < 0.98:  # a few cases stay open for good
        # Outcomes and kept promises may come after resolution; nothing else may.
        busy = max(off for off, kind, _, _ in raw if kind not in ("outcome", "kept"))
        resolve = max(busy + rng.randint(300, 3600), _lognormal(rng, 6 * 3600, 1.1))
        raw.append((resolve, "resolve", OWNER, (rng.choice(w.TOUCHES[functions[0]]),)))
    return _walk(raw, case_no, t0, first_owner, horizon)


def _walk(raw: list[tuple[int, str, str, tuple]], case_no: int, t0: int, owner: str,
          horizon: int) -> list[Step]:
    """Order a case's steps, drop what falls after the horizon, and name each step's actor."""
    raw.sort(key=lambda r: r[0])  # stable: steps planned at one instant keep their order
    out: list[Step] = []
    for seq, (off, kind, actor, args) in enumerate(raw):
        at = t0 + off
        if at >= horizon:
            continue
        if actor == OWNER:
            actor = owner
        if kind == "thanks" and args[0] == OWNER:
            args = (owner, args[1])
        if kind == "accept":
            owner = actor
        if kind == "promise":
            args = (args[0], t0 + args[1], args[2])  # the due time was planned as an offset
        out.append(Step(at, case_no, seq, kind, actor, args))
    if out:
        out[-1] = Step(out[-1].at, case_no, out[-1].seq, out[-1].kind, out[-1].actor,
                       out[-1].args, last=True)
    return out


def moment(at: int) -> datetime:
    return datetime.fromtimestamp(at, UTC)
