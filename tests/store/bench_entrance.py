"""Benchmark (not collected by pytest): one command through the entrance (inbox write, run,
done) on SQLite vs PostgreSQL, and the database round trips it costs on PostgreSQL.

The machine is shared, so the stores take turns (five rounds each, interleaved) and the
median round is reported: a neighbour's burst then lands on both, not on one.
Run: .venv/bin/python tests/store/bench_entrance.py
"""
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from adapters.bootstrap import build_core
from bot.config import Config
from bot.store import pg_db
from bot.store.postgres import open_pg_store
from handlers.delivery import Delivery, Sender, Typed
from testkit.fake_port import FakeChatPort
from testkit.pg_cluster import cluster_or_reason

ROUNDS, PER_ROUND = 5, 100


class Core:
    """A core with one open case; `round()` runs PER_ROUND keyed notes, ms per command."""

    def __init__(self, cfg: Config) -> None:
        self.core = build_core(cfg, {"fake": FakeChatPort(platform="fake")})
        self.n = 0

    async def start(self) -> None:
        await self.core.receive(Delivery(source="fake", sender=Sender("alice"), room=None,
                                         what=Typed("open ZD-1 sev2 bench"), key="open"))
        self.room = self.core.deps.store.cases.by_ref("ZD-1").room_id

    async def round(self) -> float:
        t = time.perf_counter()
        for _ in range(PER_ROUND):
            self.n += 1
            await self.core.receive(Delivery(source="fake", sender=Sender("alice"),
                                             room=self.room, what=Typed(f"note step {self.n}"),
                                             key=f"k{self.n}"))
        return (time.perf_counter() - t) / PER_ROUND * 1000


def count_round_trips() -> list[int]:
    """Wrap the PostgreSQL connection's statement calls to count them (BEGIN/COMMIT too)."""
    counter = [0]
    for name in ("execute", "tuples"):
        orig = getattr(pg_db.PgDb, name)

        def wrapped(self, sql, params=(), _orig=orig):  # noqa: ANN001
            counter[0] += 1
            return _orig(self, sql, params)
        setattr(pg_db.PgDb, name, wrapped)
    return counter


async def main(lite_cfg: Config, pg_cfg: Config) -> None:
    counter = count_round_trips()
    lite, pg = Core(lite_cfg), Core(pg_cfg)
    await lite.start()
    await pg.start()
    times: dict[str, list[float]] = {"sqlite": [], "postgres": []}
    before = counter[0]
    for _ in range(ROUNDS):
        times["sqlite"].append(await lite.round())
        times["postgres"].append(await pg.round())
    statements = (counter[0] - before) / (ROUNDS * PER_ROUND)
    a, b = statistics.median(times["sqlite"]), statistics.median(times["postgres"])
    print(f"per command (median of {ROUNDS} rounds of {PER_ROUND}): sqlite {a:.2f} ms, "
          f"postgres {b:.2f} ms, ratio {b / a:.1f}; {statements:.1f} statements per command "
          "on PostgreSQL (BEGIN and COMMIT not counted)")
    lite.core.close()
    pg.core.close()


c, reason = cluster_or_reason()
assert c is not None, reason
try:
    d = Path(tempfile.mkdtemp())
    lite, pg = Config(), Config()
    lite.store.path = str(d / "b.db")
    pg.store.url = c.new_database()
    open_pg_store(pg.store.url, migrate=True).close()
    asyncio.run(main(lite, pg))
finally:
    c.stop()
