"""One benchmark on two commits of the code, runs interleaved, in one run.

    python -m benchmarks.ab --base COMMIT [--runs 4] -- benchmarks/pg_cpu.py --rounds 3

The machine these figures come from is shared and its speed drifts within minutes, so a
"before" measured at one time and an "after" at another say little. This exports COMMIT
(`git archive`) to a temporary folder and runs the same benchmark command in it ("before")
and in this checkout, or `--after COMMIT` exported too ("after"), in turns: before, after,
before, after ... Each run gets PYTHONPATH set to its tree, so the benchmark and the
`swarmbot serve` it starts run that tree's code (with this environment's packages). From
each run's output the figures the regex captures (by default every `= 0.50x` ratio a
benchmark prints on its result line) are collected; the report gives each figure's runs
and median, side by side.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A result line's figure: `PostgreSQL / SQLite commands/s = 0.50x`, `time(B)/time(A) = 1.96x`.
FIGURE = r"=\s*([0-9]+(?:\.[0-9]+)?)x"


def export(commit: str, into: Path) -> Path:
    """The tree of `commit` in `into` (the files git tracks, as they were)."""
    data = subprocess.run(["git", "archive", "--format=tar", commit], cwd=ROOT, check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def run(tree: Path, command: list[str], timeout: float) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, *command], cwd=tree, env=env, text=True,
                          capture_output=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"benchmarks.ab: {' '.join(command)} failed in {tree}:\n"
                         f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def figures(output: str, pattern: str) -> list[float]:
    return [float(m.group(1)) for m in re.finditer(pattern, output)]


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.ab",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="the commit to measure as 'before'")
    ap.add_argument("--after", help="the commit to measure as 'after' (default: this checkout)")
    ap.add_argument("--runs", type=int, default=4, help="runs a side (interleaved)")
    ap.add_argument("--figure", default=FIGURE, help="regex: group 1 is a figure")
    ap.add_argument("--timeout", type=float, default=900, help="seconds a run")
    ap.add_argument("--show", action="store_true", help="print every run's output")
    ap.add_argument("command", nargs="+", help="the benchmark: a script or -m module")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="swarmbot-ab-") as tmp:
        trees = {"before": export(args.base, Path(tmp) / "before"),
                 "after": export(args.after, Path(tmp) / "after") if args.after else ROOT}
        found: dict[str, list[list[float]]] = {"before": [], "after": []}
        print(f"benchmarks.ab: {' '.join(args.command)}; before = {args.base}, after = "
              f"{args.after or 'this checkout'}; {args.runs} runs a side, interleaved")
        for n in range(args.runs):
            for side, tree in trees.items():
                started, at_start = time.time(), load()
                out = run(tree, args.command, args.timeout)
                got = figures(out, args.figure)
                found[side].append(got)
                print(f"  run {n + 1} {side:6} {time.strftime('%H:%M:%S', time.gmtime(started))}"
                      f" UTC, load {at_start}, {time.time() - started:.0f} s: "
                      + " ".join(f"{x:g}" for x in got), flush=True)
                if args.show:
                    print(out)
        width = min(len(x) for runs in found.values() for x in runs)
        for i in range(width):
            line = [f"figure {i + 1}:"]
            for side in trees:
                values = [runs[i] for runs in found[side]]
                line.append(f"{side} median {statistics.median(values):g} "
                            f"({' '.join(f'{v:g}' for v in values)})")
            print("  ".join(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
