"""Wording the issue listed (issue 14), each shown as a user sees it."""

from __future__ import annotations

import re
import subprocess
import sys

from bot.digest.metrics import compute_digest
from bot.digest.text import to_markdown
from bot.digest.weeks import parse_week, week_containing
from bot.people import render_mentions
from bot.wording import count, sentence
from demo.plan import DemoSpec, people, steps
from handlers.entrance import Entrance
from testkit.fake_port import FakeChatPort
from tests.conftest import REPO, Clock, Say


def test_count_and_sentence() -> None:
    assert [count(n, "swarm") for n in (0, 1, 2)] == ["0 swarms", "1 swarm", "2 swarms"]
    assert count(1, "person", "people") == "1 person" and count(3, "person", "people") == \
        "3 people"
    assert sentence("busy with sev1") == "busy with sev1."
    assert sentence("on leave!") == "on leave!" and sentence("why? ") == "why?"


async def test_digest_text_says_1_swarm_and_1_report(core: Entrance, say: Say, clock: Clock):
    await say("alice", 'open ZD-1 sev2 Billing page blank')
    room = core.deps.store.cases.by_ref("ZD-1").room_id
    await say("alice", "touch billing checked the invoice run", room=room)
    await say("alice", "friction refunds: needs a director's signature", room=room)
    await say("alice", "resolve fixed", room=room)
    await say("bob", 'open ZD-2 sev2 Refund stuck')
    room2 = core.deps.store.cases.by_ref("ZD-2").room_id
    await say("bob", "touch billing refund queue", room=room2)
    await say("bob", "friction invoices: PDF only", room=room2)
    await say("bob", "friction invoices: no CSV export", room=room2)
    clock.advance(hours=1)
    text = to_markdown(compute_digest(core.deps.store, week_containing(clock.now, "UTC"),
                                      clock.now))
    assert "- billing: 2 swarms" in text
    assert "- **invoices**: 2 reports" in text and "- **refunds**: 1 report\n" in text
    assert "cases with 1 owner: 1, 2 owners: 0, 3+ owners: 0" in text
    assert not re.search(r"\b1 (swarms|reports|owners)\b", text)


async def test_decline_reason_ends_its_sentence(core: Entrance, say: Say, port: FakeChatPort):
    await say("alice", 'open ZD-1 sev2 Billing page blank')
    room = core.deps.store.cases.by_ref("ZD-1").room_id
    await say("alice", "handoff @bob take it over please", room=room)
    await say("bob", "decline ZD-1 busy with sev1")
    await say("alice", "handoff @carol take it over please", room=room)
    await say("carol", "decline ZD-1 on leave tomorrow!")
    told = [render_mentions(r.text, lambda pid: f"@{pid}") for r in port.posts_to("alice")]
    assert "@bob declined your handoff of ZD-1: busy with sev1. You are still the owner." \
        in told, told
    assert "@carol declined your handoff of ZD-1: on leave tomorrow! You are still the " \
        "owner." in told, told


def shell(stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "adapters.cli", "shell", "--db", ":memory:"],
                          cwd=REPO, input=stdin, capture_output=True, text=True, timeout=60)


def test_shell_at_with_no_name_is_one_line() -> None:
    proc = shell("@alice /swarm list\n@ /swarm status\n")
    assert proc.returncode == 0 and "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-1] == ("[only @alice] swarmbot: error: `@` needs a name after it: "
                         "`@alice /swarm status`, `#room`.")


def test_the_docs_demo_figures_are_what_the_demo_makes() -> None:
    page = (REPO / "docs" / "digest.md").read_text(encoding="utf-8")
    said = re.search(r"the defaults \(8\s+weeks, 60 a week, seed 1\) make (\d+) cases and "
                     r"(\d+) people", page)
    assert said, "docs/digest.md says what the default demo makes"
    spec = DemoSpec(first=parse_week("2026-W40", "UTC"), weeks=8, cases_per_week=60, seed=1)
    crew = people(spec)
    assert (int(said[1]), int(said[2])) == (len({s.case_no for s in steps(spec, crew)}),
                                            len(crew))


async def test_defaults_and_options_are_documented(say: Say) -> None:
    assert "Severity defaults to sev3" in await say("alice", "help open")
    assert "`function <name>` says which function you work in" in await say("alice",
                                                                              "help skills")
    proc = subprocess.run([sys.executable, "-m", "adapters.cli", "digest", "--help"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert "md: Markdown (default); json:" in " ".join(proc.stdout.split())
    commands = (REPO / "docs" / "commands.md").read_text(encoding="utf-8")
    assert "severity is sev3 unless given" in commands
    assert "`skills function <name>`" in commands
    digest = (REPO / "docs" / "digest.md").read_text(encoding="utf-8")
    assert "`--format` is `md` (Markdown, the default), `json`" in digest
    example = (REPO / "config.example.toml").read_text(encoding="utf-8")
    assert "--format md|json|html" in example and "[retention]" in example
