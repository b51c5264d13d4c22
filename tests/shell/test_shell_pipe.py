"""The shell driven as a subprocess through a pipe, as a user would script it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

SESSION = """\
@bob /swarm skills add sso saml
@carol /swarm skills add networking
@alice #general /swarm open ZD-4711 sev2 customer="Acme Corp" Acme cannot log in after SSO change
#swarm-zd-4711-acme-cannot-log-in-after-sso-change /swarm need sso networking tried="reset cert"
@bob /swarm join
hello from bob, looking at the IdP logs
/swarm touch identity checked the IdP metadata
/swarm mood frustrated second day without access
@alice /swarm delight a call back from their account manager
/swarm decide low extend the trial because they lost two days
/swarm friction sso change process: no customer notice before rotation
/swarm promise in 2h call back with status
@bob /swarm resolve fixed
/swarm opne
/swarm status ZD-9999
@alice /swarm handoff @bob
/swarm handoff @alice take it
/swarm handoff @bob cert rotated upstream; IdP fix due tonight
/swarm leave
@bob /swarm accept
/swarm thanks @carol spotted the DNS cache
/swarm resolve IdP metadata refreshed
/swarm resolve carry="bob calls back tomorrow" IdP metadata refreshed
/swarm frobnicate"""


def run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "adapters.cli", *args], cwd=REPO, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_words_without_the_slash_outside_a_room_are_answered(tmp_path: Path) -> None:
    proc = run(["shell", "--db", str(tmp_path / "shell.db")],
               "open ZD-1 sev2 typed without the slash\n")
    assert proc.returncode == 0, proc.stderr
    assert "[only @agent] swarmbot: error: commands start with `/swarm` (`/swarm open …`)" in \
        proc.stdout, proc.stdout


def test_scripted_session_and_export(tmp_path: Path) -> None:
    db = tmp_path / "shell.db"
    proc = run(["shell", "--db", str(db)], SESSION)
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in out + proc.stderr
    assert "> " not in out.splitlines()[0]  # no prompt on a pipe
    room = "#swarm-zd-4711-acme-cannot-log-in-after-sso-change"
    assert f"[{room}] swarmbot: Swarm ZD-4711" in out
    assert "[Join] -> /swarm join ZD-4711" in out
    assert "[#swarm-triage] swarmbot: Help wanted on ZD-4711" in out
    assert "error: Only the owner of ZD-4711 (@alice)" in out
    assert "error: Unknown command `opne`. Did you mean `/swarm open`?" in out
    assert "error: No case ZD-9999" in out
    assert "error: A warm handoff needs a briefing" in out
    assert "error: You can't hand off to yourself" in out
    assert "error: You own ZD-4711, so you stay with the customer" in out
    assert "[DM @bob] swarmbot: @alice offers you ZD-4711" in out
    assert "[Accept] -> /swarm accept ZD-4711" in out
    assert "error: ZD-4711 has open promises to the customer" in out
    assert "(room archived)" in out
    assert "Unknown command `frobnicate`" in out

    exported = run(["export", "--db", str(db)])
    assert exported.returncode == 0, exported.stderr
    case = json.loads(exported.stdout)["cases"][0]
    assert case["ref"] == "ZD-4711" and case["status"] == "resolved" and case["severity"] == 2
    assert case["customer"] == "Acme Corp" and case["owner"] == "bob"
    assert case["delight"] == "a call back from their account manager"
    assert case["resolution"] == "IdP metadata refreshed"
    assert [(o["person"], bool(o["until"])) for o in case["owners"]] == [("alice", True),
                                                                         ("bob", True)]
    assert case["handoffs"][0]["state"] == "accepted"
    assert case["touchpoints"][0]["function"] == "identity"
    assert case["moods"][0]["level"] == "frustrated"
    assert case["decisions"][0]["risk"] == "low"
    assert case["frictions"][0]["process"] == "sso change process"
    assert case["promises"][0]["kept_at"] is None
    assert case["thanks"][0]["to"] == "carol"
    assert case["messages"] == {"bob": 1}
    assert {p["person"] for p in case["participants"]} == {"alice", "bob"}
    assert all(t.endswith("Z") for t in (case["opened_at"], case["resolved_at"]))


def test_state_survives_a_restart_of_the_shell(tmp_path: Path) -> None:
    db = tmp_path / "restart.db"
    run(["shell", "--db", str(db)], "@alice /swarm open ZD-1 sev1 outage\n")
    out = run(["shell", "--db", str(db)], "@alice /swarm open ZD-2 outage\n/swarm list\n").stdout
    assert "ZD-1 (sev1) outage" in out and "ZD-2 (sev3) outage" in out


def test_bad_config_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text("[store]\npaht = 'x.db'\n")
    proc = run(["shell", "--config", str(bad)])
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("swarmbot: unknown key [config.store] paht")
    assert "Traceback" not in proc.stderr


def test_the_readme_worked_session_runs_as_written(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    session = readme.split("A worked session", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    assert session.count("/swarm") >= 10
    db = tmp_path / "readme.db"
    proc = run(["shell", "--db", str(db)], session)
    assert proc.returncode == 0 and "error:" not in proc.stdout and "warning:" not in proc.stdout
    shown = readme.split("What you see, in part:", 1)[1].split("```text\n", 1)[1].split("```")[0]
    for line in shown.splitlines():
        if "Open promises" not in line:  # the only line with a time in it
            assert line.strip() in proc.stdout, line
    case = json.loads(run(["export", "--db", str(db)]).stdout)["cases"][0]
    assert case["status"] == "resolved" and case["owner"] == "bob"
