"""benchmarks/tails.py: each similar-case and finder query's own record (issue 28's p99
tails), so that the slowest can be told apart: the query's work, this process's, the
PostgreSQL backends', or a wait for a CPU on a busy machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.pg_cluster import Cluster


def test_sqlite_similar_records_every_query_as_the_row_runs_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import tails

    evicted: list[Path] = []
    real = tails.evict

    def counted_evict(path: Path) -> None:
        evicted.append(path)
        real(path)

    monkeypatch.setattr(tails, "evict", counted_evict)
    # a 600-case year made in tmp_path; its file dropped from the OS cache every 5th query
    records = tails.sqlite_similar("small", tmp_path, evict_every=5)
    assert len(evicted) == 5 and all(p.is_file() and p.parent == tmp_path for p in evicted)
    counted = [r for r in records if r["counted"]]
    assert (len(records), len(counted)) == (25, 20)  # 5 not counted, as the `similar` row
    assert [r["n"] for r in records] == list(range(25))
    assert all(r["words"] and r["wall_ms"] > 0 and r["wait_ms"] >= 0 for r in records)
    assert sum(r["cpu_ms"] for r in records) > 0  # the process CPU time of each query
    assert all(r["server_ms"] == {} for r in records)  # no server on SQLite


def test_pg_experts_records_each_backends_cpu(tmp_path: Path, pg_cluster: Cluster,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import tails

    monkeypatch.setenv("SWARMBOT_TEST_DATABASE_URL", pg_cluster.url)
    records = tails.pg_experts(100, 12, tmp_path)
    assert len(records) == 12
    # the backend that ran the statements is seen working (its schedstat), per request
    assert sum(bool(r["server_ms"]) for r in records) >= 10
    assert all(r["pool"]["connections_num"] >= 1 for r in records)


def test_finder_cpu_counts_the_backends_cpu_per_statement(
        tmp_path: Path, pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import finder_cpu

    monkeypatch.setenv("SWARMBOT_TEST_DATABASE_URL", pg_cluster.url)
    out = finder_cpu.measure(100, 2, 1, tmp_path)
    assert out["per_request"] > 0
    short_list = [v for k, v in out["statements"].items() if k.startswith("WITH x AS")]
    assert len(short_list) == 1 and short_list[0][0] == 1.0  # one a request
    # the statements' CPU is the request's, less what runs between them
    assert 0 < sum(ms for _, ms in out["statements"].values()) <= out["per_request"] * 1.01
