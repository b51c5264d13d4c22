"""docs/sla.md: its config is valid, its shell session runs as the page says, and its
mistakes are reported as the page shows them."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_config
from bot.errors import ConfigError

DOC = Path(__file__).resolve().parents[2] / "docs" / "sla.md"
REPO = DOC.parents[1]


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_session_on_the_page_runs(tmp_path: Path) -> None:
    config, _ = blocks("toml")
    session, _ = blocks("text")
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    (tmp_path / "session.txt").write_text(session, encoding="utf-8")
    [command] = [line.strip() for b in blocks("sh") for line in b.splitlines() if line.strip()]
    words = shlex.split(command)
    assert words[0] == "swarmbot" and words[-2] == "<"
    with open(tmp_path / words[-1], encoding="utf-8") as stdin:
        proc = subprocess.run([sys.executable, "-m", "adapters.cli", *words[1:-2]],
                              cwd=tmp_path, stdin=stdin, capture_output=True, text=True,
                              timeout=120, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin"})
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in out + proc.stderr
    assert "ZD-1: sla is now rush." in out
    assert re.search(r"SLA \(rush\): First response: due .* UTC \(in 59 min\)", out), out
    moves = out.split("[clock] now ")
    assert "nudge sla_warn ZD-1 -> @alice" in moves[1]
    assert "nudge sla_breach ZD-1 -> @manny" in moves[2]
    assert "fired: 0" in moves[3].splitlines()[0]  # nothing twice
    assert re.search(r"First response: met .* \(late\); was due", out), out
    assert "Next update: due" in out


def test_the_mistakes_are_reported_as_shown(tmp_path: Path) -> None:
    _, bad = blocks("toml")
    _, shown = blocks("text")
    (tmp_path / "config.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "config.toml")
    assert sorted(str(err.value).splitlines()) == sorted(shown.strip().splitlines())


def test_the_example_config_policy_is_valid(tmp_path: Path) -> None:
    text = (REPO / "config.example.toml").read_text(encoding="utf-8")
    block = text.split("# [sla.gold]\n", 1)[1]
    lines = ["[sla.gold]"] + [line[2:] for line in block.splitlines() if line.startswith("# ")]
    (tmp_path / "config.toml").write_text("\n".join(lines) + "\n[types.billing]\n")
    gold = load_config(tmp_path / "config.toml").sla["gold"]
    assert {"first_response", "hours", "holidays", "escalate", "tags"} <= set(gold)
