"""The PostgreSQL benchmarks (issues 10 and 28) as `python -m benchmarks` items, run only when
named (`--only pg_slack pg_replicas pg_experts`): each needs a PostgreSQL server (a
throwaway cluster, benchmarks/pg_common.py), which the default run does not. The digest's
PostgreSQL rows (`pg_digest`) run on kept data: benchmarks/pg_growth.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks import experts, pg_ack, pg_replicas
from benchmarks.sizes import Size
from benchmarks.table import Figure, figure


def pg_slack(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    r = pg_ack.measure(size.rounds, size.requests)
    ack, done = r["ack_s"], r["done_per_s"]
    return [figure("PostgreSQL: Slack `/swarm help` acked and answered, one replica", "req/s",
                   done["postgres"], done["sqlite"], "the same on SQLite", size.label),
            figure("PostgreSQL: Slack ack latency, serial, one replica", "ms",
                   ack["postgres"], ack["sqlite"], "the same on SQLite", size.label,
                   scale=1000)], r


def pg_replica_throughput(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    cases = max(3, size.requests // 10)
    r = pg_replicas.measure(cases, [1, 2, 3])
    one = [r["per_s"][1]]
    return [figure(f"PostgreSQL: {n} replica{'s' if n > 1 else ''}, commands done (each "
                   "delivered twice)", "cmd/s", [r["per_s"][n]], one if n > 1 else None,
                   "1 replica" if n > 1 else "", f"{r['commands']} commands")
            for n in (1, 2, 3)], r


def pg_experts(size: Size, data: Path) -> tuple[list[Figure], dict[str, Any]]:
    """The expert finder on PostgreSQL (benchmarks/experts.py --store postgres): 1k / 10k /
    50k people with --growth, as `experts` on SQLite."""
    r = experts.measure(size.people, size.queries, kind="postgres",
                        warmup=experts.warmup(size.queries))
    return experts.rows(r, "PostgreSQL: "), r


PG_BENCHES = {"pg_slack": pg_slack,
              "pg_replicas": pg_replica_throughput, "pg_experts": pg_experts}
