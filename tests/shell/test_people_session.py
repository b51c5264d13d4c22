"""docs/access.md's shell sessions of issue 26's second round (skill rules), run as a user
would script them."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO
from tests.shell.test_shell_pipe import run


def _block(after: str) -> str:
    page = (REPO / "docs" / "access.md").read_text(encoding="utf-8")
    return page.split(after, 1)[1].split("```", 2)[1].split("\n", 1)[1]


def test_the_skill_rules_session_in_the_shell(tmp_path: Path) -> None:
    config = tmp_path / "rules.toml"
    config.write_text(_block("Skill rules, config:"), encoding="utf-8")
    proc = run(["shell", "--db", str(tmp_path / "rules.db"), "--config", str(config)],
               _block("Skill rules, session:"))
    out = proc.stdout
    assert proc.returncode == 0 and "Traceback" not in out + proc.stderr, proc.stderr
    assert "The skill rules suggest billing, identity: billing (money: \u201crefund\u201d)" in out
    assert "[Ask triage for these] -> /swarm need ZD-70 suggested" in out
    triage = out.split("[#swarm-triage] swarmbot: Help wanted on ZD-70", 1)[1].split("\n[", 1)[0]
    assert "billing, identity" in triage and "@bob" in triage and "@ida" in triage
    assert out.count("Help wanted on ZD-70") == 1
    assert "error: Triage was asked for the suggested skills of ZD-70 already" in out
