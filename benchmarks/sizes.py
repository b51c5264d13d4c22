"""The sizes `python -m benchmarks --size` runs at (the PostgreSQL entries read them too)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    rounds: int
    requests: int  # per round: Slack requests, Teams turns
    weeks: int  # the synthetic data: weeks x cases per week
    per_week: int
    # similar/find lookups and finder requests: their p99 rows need a few hundred (of 100,
    # the p99 was the slowest or second slowest: one stray query made it)
    queries: int
    swarms: int  # `/swarm open`s timed
    people: int = 1000  # the expert finder's directory
    open_cases: int = 1000  # the nudge pass's open cases (each with 6 nudges due)

    @property
    def label(self) -> str:
        return f"{self.name}: {self.weeks * self.per_week:,} cases"


SIZES = {
    "small": Size("small", rounds=2, requests=20, weeks=3, per_week=200, queries=20, swarms=3,
                  people=300, open_cases=100),
    "10k": Size("10k", rounds=5, requests=100, weeks=52, per_week=192, queries=300, swarms=7,
                people=1000, open_cases=1000),
    "medium": Size("medium", rounds=5, requests=100, weeks=52, per_week=1923, queries=300,
                   swarms=7, people=10_000, open_cases=3000),
    "large": Size("large", rounds=7, requests=200, weeks=52, per_week=9616, queries=300,
                  swarms=11, people=50_000, open_cases=10_000),
}
