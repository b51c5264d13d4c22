"""Issue 25: `swarmbot --db x.db` works as a global option, and a reader that stops early
(`| head`) ends the output quietly, no BrokenPipe traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

OPEN = '@alice /swarm open ZD-1 sev2 customer="Acme" Acme cannot log in\n'


def cli(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "adapters.cli", *args], cwd=REPO, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_db_before_the_command(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    shell = cli(["--db", str(db)], OPEN)  # no command: the shell, on that file
    assert shell.returncode == 0 and "invalid choice" not in shell.stderr, shell.stderr
    assert "Opened ZD-1" in shell.stdout
    export = cli(["--db", str(db), "export"])
    assert export.returncode == 0 and '"ref": "ZD-1"' in export.stdout
    found = cli(["--db", str(db), "find", "log", "in"])
    assert found.returncode == 0 and found.stdout.startswith("1. [shell] ZD-1")
    no_db = cli(["--db", str(db), "slack-manifest", "--url", "https://x.example"])
    assert no_db.returncode == 2
    assert no_db.stderr == "swarmbot: `swarmbot slack-manifest` takes no --db\n"


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert cli(["shell", "--db", str(db)], OPEN).returncode == 0
    for args in (["find", "--db", str(db), "log"], ["export", "--db", str(db)]):
        proc = subprocess.Popen([sys.executable, "-m", "adapters.cli", *args], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # gone before the command has started: every write is refused
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 0, err
        assert "Traceback" not in err and "BrokenPipe" not in err, err
