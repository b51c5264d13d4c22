"""docs/access.md's shell session (roles, a confidential swarm, followers), run as a user
would script it, then `export --for` a person outside the confidential swarms."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO
from tests.shell.test_shell_pipe import run


def _block(after: str) -> str:
    page = (REPO / "docs" / "access.md").read_text(encoding="utf-8")
    return page.split(after, 1)[1].split("```", 2)[1].split("\n", 1)[1]


def _messages(out: str, head: str) -> list[str]:
    """Each message printed under `head`, with its indented lines."""
    found: list[list[str]] = []
    current: list[str] | None = None
    for line in out.splitlines():
        if line.startswith(head):
            current = [line]
            found.append(current)
        elif line.startswith(" ") and current is not None:
            current.append(line)
        else:
            current = None
    return ["\n".join(m) for m in found]


def test_the_access_session_in_the_shell(tmp_path: Path) -> None:
    config = tmp_path / "access.toml"
    config.write_text(_block("Access, config:"), encoding="utf-8")
    db = tmp_path / "access.db"
    proc = run(["shell", "--db", str(db), "--config", str(config)], _block("Access, session:"))
    out = proc.stdout
    assert proc.returncode == 0 and "Traceback" not in out + proc.stderr, proc.stderr
    assert "[only @manny] swarmbot: @lee is a lead now: runs the billing team" in out
    assert "    @lee: lead (granted by @manny " in out
    assert "[only @dan] swarmbot: error: Only a manager can grant or take back roles" in out
    assert "Opened ZD-90 in #swarm-zd-90, confidential." in out
    triage = out.split("[#swarm-triage] swarmbot: Help wanted on ZD-90", 1)[1].split("\n[", 1)[0]
    assert "payroll" in triage and "Initech" not in triage and "Board" not in triage
    assert "[DM @alice] swarmbot: @carol asks to join ZD-90" in out
    assert "[only @carol] swarmbot: error: ZD-90 is confidential" in out
    assert "[only @carol] swarmbot: No case matches `payroll`." in out
    for follower in ("@fay", "@acct.owner"):
        told = _messages(out, f"[DM {follower}]")
        assert len(told) == 2, told  # the mood and the resolution; not the note
        assert "mood on ZD-91 is angry" in told[0] and "resolved by @alice" in told[1]
        assert not any("billing run" in m for m in told)
    assert "[only @manny] swarmbot: ZD-91 is confidential now" in out

    mine = json.loads(run(["export", "--db", str(db), "--config", str(config),
                           "--for", "fay"]).stdout)["cases"]
    assert [(c["ref"], c.get("summary")) for c in mine] == [("ZD-90", None), ("ZD-91", None)]
    everything = json.loads(run(["export", "--db", str(db)]).stdout)
    assert everything["cases"][1]["followers"] == ["acct.owner", "fay"]
    assert everything["roles"][0]["granted_by"] == "manny"
