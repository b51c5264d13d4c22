"""CPU per command and commands/s, PostgreSQL beside SQLite, on the same load in one run.

    python benchmarks/pg_cpu.py [--rounds 5] [--cases 30]
    python benchmarks/pg_cpu.py --statements     # statements a command sends, by kind

The core as `swarmbot serve` builds it (units, inbox writer, outbox), in this process, on
the in-memory chat port (the platform answers at once), once on a SQLite file and once on
a throwaway PostgreSQL (benchmarks/pg_common.py). `--cases` owners each type a case's work
(the cases_wait mix: need, note, touch, set, mood, promise, delight, note, status, help),
one command after another, all cases at once; each command is a keyed delivery, so its
inbox row, its unit of work and its outbox rows are all written. Rounds alternate the two
stores. Per command: this process's CPU (the store's client side and everything else) and,
on PostgreSQL, the CPU of the cluster's backends (read from /proc; 0 when
SWARMBOT_TEST_DATABASE_URL names a server of your own), which share the machine's cores.
The figures are ratios: the machine is shared and its speed drifts.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.bootstrap import build_core  # noqa: E402
from benchmarks.pg_common import cluster, migrated  # noqa: E402
from benchmarks.proc_cpu import children_cpu  # noqa: E402
from bot.config import Config  # noqa: E402
from handlers.delivery import Delivery, Sender, Typed  # noqa: E402
from testkit.fake_port import FakeChatPort  # noqa: E402

WORK = ("need {ref} billing networking", "note {ref} called the customer, SSO config exported",
        "touch {ref} identity checked the SAML assertion", "set {ref} severity {sev}",
        "mood {ref} frustrated locked out since Monday",
        "promise {ref} 17:00 call back with the fix",
        "delight {ref} a working login before their board meeting",
        "note {ref} identity found a clock skew on the IdP", "status {ref}", "help")


class Side:
    """One store: a core, its cases, and (PostgreSQL) the postmaster to count backends."""

    def __init__(self, name: str, cfg: Config, postmaster: int | None = None) -> None:
        self.name, self.postmaster = name, postmaster
        self.core = build_core(cfg, {"fake": FakeChatPort(platform="fake")})
        self.sent = 0

    async def say(self, user: str, text: str) -> None:
        self.sent += 1
        await self.core.receive(Delivery(source="fake", sender=Sender(user), room=None,
                                         what=Typed(text), key=f"{self.name}-{self.sent}"))

    async def open(self, cases: int) -> None:
        for c in range(cases):
            await self.say(f"U{c:03d}", f"open ZD-{c} sev2 Acme cannot log in after SSO change")

    def backends(self) -> float:
        return children_cpu(self.postmaster)

    async def round(self, cases: int, n: int) -> dict[str, float]:
        async def case(c: int) -> None:
            for line in WORK:
                await self.say(f"U{c:03d}", line.format(ref=f"ZD-{c}", sev=f"sev{1 + n % 4}"))
        before, db_before = resource.getrusage(resource.RUSAGE_SELF), self.backends()
        started = time.perf_counter()
        await asyncio.gather(*(case(c) for c in range(cases)))
        took = time.perf_counter() - started
        after, db_after = resource.getrusage(resource.RUSAGE_SELF), self.backends()
        commands = cases * len(WORK)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        return {"per_s": commands / took, "cpu_ms": cpu / commands * 1000,
                "db_ms": (db_after - db_before) / commands * 1000}


async def _measure(lite: Config, pg: Config, postmaster: int | None, rounds: int,
                   cases: int) -> dict[str, Any]:
    sides = [Side("sqlite", lite), Side("postgres", pg, postmaster)]
    for side in sides:
        await side.open(cases)
    runs: dict[str, list[dict[str, float]]] = {s.name: [] for s in sides}
    try:
        for n in range(rounds):
            for side in sides:
                runs[side.name].append(await side.round(cases, n))
    finally:
        for side in sides:
            side.core.close()
    ratios = [p["per_s"] / s["per_s"] for s, p in zip(runs["sqlite"], runs["postgres"],
                                                      strict=True)]
    return {"rounds": rounds, "cases": cases, "commands": cases * len(WORK), "runs": runs,
            "ratio": statistics.median(ratios), "ratios": ratios}


def measure(rounds: int, cases: int) -> dict[str, Any]:
    with cluster() as c, tempfile.TemporaryDirectory() as tmp:
        lite, pg = Config(), Config()
        lite.store.path = str(Path(tmp) / "bench.db")
        pg.store.url = migrated(c)
        return asyncio.run(_measure(lite, pg, c.server_pid(), rounds, cases))


def report(r: dict[str, Any]) -> None:
    print(f"the core in-process, {r['cases']} cases x {len(WORK)} commands at once per round, "
          f"{r['rounds']} rounds alternating, the platform answering at once")
    print(f"{'store':9} {'commands/s':>11} {'CPU/command':>12} {'+ database':>11} {'= total':>8}")
    for name, runs in r["runs"].items():
        cpu = statistics.median(x["cpu_ms"] for x in runs)
        db = statistics.median(x["db_ms"] for x in runs)
        print(f"{name:9} {statistics.median(x['per_s'] for x in runs):11.0f} "
              f"{cpu:10.2f}ms {db:9.2f}ms {cpu + db:6.2f}ms")
    print(f"PostgreSQL / SQLite commands/s = {r['ratio']:.2f}x (round by round "
          + " ".join(f"{x:.2f}" for x in r["ratios"]) + "; target >= 0.7)")


def statements(cases: int) -> dict[str, float]:
    """Statements a command sends PostgreSQL on the same mix (one round, after the opens),
    each kind per command: what the client sends, counted in psycopg (queries, and the
    BEGIN / COMMIT / SAVEPOINT / RELEASE it sends for transactions) and in
    bot/store/pg_lean.py (the plain statements sent straight through libpq)."""
    import psycopg

    from bot.store import pg_lean

    counts: dict[str, int] = {}
    execute, command = psycopg.Cursor.execute, psycopg.Connection._exec_command
    lean = pg_lean.run

    def counted_lean(conn: Any, sql: str, params: Any) -> Any:
        got = lean(conn, sql, params)
        if got is not None:  # else it goes through the cursor, counted there
            counts[sql.split()[0].upper()] = counts.get(sql.split()[0].upper(), 0) + 1
        return got

    def counted(self: Any, query: Any, *args: Any, **kw: Any) -> Any:
        head = str(query).split()[0].upper()
        counts[head] = counts.get(head, 0) + 1
        return execute(self, query, *args, **kw)

    def counted_command(self: Any, sql: Any, *args: Any, **kw: Any) -> Any:
        text = sql.decode() if isinstance(sql, bytes) else sql.as_string(self) \
            if hasattr(sql, "as_string") else str(sql)
        counts[text.split()[0].upper()] = counts.get(text.split()[0].upper(), 0) + 1
        return command(self, sql, *args, **kw)

    async def run(pg: Config) -> None:
        side = Side("postgres", pg)
        try:
            await side.open(cases)
            counts.clear()
            await side.round(cases, 0)
        finally:
            side.core.close()

    with cluster() as c:
        pg = Config()
        pg.store.url = migrated(c)
        psycopg.Cursor.execute = counted  # type: ignore[method-assign]
        psycopg.Connection._exec_command = counted_command  # type: ignore[method-assign,assignment]
        pg_lean.run = counted_lean
        try:
            asyncio.run(run(pg))
        finally:
            psycopg.Cursor.execute = execute  # type: ignore[method-assign]
            psycopg.Connection._exec_command = command  # type: ignore[method-assign]
            pg_lean.run = lean
    n = cases * len(WORK)
    return {k: v / n for k, v in sorted(counts.items(), key=lambda kv: -kv[1])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python benchmarks/pg_cpu.py",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cases", type=int, default=30)
    ap.add_argument("--statements", action="store_true",
                    help="count the statements a command sends PostgreSQL instead")
    args = ap.parse_args(argv)
    if args.statements:
        per = statements(args.cases)
        print(f"statements a command sends PostgreSQL ({args.cases} cases x {len(WORK)} "
              f"commands): {sum(per.values()):.2f} (" +
              ", ".join(f"{k} {v:.2f}" for k, v in per.items()) + ")")
        return 0
    report(measure(args.rounds, args.cases))
    return 0


if __name__ == "__main__":
    sys.exit(main())
