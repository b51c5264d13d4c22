"""A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl in a temporary folder, on a
free port on 127.0.0.1, stopped at the end. No Docker, no root-only paths.

PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user
(Debian's package creates it) and its commands run through `runuser`.
`SWARMBOT_TEST_DATABASE_URL` points the tests at a server of your own instead (a database
that user may create databases in).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def _bindir() -> Path | None:
    """Debian keeps the server programs off PATH, under /usr/lib/postgresql/<version>/bin."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self, url: str, stop: list[str] | None = None, folder: str | None = None,
                 pg_ctl: list[str] | None = None) -> None:
        self.url = url  # the maintenance database, where test databases are created
        self._stop = stop
        self._folder = folder
        self._pg_ctl = pg_ctl  # `pg_ctl -D data -o options -l log` (run as its owner)

    @classmethod
    def start(cls) -> Cluster:
        bindir = _bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL's initdb is not installed (Debian: apt-get install "
                               "postgresql)")
        folder = tempfile.mkdtemp(prefix="swarmbot-pg-")
        run_as: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")  # KeyError: no such user, reported by the caller
            os.chown(folder, user.pw_uid, user.pw_gid)
            run_as = ["runuser", "-u", "postgres", "--"]
        data, port = f"{folder}/data", _free_port()
        subprocess.run([*run_as, str(bindir / "initdb"), "-D", data, "-U", "swarmbot",
                        "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"],
                       check=True, capture_output=True)
        # Durability off: a test cluster is thrown away, and fsync would only slow the suite.
        options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        pg_ctl = [*run_as, str(bindir / "pg_ctl"), "-D", data, "-o", options,
                  "-l", f"{folder}/log"]
        subprocess.run([*pg_ctl, "-w", "start"], check=True, capture_output=True)
        stop = [*run_as, str(bindir / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]
        return cls(f"postgresql://swarmbot@127.0.0.1:{port}/postgres", stop, folder, pg_ctl)

    def server_pid(self) -> int | None:
        """The postmaster's process id (its backends are its children), for a cluster
        started here; None for a server of your own."""
        pid_file = Path(self._folder or "", "data", "postmaster.pid")
        if self._folder is None or not pid_file.exists():
            return None
        return int(pid_file.read_text(encoding="utf-8").split()[0])

    def pause(self) -> None:
        """Stop the server (`pg_ctl stop -m fast`: sessions are ended, connections refused)
        until `resume()`: a database outage. Only a cluster this process started can; never
        the session's shared one while other tests use it."""
        if self._pg_ctl is None:
            raise RuntimeError("not a cluster started here: it cannot be paused")
        subprocess.run([*self._pg_ctl, "-m", "fast", "-w", "stop"], check=True,
                       capture_output=True)

    def resume(self) -> None:
        """Start the paused server again, on the same port and data."""
        if self._pg_ctl is None:
            raise RuntimeError("not a cluster started here: it cannot be resumed")
        subprocess.run([*self._pg_ctl, "-w", "start"], check=True, capture_output=True)

    def new_database(self) -> str:
        """A fresh, empty database on the cluster; its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
        return self.url.rsplit("/", 1)[0] + "/" + name

    def empty(self, url: str) -> None:
        """Every table emptied and every identity back at 1; the schema stays."""
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'swarmbot_migrations'")]
            # DELETE, not TRUNCATE: the tables are small, and TRUNCATE's new files cost ~0.5 s.
            # Foreign keys are not checked meanwhile (replica role), so order does not matter.
            with conn.transaction():
                conn.execute("SET LOCAL session_replication_role = replica")
                for table in tables:
                    conn.execute(f"DELETE FROM {table}")
            for seq in conn.execute("SELECT sequencename FROM pg_sequences "
                                    "WHERE schemaname = 'public'").fetchall():
                conn.execute(f"ALTER SEQUENCE {seq[0]} RESTART")

    def stop(self) -> None:
        if self._stop:
            subprocess.run(self._stop, check=False, capture_output=True)
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)


def cluster_or_reason() -> tuple[Cluster | None, str]:
    """A running cluster, or why there is none (the tests skip with it, or fail in CI)."""
    url = os.environ.get("SWARMBOT_TEST_DATABASE_URL")
    if url:
        return Cluster(url), ""
    try:
        return Cluster.start(), ""
    except (RuntimeError, KeyError, OSError, subprocess.CalledProcessError) as err:
        detail = getattr(err, "stderr", b"") or b""
        return None, (f"no PostgreSQL for the tests: {err} "
                      f"{detail.decode(errors='replace').strip()}").strip()
