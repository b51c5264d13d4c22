"""Two replicas keeping the same week's digest figures at once (each manager's digest is
computed by whichever scheduler ticks first): the second waits for the first and replaces
its row, where a delete-then-insert broke the key on PostgreSQL (seen in CI, issue 27's
two-scheduler test)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bot.store import Store, open_store
from bot.store.interfaces.digest import KeptDigest
from tests.store.conftest import STORES


@pytest.mark.parametrize("kind", sorted(STORES))
def test_two_stores_keep_the_same_week_at_once(kind: str, request: pytest.FixtureRequest,
                                              tmp_path: Path) -> None:
    first: Store = STORES[kind](request, tmp_path)
    second: Store = STORES[kind](request, tmp_path) if kind == "postgres" else \
        open_store(tmp_path / "contract.db")
    errors: list[BaseException] = []
    try:
        def keep(store: Store, n: int) -> None:
            try:
                with store.transaction():
                    store.digest_kept.keep("2026-W49", "UTC", "2026-11-23T00:00:00Z",
                                           "2026-12-07T00:00:00Z",
                                           KeptDigest({"n": n}, None, "2026-12-07T12:00:00Z"))
            except BaseException as err:  # the thread's failure is the test's
                errors.append(err)

        started = threading.Event()
        with first.transaction():
            first.digest_kept.keep("2026-W49", "UTC", "2026-11-23T00:00:00Z",
                                   "2026-12-07T00:00:00Z",
                                   KeptDigest({"n": 1}, None, "2026-12-07T12:00:00Z"))
            # The second replica starts while the first's row is not committed yet.
            other = threading.Thread(target=lambda: (started.set(), keep(second, 2)))
            other.start()
            started.wait(5)
            if kind == "postgres":
                # Hold the first transaction open until the second is waiting on its row.
                until = time.monotonic() + 20
                while not _waiting(first) and time.monotonic() < until:
                    time.sleep(0.01)
                assert _waiting(first), "the second replica never waited for the first"
        other.join(30)
        assert not other.is_alive()
        assert errors == []
        kept = second.digest_kept.get("2026-W49", "UTC")
        assert kept is not None and kept.figures == {"n": 2}
    finally:
        first.close()
        second.close()


def _waiting(store: Store) -> bool:
    """A backend waits for a lock (PostgreSQL): the second replica's insert."""
    row = store.db.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()
    return bool(row and list(row)[0])
