"""Carry out a demo plan through the same services the chat commands use, on a settable clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.config import Config
from bot.digest.demo_plan import DemoPerson, DemoSpec, Step, moment, people, steps
from bot.domain import Person, iso
from bot.errors import CommandError
from bot.fake_port import FakeChatPort
from bot.services import cases, handoffs, journal, membership
from bot.services.base import Deps
from bot.store import Store

DEMO_PLATFORM = "shell"  # so that `swarmbot shell --db` can carry on with the demo's cases
# What demo cases say when resolve carries their open promises over (both demo writers).
DEMO_CARRY = "followed up after the case"


@dataclass
class SettableClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class DemoResult:
    cases: int = 0
    steps: int = 0
    people: list[DemoPerson] = field(default_factory=list)


def require_empty(store: Store) -> None:
    if store.cases.recent(limit=1):
        raise CommandError("the demo fills a new database: this one already has cases "
                           "(pick another --db path)")


def add_people(store: Store, crew: list[DemoPerson], at: str) -> None:
    for p in crew:
        store.people.ensure(p.id, DEMO_PLATFORM, p.name, None, at)
        store.people.set_function(p.id, p.function)
        store.people.add_skills(p.id, list(p.skills))
        if p.manager:
            store.people.set_manager(p.id, True)


async def run_services(store: Store, config: Config, spec: DemoSpec,
                       progress: Callable[[int], None] | None = None) -> DemoResult:
    require_empty(store)
    crew = people(spec)
    clock = SettableClock(moment(spec.start))
    port = FakeChatPort(platform=DEMO_PLATFORM, triage_room=config.shell.triage_room)
    deps = Deps(store=store, ports={DEMO_PLATFORM: port}, config=config, clock=clock)
    add_people(store, crew, iso(clock.now))
    actors: dict[str, Person] = {}
    ids: dict[tuple[str, int, int], int] = {}  # (kind, case_no, k) -> decision/promise id
    case_ids: dict[int, int] = {}
    result = DemoResult(people=crew)
    for step in steps(spec, crew):
        clock.now = moment(step.at)
        actor = actors.get(step.actor) or store.people.get(step.actor)
        assert actor is not None
        actors[step.actor] = actor
        await _do(deps, step, actor, case_ids, ids)
        result.steps += 1
        if step.kind == "open":
            result.cases += 1
            if progress and result.cases % 500 == 0:
                progress(result.cases)
        port.sent.clear()  # nobody reads the fake room traffic; don't keep it in memory
    return result


async def _do(deps: Deps, step: Step, actor: Person, case_ids: dict[int, int],
              ids: dict[tuple[str, int, int], int]) -> None:
    kind, a = step.kind, step.args
    if kind == "open":
        ref, customer, summary, severity, delight = a
        opened = await cases.open_case(deps, actor, DEMO_PLATFORM, ref, summary, severity,
                                       customer, delight)
        case_ids[step.case_no] = opened.case.id
        return
    case = deps.store.cases.by_id(case_ids[step.case_no])
    assert case is not None
    if kind == "need":
        await membership.need(deps, actor, case, list(a[0]), a[1])
    elif kind == "join":
        await membership.join(deps, actor, case)
    elif kind == "touch":
        journal.touch(deps, actor, case, a[0], a[1])
    elif kind == "mood":
        journal.mood(deps, actor, case, a[0], a[1])
    elif kind == "decide":
        ids["decide", step.case_no, a[0]] = journal.decide(deps, actor, case, a[1], a[2], a[3])
    elif kind == "outcome":
        journal.outcome(deps, actor, case, ids["decide", step.case_no, a[0]], a[1])
    elif kind == "promise":
        ids["promise", step.case_no, a[0]] = journal.promise(deps, actor, case, moment(a[1]),
                                                             a[2])
    elif kind == "kept":
        journal.kept(deps, actor, case, ids["promise", step.case_no, a[0]])
    elif kind == "handoff":
        await handoffs.offer(deps, actor, case, a[0], a[1], None)
    elif kind == "accept":
        await handoffs.accept(deps, actor, case)
    elif kind == "decline":
        await handoffs.decline(deps, actor, case, a[0])
    elif kind == "thanks":
        journal.thanks(deps, actor, case, a[0], a[1], DEMO_PLATFORM)
    elif kind == "friction":
        journal.friction(deps, actor, case, a[0], a[1])
    elif kind == "note":
        journal.note(deps, actor, case, a[0])
    elif kind == "resolve":
        # Demo promises are left open on purpose (the digest shows broken ones): resolve
        # carries them over, as an owner answering its question would.
        await cases.resolve_case(deps, actor, case, a[0], carry=DEMO_CARRY)
    else:
        raise ValueError(f"unknown demo step {kind}")
