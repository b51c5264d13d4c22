"""The digest's functions pulled into swarms, and which functions were pulled in together,
from the week's touchpoints (case, function): counted per case, each function once a case.

A week at 500k cases has ~20k touchpoints over a handful of functions. Counting per case in
Python (a set per case, the pairs of each) was half of the digest's Python time; here the
per-case work happens in C (a set of the pairs, a sort by function, set intersections), and
the pairs are counted per pair of functions: one intersection of their cases' sets each.
With many distinct functions (more pairs than cases) the per-case count is the cheaper one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import chain, combinations
from typing import Any

# Above this many distinct functions in a week, the pairs are counted per case instead.
MOST_FUNCTIONS_BY_SET = 40


def functions(rows: Sequence[tuple[Any, ...]]) -> dict[str, Any]:
    """The "functions", "function_pairs" and "touchpoints" figures of (case, function) rows."""
    # function -> its cases, once each (a set each, filled as the rows come: no lists)
    cases_of: defaultdict[str, set[Any]] = defaultdict(set)
    for case_id, function in rows:
        cases_of[function].add(case_id)
    pulled = {f: len(ids) for f, ids in cases_of.items()}
    if len(cases_of) <= MOST_FUNCTIONS_BY_SET:
        pairs = {pair: n for pair in combinations(sorted(cases_of), 2)
                 if (n := len(cases_of[pair[0]] & cases_of[pair[1]]))}
    else:
        pairs = pairs_per_case(cases_of)
    # How many functions each case was pulled into, counted in C (a set at a time).
    per_case: Counter[Any] = Counter()
    for ids in cases_of.values():
        per_case.update(ids)
    n = len(per_case)
    thrice = sum(k for m, k in Counter(per_case.values()).items() if m >= 3)
    return {
        "functions": [{"function": f, "swarms": c}
                      for f, c in sorted(pulled.items(), key=lambda kv: (-kv[1], kv[0]))],
        "function_pairs": [{"functions": list(p), "swarms": c}
                           for p, c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))],
        "touchpoints": {"total": len(rows), "cases": n,
                        "per_case": round(len(rows) / n, 2) if n else None,
                        "cases_3plus_functions": thrice},
    }


def pairs_per_case(cases_of: dict[str, set[Any]]) -> dict[tuple[str, str], int]:
    """Cases per pair of functions, counted case by case (each case's sorted functions)."""
    per_case: defaultdict[Any, set[str]] = defaultdict(set)
    for function, ids in cases_of.items():
        for case_id in ids:
            per_case[case_id].add(function)
    several = [sorted(fs) for fs in per_case.values() if len(fs) > 1]
    return dict(Counter(chain.from_iterable(combinations(fs, 2) for fs in several)))
