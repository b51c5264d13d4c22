"""One benchmark table: a figure per row, swarmbot's beside its baseline, measured in one run.

The machine is shared and noisy, so a row is read by its ratio (both sides measured side
by side, interleaved) more than by its absolute figures.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Figure:
    name: str  # what is measured, with its load ("/swarm help acked+answered, 50 conns")
    unit: str  # "ms", "req/s", "MB" …
    ours: float  # swarmbot's median
    lo: float  # swarmbot's min over rounds
    hi: float  # swarmbot's max over rounds
    baseline: float | None = None  # the baseline's median, measured in the same run
    baseline_name: str = ""
    size: str = ""  # the data size the figure was measured at ("small: 600 cases")
    target: str = ""  # issue 28's target for this figure ("p99 < 20 ms"), benchmarks/targets.py
    met: bool | None = None  # whether this run met it (None: no target)

    @property
    def ratio(self) -> float | None:
        return self.ours / self.baseline if self.baseline else None


def figure(name: str, unit: str, ours: list[float], baseline: list[float] | None = None,
           baseline_name: str = "", size: str = "", scale: float = 1.0) -> Figure:
    """A row from the samples of each side (medians; min-max of ours), times `scale`."""
    return Figure(name=name, unit=unit, ours=statistics.median(ours) * scale,
                  lo=min(ours) * scale, hi=max(ours) * scale,
                  baseline=statistics.median(baseline) * scale if baseline else None,
                  baseline_name=baseline_name, size=size)


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}" if abs(x) < 1 else f"{x:.1f}"


def render(figures: list[Figure]) -> str:
    """A Markdown table (it reads in a terminal too)."""
    lines = ["| figure | size | swarmbot | baseline | ratio | swarmbot min-max | target |",
             "|---|---|---:|---|---:|---:|---|"]
    for f in figures:
        base = f"{_num(f.baseline)} {f.unit} ({f.baseline_name})" if f.baseline else "-"
        ratio = "-" if f.ratio is None else f"{f.ratio:.2f}x" if f.ratio >= 0.1 else \
            f"{f.ratio:.3f}x"
        target = (f.target or "-") if f.met is None else \
            f"{f.target}: {'met' if f.met else '**NOT met**'}"
        lines.append(f"| {f.name} | {f.size} | {_num(f.ours)} {f.unit} | {base} | {ratio} | "
                     f"{_num(f.lo)}-{_num(f.hi)} | {target} |")
    return "\n".join(lines)


def machine(run: dict[str, Any] | None = None) -> dict[str, Any]:
    """The machine, and what `run` (benchmarks/__main__.py) adds: the load average at the
    run's start and end, its wall and CPU seconds, PostgreSQL's version if it ran."""
    return {"python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(), "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(), **(run or {})}


def machine_line(m: dict[str, Any]) -> str:
    line = (f"Machine: {m['cpus']} CPUs ({m['processor']}), {m['platform']}, Python "
            f"{m['python']}, SQLite {m['sqlite']}")
    if m.get("postgres"):
        line += f", PostgreSQL {m['postgres']}"
    if "load_start" in m:
        line += (f"; load average {m['load_start']:.2f} at the start, {m['load_end']:.2f} at "
                 f"the end; the run took {m['wall_s']:,.0f} s, {m['cpu_s']:,.0f} s CPU (this "
                 "process and its children; not the PostgreSQL server)")
    return line + "."


def write_json(path: Path, size: str, figures: list[Figure], extra: dict[str, Any],
               run: dict[str, Any] | None = None) -> None:
    rows = [{**asdict(f), "ratio": f.ratio} for f in figures]
    path.write_text(json.dumps({"size": size, "machine": machine(run), "figures": rows,
                                "details": extra}, indent=2, default=str))


def page(size: str, figures: list[Figure], command: str, notes: str = "",
         run: dict[str, Any] | None = None) -> str:
    """BENCHMARKS.md: the table of one run, the machine it ran on and how to run it again."""
    return (f"# Benchmarks\n\nThe latest table, from one run of\n\n```sh\n{command}\n```\n\n"
            f"{machine_line(machine(run))} The machine is shared with other work and "
            "noisy: each row's two sides were measured side by side in the same run, so read "
            "the ratio (swarmbot / baseline) more than the absolute figures.\n\n"
            f"Size: {size}.\n\n{render(figures)}\n" + (f"\n{notes}\n" if notes else ""))


def keep_sections(new_page: str, old_page: str | None) -> str:
    """The new table's page, followed by the sections (from the first `## ` heading on) of
    the page it replaces: separate runs written up by hand are kept, the old table and its
    notes are not."""
    start = old_page.find("\n## ") if old_page else -1
    if start < 0:
        return new_page
    return new_page.rstrip("\n") + "\n\n" + old_page[start + 1:]


def digest_figures(r: dict[str, Any], label: str, prefix: str = "") -> list[Figure]:
    """The week's digest computed and kept, warm and in a fresh process, each beside one
    indexed pass over the week (`r` from digest_year or pg_digest_year.measure_week)."""
    name = f"{prefix}digest of {r['week']} ({r['rows']:,} timeline rows)"
    base = ("one indexed pass", label)
    return [figure(f"{name}, computed, warm", "ms", r["digest_s"], r["baseline_s"], *base,
                   scale=1000),
            figure(f"{name}, kept, warm", "ms", r["kept_s"], r["baseline_s"], *base,
                   scale=1000),
            figure(f"{prefix}digest, first request in a fresh process, computed", "ms",
                   [t for t, _ in r["fresh_computed_s"]], r["baseline_s"], *base, scale=1000),
            figure(f"{prefix}digest, first request in a fresh process, kept", "ms",
                   [t for t, _ in r["fresh_kept_s"]], r["baseline_s"], *base, scale=1000)]
