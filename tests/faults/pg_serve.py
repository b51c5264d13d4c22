"""A real `swarmbot serve` on PostgreSQL (`[store] url`), for the outage tests of issue 23,
and the probes that watch it from processes of their own.

`PgServe` is serve_load's `LoadedServe` with the store on a database of a throwaway
cluster: the schema is applied by `swarmbot migrate --config` first (serve refuses a database
that is not current, as replicas do), and the store is read back through its interface.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.store import Store
from bot.store.postgres import open_pg_store
from testkit import REPO
from testkit.slack.fake_slack import FakeSlack
from tests.faults.serve_load import LoadedServe


class PgServe(LoadedServe):
    def __init__(self, tmp_path: Path, fake: FakeSlack, url: str) -> None:
        super().__init__(tmp_path, fake)
        self.url = url
        cfg = self.cfg.read_text(encoding="utf-8")
        path_line = f'path = "{self.db}"\n'
        assert path_line in cfg, cfg
        self.cfg.write_text(cfg.replace(path_line, f'url = "{url}"\n'), encoding="utf-8")

    def migrate(self) -> None:
        done = subprocess.run([sys.executable, "-m", "adapters.cli", "migrate", "--config",
                               str(self.cfg)], cwd=REPO, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr

    def store(self) -> Store:
        # A pool of one for the test's reads, opened afresh each time: a connection of a
        # pool opened before an outage would be dead after it.
        return open_pg_store(self.url, max_size=1)

    def db_files_open(self) -> int:
        raise NotImplementedError("PostgreSQL: no database file")
