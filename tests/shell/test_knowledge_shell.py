"""find, similar, history, journey and friction top in the shell, scripted through a pipe."""

from __future__ import annotations

from pathlib import Path

from tests.shell.test_shell_pipe import run

SESSION = """\
@alice /swarm open ZD-1 sev2 webhooks time out from their data centre
/swarm touch ZD-1 networking raised the tunnel timeout
/swarm friction ZD-1 access requests: a ticket for read access
/swarm resolve ZD-1 moved the webhook endpoint
/swarm open ZD-2 webhooks time out again
@bob /swarm find webhooks status=resolved
/swarm similar ZD-2
/swarm history ZD-1
/swarm journey ZD-1
/swarm friction top"""


def test_knowledge_commands_in_the_shell(tmp_path: Path) -> None:
    proc = run(["shell", "--db", str(tmp_path / "k.db")], SESSION)
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in out + proc.stderr
    assert "Solved before" in out  # in the brief of ZD-2
    assert "Cases matching `webhooks` (page 1)" in out
    assert "1. ZD-1 (resolved today): webhooks time out from their data centre → moved the " \
           "webhook endpoint" in out
    assert "Solved before, like ZD-2" in out
    assert "History of ZD-1, page 1 of 1" in out
    assert "1. networking" in out
    assert "1. access requests: 1 report by 1 person" in out
