"""Every CLI verb on PostgreSQL, as a user runs them: `migrate`, then the README's shell
session through `shell --config`, then `export --config` gives the same JSON (ids and times
aside) as the same session on SQLite; `serve` and `shell` refuse an unmigrated or newer
schema with one line; the URL comes from SWARMBOT_DATABASE_URL or `[store] url`."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.store import pg_schema
from bot.store.pg_db import PgDb
from testkit.pg_cluster import Cluster
from tests.conftest import REPO
from tests.shell.test_shell_pipe import SESSION

_ISO_IN_TEXT = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)?")
# Catch-up lines show the hour and minute: two runs a minute apart differ there too.
_CLOCK_IN_TEXT = re.compile(r"(?<![\d:])\d\d:\d\d(?![\d:])")


def cli(args: list[str], stdin: str = "", url: str | None = None,
        secrets: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SWARMBOT_DATABASE_URL"}
    env.update(secrets or {})
    if url:
        env["SWARMBOT_DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "adapters.cli", *args], cwd=REPO, input=stdin,
                          capture_output=True, text=True, timeout=120, env=env)


def _without_ids(value: Any) -> Any:
    # The shell runs on the wall clock, so times differ between the two runs (they are
    # replaced in the text before this); ids are the database's to give.
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def test_migrate_shell_and_export_give_the_same_json_on_both_stores(
        tmp_path: Path, pg_cluster: Cluster) -> None:
    url = pg_cluster.new_database()
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\npath = "{tmp_path / "unused.db"}"\n')

    refused = cli(["shell", "--config", str(cfg)], "/swarm list\n", url=url)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().count("\n") == 0
    assert "run `swarmbot migrate --config FILE` first" in refused.stderr

    migrated = cli(["migrate", "--config", str(cfg)], url=url)
    assert migrated.returncode == 0, migrated.stderr
    assert f"is current ({len(pg_schema.migration_names())} migrations applied" in (
        migrated.stdout)
    assert cli(["migrate", "--config", str(cfg)], url=url).returncode == 0  # twice: a no-op

    on_pg = cli(["shell", "--config", str(cfg)], SESSION, url=url)
    assert on_pg.returncode == 0, on_pg.stderr
    assert not (tmp_path / "unused.db").exists(), "the URL wins over [store] path"
    pg_export = cli(["export", "--config", str(cfg)], url=url)
    assert pg_export.returncode == 0, pg_export.stderr

    db = tmp_path / "shell.db"
    on_sqlite = cli(["shell", "--db", str(db)], SESSION)
    sqlite_export = cli(["export", "--db", str(db)])
    def plain(out: str) -> str:
        return _CLOCK_IN_TEXT.sub("<hh:mm>", _ISO_IN_TEXT.sub("<time>", out))

    assert plain(on_sqlite.stdout) == plain(on_pg.stdout)
    pg_cases = _without_ids(json.loads(_ISO_IN_TEXT.sub("<time>", pg_export.stdout)))
    assert pg_cases == _without_ids(json.loads(_ISO_IN_TEXT.sub("<time>",
                                                                sqlite_export.stdout)))
    assert pg_cases["cases"][0]["ref"] == "ZD-4711"


def test_store_url_in_the_config_file_and_db_meaning_sqlite(tmp_path: Path, pg_url: str
                                                            ) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\nurl = "{pg_url}"\n')
    opened = cli(["shell", "--config", str(cfg)],
                 "@alice /swarm open ZD-1 sev2 From the config's URL\n")
    assert opened.returncode == 0, opened.stderr
    db = PgDb(pg_url)
    try:
        assert [r["ref"] for r in db.execute("SELECT ref FROM cases")] == ["ZD-1"]
    finally:
        db.close()
    # --db keeps meaning a SQLite file, whatever the config says.
    local = tmp_path / "local.db"
    cli(["shell", "--config", str(cfg), "--db", str(local)],
        "@alice /swarm open ZD-2 sev2 In a file\n")
    assert local.is_file()
    assert '"ZD-2"' in cli(["export", "--db", str(local)]).stdout


def test_serve_refuses_a_newer_schema_in_one_line(tmp_path: Path, fresh_pg_url: str) -> None:
    pg_url = fresh_pg_url
    db = PgDb(pg_url)
    db.execute(f"INSERT INTO {pg_schema.MIGRATIONS_TABLE} (name) VALUES ('m999_future')")
    db.close()
    cfg = tmp_path / "config.toml"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg.write_text(f'[server]\nhost = "127.0.0.1"\nport = {port}\n[slack]\n'
                   'api_url = "http://127.0.0.1:9/api/"\ntriage_channel = "#swarm-triage"\n')
    proc = cli(["serve", "--config", str(cfg)], url=pg_url,
               secrets={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "swarmbot: the database schema is newer than this swarmbot (unknown migrations: "
        "m999_future): run the release that applied them"]


def test_a_url_that_is_not_postgresql_is_one_line(tmp_path: Path) -> None:
    proc = cli(["export"], url="mysql://db/x")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "swarmbot: [store] url (or SWARMBOT_DATABASE_URL) is not a PostgreSQL URL: give "
        "postgresql://user@host:5432/dbname (the password may come from PGPASSWORD)")


def test_demo_fills_the_store_of_its_config(tmp_path: Path, pg_url: str) -> None:
    """`swarmbot demo --config` fills PostgreSQL (the benchmarks' year loads so, with COPY);
    without --db or --config it says what it needs in one line."""
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[store]\nurl = "{pg_url}"\n')
    filled = cli(["demo", "--config", str(cfg), "--bulk", "--weeks", "1",
                  "--cases-per-week", "5", "--end-week", "2026-W46"])
    assert filled.returncode == 0, filled.stderr
    assert f"swarmbot digest --config {cfg}" in filled.stdout
    db = PgDb(pg_url)
    try:
        assert db.execute("SELECT COUNT(*) AS n FROM cases").fetchone()["n"] >= 4
    finally:
        db.close()
    assert not (tmp_path / "swarmbot.db").exists()
    bare = cli(["demo", "--weeks", "1"])
    assert bare.returncode == 2 and "Traceback" not in bare.stderr
    assert bare.stderr.strip() == ("swarmbot: demo needs a new database to fill: --db FILE "
                                   "(SQLite) or --config FILE (its [store])")
