"""benchmarks/draft_build.py runs end to end at a tiny size (figures not judged)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_draft_build_benchmark_runs() -> None:
    run = subprocess.run([sys.executable, "benchmarks/draft_build.py", "--entries", "40",
                          "--decisions", "50", "--rounds", "2"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    figures = json.loads(run.stdout)
    assert figures["handoff draft p50 ms"] > 0 and figures["catchup summary p99 ms"] > 0
