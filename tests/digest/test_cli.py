"""`swarmbot demo` then `swarmbot digest`: the JSON contract, and bad input as one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import run

CONTRACT = {"week", "opened", "resolved", "open_at_end", "time_to_resolution",
            "time_to_connect", "handoffs", "owners_per_resolved_case", "mood_shift", "friction",
            "decisions", "recognition", "promises", "function_pairs", "previous"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    proc = run(["demo", "--db", str(db), "--weeks", "3", "--cases-per-week", "25", "--seed",
                "3", "--end-week", "2026-W45"])
    assert proc.returncode == 0, proc.stderr
    assert "through the services" in proc.stdout and "--week 2026-W45" in proc.stdout
    return db


def test_digest_json_keeps_its_contract(demo_db: Path) -> None:
    proc = run(["digest", "--db", str(demo_db), "--week", "2026-W45", "--tz", "Europe/Berlin",
                "--format", "json"])
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert set(d) >= CONTRACT and CONTRACT - {"previous"} <= set(d["previous"])
    assert d["week"] == "2026-W45" and d["previous"]["week"] == "2026-W44"
    for key in ("time_to_resolution", "time_to_connect"):
        assert set(d[key]) == {"median_s", "p90_s", "n"}
    assert {"accepted", "declined", "stalled"} <= set(d["handoffs"])
    assert set(d["mood_shift"]) == {"improved", "same", "worse"}
    assert set(d["decisions"]["by_risk"]) == {"low", "medium", "high"}
    assert set(d["decisions"]["by_outcome"]) == {"kept", "lost", "escalated", "pending"}
    assert set(d["promises"]) == {"kept", "late", "broken", "open"}
    assert all(set(r) >= {"to", "from", "for"} for r in d["recognition"])
    assert all(set(f) == {"process", "reports", "quotes"} for f in d["friction"])
    reports = [f["reports"] for f in d["friction"]]
    assert reports == sorted(reports, reverse=True) and reports
    assert all(len(p["functions"]) == 2 for p in d["function_pairs"])


def test_digest_markdown_and_html(demo_db: Path) -> None:
    md = run(["digest", "--db", str(demo_db), "--week", "2026-W45"])
    assert md.returncode == 0 and md.stdout.startswith("# Swarm digest 2026-W45 (UTC)")
    assert "week before" in md.stdout and "## Process friction" in md.stdout
    html = run(["digest", "--db", str(demo_db), "--week", "2026-W45", "--format", "html"])
    assert html.returncode == 0 and html.stdout.startswith("<!doctype html>")


@pytest.mark.parametrize(("args", "says"), [
    (["--week", "2026-46"], "swarmbot: '2026-46' is not an ISO week: use YYYY-Www"),
    (["--week", "2026-W54"], "swarmbot: 2026 has no week 54"),
    (["--week", "2026-W45", "--tz", "Europe/Nowhere"], "swarmbot: unknown time zone"),
])
def test_bad_week_or_zone_is_one_line_exit_2(demo_db: Path, args: list[str], says: str) -> None:
    proc = run(["digest", "--db", str(demo_db), *args])
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith(says) and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_digest_of_a_missing_database_says_so(tmp_path: Path) -> None:
    proc = run(["digest", "--db", str(tmp_path / "nope.db"), "--week", "2026-W45"])
    assert proc.returncode == 2 and "no database at" in proc.stderr
    assert not (tmp_path / "nope.db").exists()


def test_demo_refuses_a_database_with_cases(demo_db: Path) -> None:
    proc = run(["demo", "--db", str(demo_db), "--weeks", "1", "--bulk"])
    assert proc.returncode == 2 and "already has cases" in proc.stderr
