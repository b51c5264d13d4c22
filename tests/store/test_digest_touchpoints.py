"""Issue 28, m058: the week's touchpoints read per function (SHAPED_READS
"touchpoints_by_function", bot/store/digest_spreads.py) hold what the plain rows of
`window(lo, hi)["touchpoints"]` hold, grouped, on both stores; and the digest's functions
figures from them equal a count case by case over those rows. Weeks with no touchpoints,
one, and many; touchpoints on the window's bounds (lo counts, hi does not); functions whose
names hold commas, quotes, spaces and non-ASCII letters, and functions touched only outside
the window; more functions than the pairs are counted by sets for; a workspace's digest
beside the operator's."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

import pytest

from bot.digest import functions as f
from bot.digest.metrics import compute_digest
from bot.digest.weeks import Week, parse_week
from bot.domain import iso
from bot.store import Store
from tests.digest.test_functions import case_by_case
from tests.store.conftest import in_workspace, open_case

AFTER = datetime.fromisoformat("2026-12-01T00:00:00+00:00")
# Names a user can give a function (`touch <function> ...`, lower-cased, one word), and what a
# bulk import may hold: the separator the store joins ids with must not split them.
ODD = ["billing,legal", "l'équipe", "a\"b", "na ïve", "%", "_", "zz" * 40]


def _grouped(rows: list[tuple[int, str]]) -> dict[str, tuple[int, set[str]]]:
    per: defaultdict[str, list[str]] = defaultdict(list)
    for case_id, function in rows:
        per[function].append(str(case_id))
    return {function: (len(ids), set(ids)) for function, ids in per.items()}


def _shaped(store: Store, week: Week) -> dict[str, tuple[int, set[str]]]:
    rows = store.digest.window(iso(week.start), iso(week.end), iso(AFTER), 0,
                               week.day_bounds())["touchpoints_by_function"]
    assert len({function for function, _, _ in rows}) == len(rows), "one row per function"
    return {function: (n, ids) for function, n, ids in rows}


def fill(store: Store, week: Week, rng: random.Random, n: int, names: list[str],
         workspace: str) -> None:
    """`n` touchpoints in `week`, and some on its bounds and just outside it."""
    with in_workspace(workspace):
        cases = [open_case(store, f"ZD-{workspace}{n}-{i}", at=iso(week.start))
                 for i in range(max(1, n // 4))]
        times = [week.start, week.end, week.start - timedelta(seconds=1),
                 week.end - timedelta(seconds=1)]
        with store.transaction():
            for i in range(n + 4):
                at = times[i - n] if i >= n else week.start + timedelta(
                    seconds=rng.randrange(int((week.end - week.start).total_seconds())))
                store.journal.add_touchpoint(rng.choice(cases), rng.choice(names), "call",
                                             "ann", iso(at))
            # a function touched only the week before: not one of this week's
            store.journal.add_touchpoint(cases[0], "only-before", "call", "ann",
                                         iso(week.start - timedelta(days=2)))


@pytest.mark.parametrize("n", [0, 1, 9, 300])
def test_touchpoints_per_function_hold_the_plain_rows(store: Store, n: int) -> None:
    rng = random.Random(n)
    week = parse_week(("2026-W13", "2026-W20", "2026-W44", "2026-W47")[n % 4],
                      ("Europe/Berlin", "Asia/Kathmandu", "UTC", "America/New_York")[n % 4])
    names = ["billing", "legal", "identity", *ODD] if n != 1 else ["billing"]
    fill(store, week, rng, n, names, "")
    fill(store, week, rng, max(n // 3, 1), names[:3], "TB")  # counted by operators too
    for workspace in ("", "TB"):
        with in_workspace(workspace):
            for shown in (week, week.previous()):
                plain = store.digest.window(iso(shown.start), iso(shown.end))["touchpoints"]
                assert _shaped(store, shown) == _grouped(plain), (workspace, shown)
                digest = compute_digest(store, shown, AFTER)
                got = {k: digest[k] for k in ("functions", "function_pairs", "touchpoints")}
                assert got == case_by_case(plain), (workspace, shown)
    if n >= 9:  # the fill made what it says: the bounds counted as the rows count them
        with in_workspace(""):
            shaped = _shaped(store, week)
        assert sum(k for k, _ in shaped.values()) >= n + 2
        assert "only-before" not in shaped


def test_more_functions_than_the_sets_count_pairs_for(store: Store,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    week = parse_week("2026-W30", "UTC")
    rng = random.Random(7)
    fill(store, week, rng, 200, [f"fn{i}" for i in range(f.MOST_FUNCTIONS_BY_SET + 5)], "")
    plain = store.digest.window(iso(week.start), iso(week.end))["touchpoints"]
    digest = compute_digest(store, week, AFTER)
    assert len(digest["functions"]) > f.MOST_FUNCTIONS_BY_SET  # the per-case path ran
    assert digest["function_pairs"] == case_by_case(plain)["function_pairs"]
    assert digest["touchpoints"] == case_by_case(plain)["touchpoints"]
