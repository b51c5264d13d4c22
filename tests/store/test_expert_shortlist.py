"""The expert finder from the store's short list (issue 28) gives the very answer of the full
read (everyone with one of the skills), on both stores: a random directory with loads, past
help, people away, own working hours, people in the room, people excluded and statuses from
the platform; short lists of 1, 3 and 10 a subset (small ones cut inside ties and fall back)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from bot import tenancy
from bot.availability import PlatformStatus, WorkHours
from bot.config import Config
from bot.domain import CaseStatus, Role
from bot.services import membership
from bot.services.base import Deps
from bot.store import Store
from tests.store.conftest import T0

SKILLS = ["sso", "dns", "billing", "vpn", "saml", "tax"]


def _directory(store: Store, rng: random.Random) -> list[str]:
    ids = [f"U{i:03d}" for i in range(90)]
    with store.transaction():
        for pid in ids:  # in two workspaces (only the tenant's own are suggested)
            with tenancy.scoped(tenancy.Tenant(rng.choice(["T1", "T2"]))):
                store.people.ensure(pid, "slack", pid, None, T0)
            store.people.add_skills(pid, rng.sample(SKILLS, rng.randint(1, 3)))
            if rng.random() < 0.2:
                store.people.set_available(pid, False)
            if rng.random() < 0.1:  # off their own hours at most times of day
                store.prefs.set_hours(pid, WorkHours("03:00", "03:01", "UTC"))
        cases, participants, requests = [], [], []
        for n in range(1, 61):  # loads tie often (0-2), past help too
            status = CaseStatus.OPEN if n % 4 == 0 else CaseStatus.RESOLVED
            cases.append((n, f"ZD-{n}", "", "x", 3, status.value, rng.choice(ids), "slack",
                          None, None, None, None, T0, None if n % 4 == 0 else T0))
            for pid in rng.sample(ids, 3):
                participants.append((n, pid, Role.SPECIALIST.value, T0, None, None, None))
            requests.append((n, n, "|" + "|".join(rng.sample(SKILLS, 2)) + "|", None, ids[0],
                             T0))
        store.cases.bulk(cases=cases, participants=participants, help_requests=requests)
    return ids


@pytest.mark.parametrize(("per_subset", "tenant"), [(1, None), (3, None), (10, None),
                                                    (3, "T1")])
def test_the_short_list_answers_as_the_full_read(store: Store, per_subset: int,
                                                  tenant: str | None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(membership, "SHORTLIST_PER_SUBSET", per_subset)
    rng = random.Random(per_subset)
    ids = _directory(store, rng)
    # One instant for every read: a skipped person's reason names the minute ("off shift
    # ... 17:06 there"), which may turn between the two paths on a real clock.
    at = datetime(2026, 12, 6, 17, 6, tzinfo=UTC)
    deps = Deps(store=store, ports={}, config=Config(), clock=lambda: at)
    case = store.cases.by_ref("ZD-4")
    assert case is not None
    short = 0
    with tenancy.scoped(tenancy.Tenant(tenant) if tenant else None):
        for _ in range(60):
            skills = rng.sample(SKILLS, rng.randint(1, 4))
            exclude = set(rng.sample(ids, rng.randint(0, 6))) or None
            statuses = {p: PlatformStatus(out_of_office=rng.random() < 0.5)
                        for p in rng.sample(ids, rng.randint(0, 8))}
            full = membership.from_everyone(deps, case, skills, exclude, statuses)
            assert membership.find_experts(deps, case, skills, exclude, statuses) == full
            quick = membership._from_shortlist(deps, case, skills, exclude, statuses)
            if quick is not None:
                short += 1
                assert quick == full
            if tenant:  # only the tenant's own people are suggested
                assert all(store.people.workspace_of(p.person) == tenant for p in full.picks)
    assert short >= (5 if per_subset == 1 else 20)  # it answered many requests itself


@pytest.mark.parametrize("tenant", [None, "T1"])
def test_the_least_loaded_are_those_of_everyone_with_the_skills(store: Store,
                                                                tenant: str | None) -> None:
    """`need`'s presence look-up asks about the first few available people by (load,
    person): read in that order from the kept figures, the same as from every holder."""
    rng = random.Random(7)
    _directory(store, rng)
    with tenancy.scoped(tenancy.Tenant(tenant) if tenant else None):
        for _ in range(30):
            skills = rng.sample(SKILLS, rng.randint(1, 3))
            n = rng.choice([1, 5, 30])
            have = store.cases.expert_candidates(skills)
            ready = sorted((load, p) for p, (_, available, load) in have.items() if available)
            assert store.cases.least_loaded(skills, n) == [p for _, p in ready[:n]]
            assert ready  # the directory has people for every skill


@pytest.mark.parametrize("per_subset", [1, 3])
def test_the_helpers_first_are_the_same_read_subset_by_subset_or_ranked_at_once(
        store: Store, per_subset: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite reads the first helpers of each subset of up to three skills one subset at a
    time (bot/store/expert_ranked.py TOP_PER_MASK_UP_TO); PostgreSQL ranks them all at once:
    each way gives the same people with the same figures, loads and past help tying often."""
    from bot.store import expert_ranked

    rng = random.Random(11 + per_subset)
    _directory(store, rng)
    db = store.db  # type: ignore[attr-defined]
    asks = [rng.sample(SKILLS, rng.randint(1, 3)) for _ in range(40)]
    by_subset = [expert_ranked.firsts(db, skills, per_subset) for skills in asks]
    monkeypatch.setattr(expert_ranked, "TOP_PER_MASK_UP_TO", 0)
    assert [expert_ranked.firsts(db, skills, per_subset) for skills in asks] == by_subset
    assert sum(len(f) for f in by_subset) > 40  # people came back, not empty reads
