"""benchmarks/similar_year.py's cold queries and read-through (issue 28, eleventh session):
the `similar` rows run on the year's file read through once (as a running bot's index stays
in the OS cache), and before that a few queries are timed each on the file just dropped
from the OS cache, a row of their own, drawn apart from the counted queries."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_cold_queries_run_first_each_after_an_eviction_then_the_file_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import similar_year
    from benchmarks.growth import year_db
    from benchmarks.sizes import SIZES

    db = year_db(SIZES["small"], tmp_path)  # a 600-case year made in tmp_path
    steps: list[str] = []
    real_evict, real_read = similar_year.evict, similar_year.read_through

    def evict(path: Path) -> None:
        steps.append("evict")
        real_evict(path)

    def read_through(path: Path) -> float:
        steps.append("read")
        return real_read(path)

    monkeypatch.setattr(similar_year, "evict", evict)
    monkeypatch.setattr(similar_year, "read_through", read_through)
    r = similar_year.measure(db, 12, like_queries=2, warmup=3, cold=4)
    assert steps == ["evict"] * 4 + ["read"]
    assert len(r["cold_s"]) == 4 and all(t > 0 for t in r["cold_s"])
    assert r["read_through_s"] > 0
    # the counted queries are those of a run without cold ones (the sample's first 12)
    plain = similar_year.measure(db, 12, like_queries=2, warmup=3)
    assert plain["cold_s"] == [] and r["found"] == plain["found"]
    assert len(r["times_s"]["similar"]) == 12 and len(r["times_s"]["like"]) == 2

