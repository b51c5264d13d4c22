"""Carry out a demo plan through the real entrance, as typed commands, on a settable clock.

Each step is the command's own dataclass handed to `Entrance.execute`: the same validation,
rules and services as a person typing it, with no command text composed and parsed again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.config import Config
from bot.domain import iso
from bot.errors import CommandError
from bot.replies import Tone
from bot.store import Store
from demo.plan import DemoPerson, DemoSpec, Step, moment, people, steps
from handlers import cases, handoff, journal, swarm
from handlers.delivery import Sender

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
    # The composition root builds the entrance; the shell's port stands in for rooms.
    from adapters.bootstrap import build_core
    from adapters.shell.port import ShellChatPort

    require_empty(store)
    crew = people(spec)
    clock = SettableClock(moment(spec.start))
    # The shell's rooms, unprinted: the demo's cases are the shell's (DEMO_PLATFORM).
    port = ShellChatPort.silent(triage_room=config.shell.triage_room)
    entrance = build_core(config, {DEMO_PLATFORM: port}, clock=clock, store=store)
    add_people(store, crew, iso(clock.now))
    names = {p.id: p.name for p in crew}
    refs: dict[int, str] = {}
    result = DemoResult(people=crew)
    for step in steps(spec, crew):
        clock.now = moment(step.at)
        name, command = _command(step, store, refs)
        outcome = await entrance.execute(DEMO_PLATFORM, Sender(step.actor, names.get(step.actor)),
                                         name, command, ref=refs.get(step.case_no))
        errors = [r.text for r in outcome.replies if r.tone is Tone.ERROR]
        if errors:
            raise CommandError(f"demo step {step.kind} on case {step.case_no}: {errors[0]}")
        result.steps += 1
        if step.kind == "open":
            refs[step.case_no] = command.ref
            result.cases += 1
            if progress and result.cases % 500 == 0:
                progress(result.cases)
    return result


def _nth(ids: list[int], k: int) -> int:
    return ids[k] if k < len(ids) else ids[-1]


def _command(step: Step, store: Store, refs: dict[int, str]) -> tuple[str, Any]:
    """The step as its command's dataclass (decisions and promises by their k-th number)."""
    kind, a = step.kind, step.args
    if kind == "open":
        ref, customer, summary, severity, delight = a
        return "open", cases.OpenCase(ref=ref, severity=severity, customer=customer,
                                      summary=summary, delight=delight)
    case = store.cases.by_ref(refs[step.case_no])
    assert case is not None
    made = {
        "need": lambda: swarm.Need(tuple(a[0]), a[1]),
        "join": lambda: swarm.Membership(),
        "touch": lambda: journal.Touch(a[0], a[1]),
        "mood": lambda: journal.Mood(a[0], a[1]),
        "decide": lambda: journal.Decide(a[1], a[2], a[3]),
        "outcome": lambda: journal.Outcome(
            _nth([d.no for d in store.journal.decisions(case.id)], a[0]), a[1]),
        "promise": lambda: journal.Promise(moment(a[1]), a[2]),
        "kept": lambda: journal.Kept(
            _nth([p.no for p in store.journal.promises(case.id)], a[0])),
        "handoff": lambda: handoff.Handoff(a[0], a[1]),
        "accept": lambda: handoff.Answer(),
        "decline": lambda: handoff.Answer(a[0]),
        "thanks": lambda: journal.Thanks(a[0], a[1]),
        "friction": lambda: journal.Friction(a[0], a[1]),
        "note": lambda: journal.Note(a[0]),
        # Demo promises are left open on purpose (the digest shows broken ones): resolve
        # carries them over, as an owner answering its question would.
        "resolve": lambda: cases.Resolve(a[0], carry=DEMO_CARRY),
    }
    if kind not in made:
        raise ValueError(f"unknown demo step {kind}")
    return kind, made[kind]()
