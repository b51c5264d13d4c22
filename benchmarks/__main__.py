"""Every benchmark at one size, in one run, as one table (and JSON).

    python -m benchmarks [--size small|medium|large] [--growth] [--postgres] [--json FILE]
                         [--markdown FILE] [--only NAME ...] [--data-dir DIR]

Each benchmark module measures swarmbot beside its baseline in interleaved rounds; this
entry point only chooses the load per size and turns their results into table rows.
`large` is the synthetic year of the issue (52 weeks x 9,616 cases, made once under
--data-dir and reused); `small` runs in seconds (the smoke test runs it). `--growth` runs
the benchmarks whose work grows with the data at 10k / 100k / 500k cases, `--postgres` their
PostgreSQL rows too (on data kept under --data-dir: benchmarks/pg_kept.py); each of issue
28's figures carries its target, met or not (benchmarks/targets.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import (
    cases_wait,
    digest_year,
    help_vs_bolt,
    serve_rss,
    similar_year,
    slack_ack,
    teams_swarm,
    teams_turn,
    time_to_swarm,
)
from benchmarks.growth import finder, nudge, year_db
from benchmarks.pg_entries import PG_BENCHES
from benchmarks.pg_growth import PG_GROWTH
from benchmarks.pg_kept import kept_run
from benchmarks.sizes import SIZES, Size
from benchmarks.table import (
    Figure,
    digest_figures,
    figure,
    keep_sections,
    machine,
    machine_line,
    page,
    render,
    write_json,
)
from benchmarks.targets import judge, summary

# --growth: the benchmarks whose work grows with the data, at three sizes of it.
GROWTH = ("10k", "medium", "large")
LAST_WEEK = "2026-W52"
# Similar cases on a cold file: queries timed each after the year's file left the OS cache
# (a few seconds at 500k cases), their own row, before the file is read through for the rest.
COLD_QUERIES = 10

Bench = Callable[[Size, Path], tuple[list[Figure], dict[str, Any]]]


def slack(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    r = asyncio.run(slack_ack.measure(size.rounds, size.requests))
    done, ack = r["done_per_s"], r["ack_s"]
    seconds = 0.5 if size.name == "small" else 2.0
    rate = asyncio.run(slack_ack.measure_rate(max(2, size.rounds // 2), 200, seconds))
    lat, cpu = rate["ack_s"], rate["cpu_ms_per_request"]
    p99 = {k: [slack_ack.pct(v, 99)] for k, v in lat.items()}
    load = f"200 req/s open loop, {len(lat['swarmbot'])} requests"
    return [figure("Slack `/swarm help` acked and answered", "req/s", done["swarmbot"],
                   done["bolt+answer"], "bare Bolt acking + answering", size.label),
            figure("Slack ack latency, serial", "ms", ack["swarmbot"], ack["bare bolt"],
                   "bare Bolt acking", size.label, scale=1000),
            figure(f"Slack ack p99 ({load})", "ms", p99["swarmbot"], p99["bolt+answer"],
                   "bare Bolt acking + answering", size.label, scale=1000),
            figure(f"Slack server CPU per request ({load})", "ms", [cpu["swarmbot"]],
                   [cpu["bolt+answer"]], "bare Bolt acking + answering", size.label)], \
        {**r, "rate": rate}


def teams(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    r = asyncio.run(teams_turn.bench(size.rounds, size.requests, 1))
    rounds, cpu, idle = r["all_rounds"], r["server_cpu_ms_per_turn"], r.pop("idle_reply_s")
    base = ("stock botbuilder echo", size.label)
    return [figure("Teams turn (`status`), one sender, until the reply", "turns/s",
                   rounds["swarmbot"], rounds["stock"], *base),
            figure("Teams server CPU per turn", "ms", [cpu["swarmbot"]], [cpu["stock"]], *base),
            figure("Teams reply time, one turn at a time (median)", "ms", idle["swarmbot"],
                   idle["stock"], *base, scale=1000)], r


def rss(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    requests, opens = (200, 5) if size.name == "small" else (2000, 50)
    r = asyncio.run(serve_rss.measure(requests, opens))
    base = ("bare Bolt process", size.label)
    return [figure("`swarmbot serve` memory (RSS), idle", "MB", [r["idle_mb"]["swarmbot"]],
                   [r["idle_mb"]["bare bolt"]], *base),
            figure(f"`swarmbot serve` memory (RSS) after {requests:,} requests and {opens} "
                   "opens", "MB", [r["loaded_mb"]["swarmbot"]], [r["loaded_mb"]["bare bolt"]],
                   *base)], r


def swarm(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    r = asyncio.run(time_to_swarm.measure(size.swarms, latency=0.150))
    rows = [figure(f"time to swarm: brief after `/swarm open` (Slack, "
                   f"{r['latency'] * 1000:.0f} ms per call)", "ms", r["brief_s"],
                   [2 * r["latency"]], "2 call latencies", size.label, scale=1000)]
    details: dict[str, Any] = {"slack": r}
    for graph in (False, True):
        t = asyncio.run(teams_swarm.measure(size.swarms, latency=0.150, graph=graph))
        details[f"teams {t['room']}"] = t
        rows.append(figure(f"time to swarm: brief after `open` (Teams {t['room']}, "
                           f"{t['latency'] * 1000:.0f} ms per call)", "ms", t["brief_s"],
                           [2 * t["latency"]], "2 call latencies", size.label, scale=1000))
    return rows, details


def cases(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    rounds, count = (1, 4) if size.name == "small" else (5, 30)
    r = asyncio.run(cases_wait.measure(rounds, count, latency=0.150))
    commands, ms = r["commands"], r["latency"] * 1000
    return [figure(f"cases do not wait for each other: {count} cases x {commands} commands at "
                   f"once, until the last answer (`swarmbot serve`, Slack {ms:.0f} ms per call)",
                   "s", [p["s"] for p in r["B"]], [p["s"] for p in r["A"]],
                   f"1 case x {commands} commands alone", size.label)], r


def help50(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    rounds, per = (1, 3) if size.name == "small" else (9, 20)
    r = asyncio.run(help_vs_bolt.measure(rounds, 50, per))
    runs, base = r["sides"], ("bare Bolt acking + answering", size.label)
    name = "Slack `/swarm help`, 50 connections, each answered on its response_url"
    rows = [figure(name, "req/s", [x["answered_per_s"] for x in runs["swarmbot"]],
                   [x["answered_per_s"] for x in runs["bare bolt"]], *base)]
    for q in (50, 99):
        ack = {side: [help_vs_bolt.pct([a for x in v for a in x["ack_s"]], q)]
               for side, v in runs.items()}
        rows.append(figure(f"{name}: ack p{q}", "ms", ack["swarmbot"], ack["bare bolt"], *base,
                           scale=1000))
    for v in runs.values():  # the summary keeps the percentiles; the JSON stays small
        for x in v:
            x.pop("ack_s")
    return rows, r


def digest(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    week = digest_year.parse_week(LAST_WEEK, "Europe/Berlin")
    for _ in range(size.weeks // 2):  # a finished week mid-way through the data
        week = week.previous()
    store = digest_year.open_store(year_db(size, data))
    try:
        r = digest_year.measure_week(store, week, size.rounds)
    finally:
        store.close()
    return digest_figures(r, size.label), r


def similar(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    """On the year's file read through first (the index a running bot reads at every brief
    stays in the OS cache); before that, 10 queries on the file just dropped from it."""
    r = similar_year.measure(year_db(size, data), size.queries, max(5, size.queries // 10),
                             cold=COLD_QUERIES)
    t = r["times_s"]
    p99 = [similar_year.pct(t["similar"], 99) / 1000]
    return [figure("similar cases, each on the file just dropped from the OS cache (median of "
                   f"{COLD_QUERIES})", "ms", r["cold_s"], None, "", size.label, scale=1000),
            figure("similar cases (median)", "ms", t["similar"], t["like"], "LIKE scan",
                   size.label, scale=1000),
            figure("similar cases (p99)", "ms", p99, [similar_year.pct(t["like"], 99) / 1000],
                   "LIKE scan", size.label, scale=1000),
            figure("find (median)", "ms", t["find"], t["like"], "LIKE scan", size.label,
                   scale=1000)], r


BENCHES: dict[str, Bench] = {"slack": slack, "teams": teams, "swarm": swarm,
                             "digest": digest, "similar": similar, "experts": finder,
                             "nudge": nudge, "rss": rss, "cases_wait": cases,
                             "help_vs_bolt": help50}
# What --growth runs at every size in GROWTH: the data's (digest, similar and find), the
# expert finder's directory (1k / 10k / 50k people), the nudge pass's open cases.
DATA_BENCHES = ("digest", "similar", "experts", "nudge")

# PostgreSQL (issues 10 and 28): they need a PostgreSQL server, so they run when named with
# --only; issue 28's (PG_ROWS: pg_digest on kept data replaces pg_entries' own) also with
# --postgres, and at every size with --growth.
EVERY: dict[str, Bench] = {**BENCHES, **PG_BENCHES, **PG_GROWTH}
PG_ROWS = tuple(n for n in ("pg_search", "pg_digest", "pg_nudge", "pg_experts") if n in EVERY)
GROWING = (*DATA_BENCHES, *PG_ROWS)


def plan(names: list[str], size: Size, growth: dict[str, Size] | None) -> list[tuple[str, Size]]:
    """What runs, in order: each name at `size`; with `growth` (GROWTH's sizes) the growing
    ones after the others at each of GROWTH's sizes up to `size`, smallest first (`small`,
    not one of them, runs them all: the smoke test passes small stand-ins)."""
    if growth is None:
        return [(n, size) for n in names]
    upto = GROWTH[:GROWTH.index(size.name) + 1] if size.name in GROWTH else GROWTH
    sizes = sorted([size, *(growth[g] for g in upto if g != size.name)],
                   key=lambda s: GROWTH.index(s.name) if s.name in GROWTH else -1)
    return [(n, size) for n in names if n not in GROWING] + \
        [(n, at) for n in names if n in GROWING for at in sizes]


def main(argv: list[str] | None = None, growth_sizes: dict[str, Size] | None = None) -> int:
    """`growth_sizes`: stand-ins for GROWTH's sizes (the smoke test's, to run in seconds)."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=list(SIZES), default="small")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--markdown", type=Path, help="also write the table as this page "
                    "(BENCHMARKS.md), with the machine and the command; the page's own "
                    "sections (from its first '## ' heading) are kept")
    ap.add_argument("--only", nargs="+", choices=list(EVERY), help="run only these")
    ap.add_argument("--growth", action="store_true",
                    help="also run the benchmarks that grow with the data at each size up to "
                         "--size: digest, similar and find at 10k, 100k and 500k cases, the "
                         "expert finder at 1k, 10k and 50k people, the nudge pass at 1k, 3k and "
                         "10k open cases (and the PostgreSQL rows with --postgres)")
    ap.add_argument("--postgres", action="store_true",
                    help="also run issue 28's PostgreSQL rows (" + ", ".join(PG_ROWS) + ") on "
                         "data made once under --data-dir and kept (a PostgreSQL cluster there; "
                         "SWARMBOT_TEST_DATABASE_URL: a server of your own)")
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="where the synthetic data is made and kept (default: a temporary "
                         "directory for small, /tmp/swarmbot-bench otherwise)")
    args = ap.parse_args(argv)
    size = SIZES[args.size]
    run: dict[str, Any] = {"load_start": os.getloadavg()[0]}
    wall, cpu = time.perf_counter(), _cpu()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data_dir or (Path(tmp) if size.name == "small"
                                 else Path("/tmp/swarmbot-bench"))
        data.mkdir(parents=True, exist_ok=True)
        figures: list[Figure] = []
        details: dict[str, Any] = {}
        names = args.only or list(BENCHES)
        names += [n for n in PG_ROWS if args.postgres and n not in names]
        with kept_run(data) as pg:
            for name, at in plan(names, size, (growth_sizes or SIZES) if args.growth else None):
                started = time.perf_counter()
                key = name if at is size else f"{name} {at.name}"
                rows, details[key] = EVERY[name](at, data)
                figures += rows
                print(f"{name} ({at.name}): {time.perf_counter() - started:.1f} s",
                      file=sys.stderr)
            run["postgres"] = pg.version()
            details["pg_filled_s"] = pg.filled  # databases filled in this run (not reused)
    run.update(load_end=os.getloadavg()[0], wall_s=time.perf_counter() - wall,
               cpu_s=_cpu() - cpu)
    figures = judge(figures)
    print(render(figures))
    print(f"\n{summary(figures)}\n\n{machine_line(machine(run))}".replace("\n\n\n", "\n\n"))
    if args.json:
        write_json(args.json, size.name, figures, details, run)
    if args.markdown:
        command = "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:])
        old = args.markdown.read_text(encoding="utf-8") if args.markdown.exists() else None
        args.markdown.write_text(keep_sections(page(size.label.split(":")[0], figures,
                                                    command, summary(figures), run), old),
                                 encoding="utf-8")
    return 0


def _cpu() -> float:
    """CPU seconds of this process and of its children that ended."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


if __name__ == "__main__":
    sys.exit(main())
