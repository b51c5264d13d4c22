"""What the PostgreSQL benchmarks share: a database to run on.

`SWARMBOT_TEST_DATABASE_URL` points them at a server of your own (as it does the tests: a
database whose user may create databases); otherwise they start a throwaway cluster as the tests do
(testkit/pg_cluster.py: initdb + pg_ctl on a free port; fsync and synchronous_commit off, as
a test cluster is thrown away: the figures are the round trips and the queries, not the
disk).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testkit.pg_cluster import Cluster, cluster_or_reason  # noqa: E402


@contextmanager
def cluster() -> Iterator[Cluster]:
    """A running PostgreSQL (stopped at the end if it was started here)."""
    found, reason = cluster_or_reason()
    if found is None:
        raise SystemExit(f"benchmarks: {reason}")
    try:
        yield found
    finally:
        if not os.environ.get("SWARMBOT_TEST_DATABASE_URL"):
            found.stop()


def migrated(c: Cluster) -> str:
    """A new database on `c` at this release's schema; its URL."""
    from bot.store.postgres import open_pg_store

    url = c.new_database()
    open_pg_store(url, migrate=True).close()
    return url
