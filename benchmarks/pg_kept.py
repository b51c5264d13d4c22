"""The PostgreSQL data of `python -m benchmarks --postgres`, made once and kept.

One cluster under `--data-dir` (`<data-dir>/pg/data`, initdb'd on first use, started for a
run and stopped at its end), one database per data set (`year_52x9616`: the synthetic year
of that size, the same cases as the SQLite file `year-52x9616.db`; `nudge_10000`: the nudge
pass's open cases). A database is complete when it carries the marker comment written after
its fill (`COMMENT ON DATABASE ... IS 'swarmbot-bench filled ...'`); one without it (a fill
that was stopped) is dropped and filled again. So a second run costs only the measurements.

`SWARMBOT_TEST_DATABASE_URL` points it at a server of your own instead (the CI smoke test's
cluster): the same databases are made there. One run at a time uses a kept cluster (a lock
file beside it; a second run waits).

The cluster runs as the test clusters do (fsync and synchronous_commit off: the figures are
queries and round trips, not the disk); a machine crash can leave a kept database damaged
with its marker: delete `<data-dir>/pg` then.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testkit.pg_cluster import Cluster, _bindir, _free_port  # noqa: E402

MARK = "swarmbot-bench filled"


def _start_kept(folder: Path) -> Cluster:
    """The cluster of `folder` (made on first use), started on a free port."""
    bindir = _bindir()
    if bindir is None:
        raise SystemExit("benchmarks: PostgreSQL's initdb is not installed (Debian: apt-get "
                         "install postgresql)")
    run_as: list[str] = []
    owner = None
    if os.geteuid() == 0:  # PostgreSQL refuses root: the cluster belongs to `postgres`
        owner = pwd.getpwnam("postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    folder.mkdir(parents=True, exist_ok=True)
    if owner:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data = folder / "data"
    if not (data / "PG_VERSION").exists():  # made under another name, renamed when whole
        part = folder / "data.part"
        shutil.rmtree(part, ignore_errors=True)
        made = subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(part), "-U",
                               "swarmbot", "--auth=trust", "--encoding=UTF8", "--no-locale",
                               "--no-sync"], capture_output=True, text=True)
        if made.returncode:  # e.g. a data dir the `postgres` user cannot reach
            raise SystemExit(f"benchmarks: initdb {part} failed: {made.stderr.strip()}")
        part.rename(data)
    port = _free_port()
    options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    pg_ctl = [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
              "-l", str(folder / "log")]
    # a server left running by a run that was killed: stop it first (its port is unknown)
    subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                    "stop"], check=False, capture_output=True)
    subprocess.run([*pg_ctl, "-w", "-t", "300", "start"], check=True, capture_output=True)
    stop = [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
    return Cluster(f"postgresql://swarmbot@127.0.0.1:{port}/postgres", stop, None, pg_ctl)


class KeptData:
    """The kept cluster of one run: started on first use, stopped when the run ends."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / "pg"
        self._cluster: Cluster | None = None
        self._lock: IO[str] | None = None
        self.filled: dict[str, float] = {}  # database -> seconds its fill took in this run

    def cluster(self) -> Cluster:
        if self._cluster is None:
            url = os.environ.get("SWARMBOT_TEST_DATABASE_URL")
            if url:
                self._cluster = Cluster(url)
            else:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._lock = open(self.folder / "lock", "w")  # noqa: SIM115 (held until close)
                try:
                    fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    print(f"benchmarks: another run uses {self.folder}; waiting for it",
                          file=sys.stderr)
                    fcntl.flock(self._lock, fcntl.LOCK_EX)
                self._cluster = _start_kept(self.folder)
        return self._cluster

    def version(self) -> str | None:
        """The server's version, if this run used PostgreSQL."""
        if self._cluster is None:
            return None
        return str(self._query(self._cluster.url, "SHOW server_version")[0][0])

    def database(self, name: str, fill: Callable[[str], None]) -> str:
        """The URL of database `name`, made with `fill(url)` (on the migrated schema) unless
        a complete one is kept; brought to this release's schema either way."""
        from bot.store.pg_schema import MIGRATIONS_TABLE
        from bot.store.postgres import open_pg_store

        c = self.cluster()
        url = c.url.rsplit("/", 1)[0] + "/" + name
        rows = self._query(c.url, "SELECT shobj_description(oid, 'pg_database') FROM "
                           "pg_database WHERE datname = %s", (name,))
        if rows and (rows[0][0] or "").startswith(MARK):
            applied = self._query(url, f"SELECT COUNT(*) FROM {MIGRATIONS_TABLE}")
            open_pg_store(url, migrate=True).close()
            if self._query(url, f"SELECT COUNT(*) FROM {MIGRATIONS_TABLE}") != applied:
                # A migration that rewrote rows (m055) leaves the visibility map unset:
                # index-only reads visit the heap until autovacuum comes by. Vacuumed here,
                # as it soon would be, the rows measure the new schema, not that minute.
                self._query(url, "VACUUM ANALYZE")
            return url
        if rows:
            print(f"benchmarks: {name} was not filled to the end; filling it again",
                  file=sys.stderr)
            self._query(c.url, f"DROP DATABASE {name}")
        self._query(c.url, f"CREATE DATABASE {name} TEMPLATE template0")
        open_pg_store(url, migrate=True).close()
        started = time.perf_counter()
        fill(url)
        took = time.perf_counter() - started
        self.filled[name] = took
        self._query(c.url, f"COMMENT ON DATABASE {name} IS '{MARK} "
                    f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} in {took:.0f} s'")
        return url

    def copy(self, name: str, template: str) -> str:
        """A fresh copy `name` of the kept database `template` (a run that changes its data
        works on a copy; `drop` it after)."""
        c = self.cluster()
        self.drop(name)
        self._query(c.url, f"CREATE DATABASE {name} TEMPLATE {template}")
        return c.url.rsplit("/", 1)[0] + "/" + name

    def drop(self, name: str) -> None:
        self._query(self.cluster().url, f"DROP DATABASE IF EXISTS {name}")

    @staticmethod
    def _query(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def close(self) -> None:
        if self._cluster is not None and not os.environ.get("SWARMBOT_TEST_DATABASE_URL"):
            self._cluster.stop()
        self._cluster = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None


_RUN: KeptData | None = None


@contextmanager
def kept_run(data_dir: Path) -> Iterator[KeptData]:
    """The kept data of one `python -m benchmarks` run (what `kept()` answers meanwhile)."""
    global _RUN
    _RUN = KeptData(data_dir)
    try:
        yield _RUN
    finally:
        _RUN.close()
        _RUN = None


def kept(data_dir: Path) -> KeptData:
    if _RUN is None or _RUN.folder != data_dir / "pg":
        raise RuntimeError("benchmarks: the PostgreSQL entries run inside kept_run()")
    return _RUN
