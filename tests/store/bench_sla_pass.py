"""Benchmark (not collected by pytest): the SLA part of the nudge pass (bot/sla_watch.py)
over 10,000 open cases on SQLite, every case under a business-hours policy, half of them
with customer contacts. It runs at most once a minute; its two reads and the due times of
every target are what it costs. Median of five passes.
Run: .venv/bin/python tests/store/bench_sla_pass.py
"""
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from adapters.bootstrap import build_core
from bot.config import Config
from bot.domain import iso
from bot.sla_watch import SlaWatch
from testkit.fake_port import FakeChatPort

CASES = 10_000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Config()
        cfg.store.path = str(Path(tmp) / "bench.db")
        cfg.sla = {"gold": {"first_response": "1h", "next_update": "4h", "resolution": "24h",
                            "severities": ["sev1", "sev2", "sev3", "sev4"],
                            "timezone": "Europe/Berlin", "hours": "09:00-17:00",
                            "holidays": ["2026-12-24"]}}
        start = datetime(2026, 11, 16, 8, tzinfo=UTC)
        core = build_core(cfg, {"fake": FakeChatPort(platform="fake")}, clock=lambda: start)
        store = core.deps.store
        with store.transaction():
            store.people.ensure("ann", "fake", "Ann", None, iso(start))
            for i in range(CASES):
                at = iso(start + timedelta(minutes=i % 600))
                cid = store.cases.add(f"ZD-{i}", "Acme", "down", 1 + i % 4, "ann", "fake", at)
                if i % 2:
                    store.journal.add_touchpoint(cid, "support", "called", "ann", at)
        watch = SlaWatch(core.deps)
        times, found = [], 0
        for n in range(5):
            now = start + timedelta(hours=3, minutes=2 * n)
            t0 = time.perf_counter()
            found = len(watch.due(now))
            times.append(time.perf_counter() - t0)
        core.close()
    print(f"SLA pass over {CASES} open cases: median {statistics.median(times) * 1000:.0f} ms "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); {found} nudges due")


if __name__ == "__main__":
    main()
