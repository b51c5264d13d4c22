"""µs to read one Teams activity body: the fast reader against msrest, in one run.

    python benchmarks/activity_parse.py [--rounds 7] [--loops 2000]

For the message activity of benchmarks/teams_turn.py and each recorded payload in
tests/teams/payloads/: `parse_activity` (json.loads + check_envelope + the reader) and the
same with msrest's Deserializer (`read_with_msrest`, what parse_activity did before), plus
json.loads alone. Median over `rounds` of the mean over `loops` parses, interleaved; the
machine is shared and noisy, so the ratio measured in one run is what means most.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.teams.envelope import check_envelope, parse_activity, read_with_msrest  # noqa: E402
from benchmarks.teams_turn import activity  # noqa: E402


def with_msrest(raw: bytes) -> object:
    data = json.loads(raw.decode("utf-8"))
    check_envelope(data)
    return read_with_msrest(data)


def per_parse(fn: Callable[[bytes], object], raw: bytes, loops: int) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        fn(raw)
    return (time.perf_counter() - start) / loops * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--loops", type=int, default=2000)
    args = parser.parse_args()
    bodies = {"teams_turn message": activity("http://127.0.0.1:1/", "status ZD-1")}
    for path in sorted((ROOT / "tests" / "teams" / "payloads").glob("*.json")):
        bodies[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    sides: dict[str, Callable[[bytes], object]] = {
        "reader": parse_activity, "msrest": with_msrest,
        "json.loads": lambda raw: json.loads(raw.decode("utf-8"))}
    print(f"{'activity':<24}" + "".join(f"{name:>12}" for name in sides) + "     speedup")
    for label, body in bodies.items():
        raw = json.dumps(body).encode()
        times: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(args.rounds):
            for name, fn in sides.items():
                times[name].append(per_parse(fn, raw, args.loops))
        med = {name: statistics.median(t) for name, t in times.items()}
        print(f"{label:<24}" + "".join(f"{med[n]:>10.1f}µs" for n in sides)
              + f"{med['msrest'] / med['reader']:>11.1f}x")


if __name__ == "__main__":
    main()
