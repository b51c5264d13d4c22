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
    queries: int  # similar/find lookups
    swarms: int  # `/swarm open`s timed

    @property
    def label(self) -> str:
        return f"{self.name}: {self.weeks * self.per_week:,} cases"


SIZES = {
    "small": Size("small", rounds=2, requests=20, weeks=3, per_week=200, queries=20, swarms=3),
    "10k": Size("10k", rounds=5, requests=100, weeks=52, per_week=192, queries=100, swarms=7),
    "medium": Size("medium", rounds=5, requests=100, weeks=52, per_week=1923, queries=100,
                   swarms=7),
    "large": Size("large", rounds=7, requests=200, weeks=52, per_week=9616, queries=300,
                  swarms=11),
}
