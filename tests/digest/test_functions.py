"""The functions' figures counted by sets (bot/digest/functions.py), from the touchpoints
grouped by function as the stores give them, equal a count case by case over the rows, the
way the digest counted before (a set of functions per case, the pairs of each), on random
weeks of touchpoints: few functions and many (the per-case path), repeated touchpoints,
cases with one function and with all of them."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from itertools import chain, combinations
from typing import Any

import pytest

from bot.digest import functions as f


def by_function(rows: list[tuple[int, str]]) -> list[tuple[str, int, set[str]]]:
    """The rows as SHAPED_READS "touchpoints_by_function" holds them (ids as text)."""
    grouped: defaultdict[str, list[str]] = defaultdict(list)
    for case_id, function in rows:
        grouped[function].append(str(case_id))
    return [(function, len(ids), set(ids)) for function, ids in grouped.items()]


def case_by_case(rows: list[tuple[int, str]]) -> dict[str, Any]:
    per_case: defaultdict[int, set[str]] = defaultdict(set)
    for case_id, function in rows:
        per_case[case_id].add(function)
    pulled = Counter(chain.from_iterable(per_case.values()))
    several = [sorted(fs) for fs in per_case.values() if len(fs) > 1]
    pairs = Counter(chain.from_iterable(combinations(fs, 2) for fs in several))
    n = len(per_case)
    return {
        "functions": [{"function": k, "swarms": c}
                      for k, c in sorted(pulled.items(), key=lambda kv: (-kv[1], kv[0]))],
        "function_pairs": [{"functions": list(p), "swarms": c}
                           for p, c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))],
        "touchpoints": {"total": len(rows), "cases": n,
                        "per_case": round(len(rows) / n, 2) if n else None,
                        "cases_3plus_functions": sum(1 for fs in several if len(fs) >= 3)},
    }


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("by_set", [True, False])
def test_counted_by_sets_as_case_by_case(seed: int, by_set: bool,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    if not by_set:
        monkeypatch.setattr(f, "MOST_FUNCTIONS_BY_SET", 0)
    names = [f"fn{i}" for i in range(rng.choice((1, 3, 8, 60)))]
    rows = [(rng.randrange(rng.choice((1, 5, 40, 400))), rng.choice(names))
            for _ in range(rng.choice((0, 1, 7, 300, 3000)))]
    assert f.functions(by_function(rows)) == case_by_case(rows)


def test_a_week_with_no_touchpoints() -> None:
    assert f.functions([])["touchpoints"] == {"total": 0, "cases": 0, "per_case": None,
                                              "cases_3plus_functions": 0}
