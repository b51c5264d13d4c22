"""The digest's functions pulled into swarms, and which functions were pulled in together,
from the week's touchpoints: counted per case, each function once a case.

The store groups the touchpoints (WINDOW_READS "touchpoints"): per set of functions a case
was pulled into, how many cases had that set and how many touchpoints they had. A week at
500k cases has ~20k touchpoints over a handful of functions and a few dozen such sets, so
the figures are sums over tens of rows, whatever the week's size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from typing import Any


def functions(sets: Sequence[tuple[Any, ...]]) -> dict[str, Any]:
    """The "functions", "function_pairs" and "touchpoints" figures of (functions, cases,
    touchpoints) rows: a set's functions each once, in any order; a set may come twice."""
    pulled: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    total = n = thrice = 0
    for fs, cases, touched in sets:
        names = sorted(set(fs))
        for f in names:
            pulled[f] += cases
        for pair in combinations(names, 2):
            pairs[pair] += cases
        total += touched
        n += cases
        if len(names) >= 3:
            thrice += cases
    return {
        "functions": [{"function": f, "swarms": c}
                      for f, c in sorted(pulled.items(), key=lambda kv: (-kv[1], kv[0]))],
        "function_pairs": [{"functions": list(p), "swarms": c}
                           for p, c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))],
        "touchpoints": {"total": total, "cases": n,
                        "per_case": round(total / n, 2) if n else None,
                        "cases_3plus_functions": thrice},
    }
