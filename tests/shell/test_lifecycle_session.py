"""Issue 12's "done when": a whole case life in the shell, on its simulated clock, as a user
would script it (the same session is in docs/shell.md), then `export` shows every step."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO
from tests.shell.test_shell_pipe import run

ROOM = "#swarm-zd-77-unicode-cafe-cannot-take-card-payments"


def _page_block(after: str) -> str:
    page = (REPO / "docs" / "shell.md").read_text(encoding="utf-8")
    return page.split(after, 1)[1].split("```", 2)[1].split("\n", 1)[1]


def test_the_whole_life_of_a_case_in_the_shell(tmp_path: Path) -> None:
    config = tmp_path / "types.toml"
    config.write_text(_page_block("A case's whole life, config:"), encoding="utf-8")
    session = _page_block("A case's whole life, session:")
    db = tmp_path / "life.db"
    proc = run(["shell", "--db", str(db), "--config", str(config)], session)
    out = proc.stdout
    assert proc.returncode == 0 and "Traceback" not in out + proc.stderr, proc.stderr
    lines = out.splitlines()

    def after(marker: str) -> list[str]:
        return lines[next(i for i, x in enumerate(lines) if marker in x):]

    assert f"[{ROOM}] (added @sam)" in out  # the sev1 type brings the supervisor
    fired_20m = after("[clock] now")[0:4]
    assert fired_20m[0].endswith("fired: 3")
    assert "    nudge connect ZD-77 -> @alice" in fired_20m
    assert "    nudge connect ZD-77 -> #swarm-triage" in fired_20m
    assert "[DM @alice] swarmbot: Still waiting for help on ZD-77" in out
    assert "[DM @alice] swarmbot: The customer on ZD-77 hasn't heard from us in 2 h" in out
    assert "    nudge update ZD-77 -> @alice" in out
    assert "[DM @carol] swarmbot: @alice withdrew the handoff of ZD-77 offered to you. " in out
    assert "it went to @bob instead" in out
    assert "error: ZD-77 has open promises to the customer (#1 " in out
    assert "Resolved ZD-77. Credited: @alice." in out
    assert "Reopened ZD-77 in a new swarm room; @bob owns it." in out
    assert "[#swarm-zd-77-unicode-cafe-cannot-take-card-payments-2] (room created" in out
    assert "Cancelled ZD-77: duplicate of ZD-78" in out
    assert "error:" not in out.replace("error: ZD-77 has open promises", "")

    case = json.loads(run(["export", "--db", str(db)]).stdout)["cases"][0]
    assert case["status"] == "cancelled" and case["swarm_type"] is None
    kinds = [e["kind"] for e in case["timeline"]]
    for step in ("opened", "help_requested", "joined", "touch", "note", "corrected",
                 "handoff_withdrawn", "handoff_accepted", "promise_carried", "resolved",
                 "reopened", "cancelled"):
        assert step in kinds, step
    note = next(e for e in case["timeline"] if e["kind"] == "note")
    fix = next(e for e in case["timeline"] if e["kind"] == "corrected")
    assert note["text"] == "the terminal runs firmware 4.2"
    assert note["changed"][0]["text"] == fix["text"] == "the terminal runs firmware 4.3"
    assert fix["about"] == note["id"]


def test_the_clock_directive_says_what_it_takes(tmp_path: Path) -> None:
    out = run(["shell", "--db", str(tmp_path / "c.db")], "/clock\n/clock +5x\n/clock +1d\n")
    lines = out.stdout.splitlines()
    assert lines[0].startswith("[clock] now ") and "fired" not in lines[0]
    assert lines[1] == ("[only @agent] swarmbot: error: `+5x` is not a step: `/clock` shows the "
                        "simulated time; `/clock +20m`, `+2h` or `+1d` moves it forward.")
    assert lines[2].startswith("[clock] now ") and lines[2].endswith("; fired: 0")
    assert lines[2][12:22] > lines[0][12:22]  # a day later
