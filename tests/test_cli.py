"""The command line: start-up problems are one line naming what to fix, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "adapters.cli", *args], cwd=REPO, text=True,
                          capture_output=True, timeout=60, env=env)


def test_serve_without_a_platform_says_what_to_add(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f"[store]\npath = '{tmp_path / 'x.db'}'\n")
    proc = run(["serve", "--config", str(cfg)])
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("swarmbot: nothing to serve: add a [slack] or [teams] section "
                                   "to the config (see config.example.toml); `swarmbot shell` "
                                   "needs no server")


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    proc = run(["serve", "--config", str(tmp_path / "nope.toml")])
    assert proc.returncode == 2 and "config file not found" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_lists_the_subcommands() -> None:
    proc = run(["--help"])
    assert proc.returncode == 0
    for name in ("shell", "export", "serve"):
        assert name in proc.stdout


def test_the_example_config_is_valid_and_complete() -> None:
    from dataclasses import fields, is_dataclass

    from bot.config import Config, load_config

    cfg = load_config(REPO / "config.example.toml")
    text = (REPO / "config.example.toml").read_text()
    missing = [f"[{section.name}] {f.name}" for section in fields(Config)
               if is_dataclass(section.type) or section.name in ("server", "store", "slack")
               for f in fields(getattr(cfg, section.name))
               if not is_dataclass(getattr(getattr(cfg, section.name), f.name))
               and f"{f.name} =" not in text and f"# {f.name} =" not in text]
    assert cfg.slack.enabled is True
    assert missing == []


def test_a_wrong_type_in_the_config_is_one_line(tmp_path: Path) -> None:
    for body, expected in (("[server]\nport = '3000'\n",
                            "swarmbot: [config.server] port must be a whole number, not '3000'"),
                           ("[slack]\narchive_on_resolve = 'no'\n",
                            "swarmbot: [config.slack] archive_on_resolve must be true or false"),
                           ("[teams]\ngraph = 1\n",
                            "swarmbot: [config.teams] graph must be a [section]")):
        cfg = tmp_path / "config.toml"
        cfg.write_text(body)
        proc = run(["serve", "--config", str(cfg)])
        assert proc.returncode == 2 and proc.stderr.startswith(expected), proc.stderr
        assert "Traceback" not in proc.stderr


def test_find_searches_every_platform_ranked_and_paged(tmp_path: Path) -> None:
    from bot.store import open_store

    db = tmp_path / "find.db"
    store = open_store(db)
    for i, (platform, summary) in enumerate([("slack", "webhooks time out"),
                                             ("teams", "webhooks time out at night"),
                                             ("slack", "invoice wrong")]):
        store.people.ensure("ann", platform, "Ann", None, "2026-11-16T09:00:00Z")
        store.cases.add(f"ZD-{i}", "Acme", summary, 2, "ann", platform, "2026-11-16T09:00:00Z")
    store.close()
    proc = run(["find", "--db", str(db), "webhooks", "time"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("1. [slack] ZD-0") and "2. [teams] ZD-1" in proc.stdout
    assert "ZD-2" not in proc.stdout
    assert run(["find", "--db", str(db), "kangaroo"]).stdout.strip() == "No case matches."
    bad = run(["find", "--db", str(db), "the"])
    assert bad.returncode == 2 and "Give words to look for" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert run(["find", "--db", str(db), "webhooks", "--page", "0"]).returncode == 2
