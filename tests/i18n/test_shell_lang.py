"""Issue 25: the shell speaks German with SWARMBOT_LANG=de, as docs/translations.md shows;
without it, English (the deployment's default)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.docs_blocks import blocks


def _shell(cwd: Path, stdin: str, lang: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "SWARMBOT_LANG"}
    if lang:
        env["SWARMBOT_LANG"] = lang
    proc = subprocess.run([sys.executable, "-m", "adapters.cli", "--db",
                           str(cwd / "shell.db")], cwd=REPO, input=stdin, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_shell_in_german_and_in_english(tmp_path: Path) -> None:
    session = "/swarm help\n/swarm frobnicate\n/nope\n@bob /swarm open\n"
    de = _shell(tmp_path, session, "de")
    assert "swarmbot-Befehle" in de and "/swarm open <ref> [sev1..sev4]" in de
    assert "Fehler: Unbekannter Befehl `frobnicate`." in de
    assert "Fehler: unbekannter Slash-Befehl `/nope`" in de
    assert "Einen Swarm eröffnen: tippe `/swarm open" in de  # the form, as the shell shows it
    en = _shell(tmp_path, session, None)
    assert "swarmbot commands" in en and "error: Unknown command `frobnicate`." in en
    assert "Fehler" not in en


def test_the_documented_shell_block_runs(tmp_path: Path) -> None:
    [block] = [b for b in blocks(REPO / "docs" / "translations.md")
               if b.run_by == "tests/i18n/test_shell_lang.py"]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
           f"{os.environ.get('PATH', '')}"}
    proc = subprocess.run(["bash", "-c", block.text], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Unbekannter Befehl `frobnicate`." in proc.stdout
    assert (tmp_path / "try-de.db").is_file()
