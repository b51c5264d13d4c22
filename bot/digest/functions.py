"""The digest's functions pulled into swarms, and which functions were pulled in together,
from the week's touchpoints as the store gives them: per function, its touchpoints and the
set of its cases (SHAPED_READS "touchpoints_by_function"). Each function counts once a case.

A week at 500k cases has ~20k touchpoints over a handful of functions. The store groups
them by function (no row per touchpoint reaches Python); here everything is set operations
in C: a pair of functions is the intersection of their cases' sets, and the cases pulled
into three functions or more come from sets of cases seen once, twice and three times. With
many distinct functions (more pairs than cases) the pairs are counted case by case instead.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import chain, combinations
from typing import Any

# Above this many distinct functions in a week, the pairs are counted per case instead.
MOST_FUNCTIONS_BY_SET = 40


def functions(by_function: Sequence[tuple[Any, ...]]) -> dict[str, Any]:
    """The "functions", "function_pairs" and "touchpoints" figures of (function,
    touchpoints, set of case ids) rows, one per function."""
    cases_of: dict[str, set[Any]] = {function: ids for function, _, ids in by_function}
    total = sum(n for _, n, _ in by_function)
    pulled = {f: len(ids) for f, ids in cases_of.items()}
    if len(cases_of) <= MOST_FUNCTIONS_BY_SET:
        pairs = {pair: n for pair in combinations(sorted(cases_of), 2)
                 if (n := len(cases_of[pair[0]] & cases_of[pair[1]]))}
    else:
        pairs = pairs_per_case(cases_of)
    # The cases in at least one, two and three of the functions' sets.
    once: set[Any] = set()
    twice: set[Any] = set()
    thrice: set[Any] = set()
    for ids in cases_of.values():
        thrice |= ids & twice
        twice |= ids & once
        once |= ids
    n = len(once)
    return {
        "functions": [{"function": f, "swarms": c}
                      for f, c in sorted(pulled.items(), key=lambda kv: (-kv[1], kv[0]))],
        "function_pairs": [{"functions": list(p), "swarms": c}
                           for p, c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))],
        "touchpoints": {"total": total, "cases": n,
                        "per_case": round(total / n, 2) if n else None,
                        "cases_3plus_functions": len(thrice)},
    }


def pairs_per_case(cases_of: dict[str, set[Any]]) -> dict[tuple[str, str], int]:
    """Cases per pair of functions, counted case by case (each case's sorted functions)."""
    per_case: defaultdict[Any, set[str]] = defaultdict(set)
    for function, ids in cases_of.items():
        for case_id in ids:
            per_case[case_id].add(function)
    several = [sorted(fs) for fs in per_case.values() if len(fs) > 1]
    return dict(Counter(chain.from_iterable(combinations(fs, 2) for fs in several)))
