"""Issue 25: `desk` in text (the shell, `/swarm desk`, a Teams channel): a reply per section
with something in it, its items' buttons, and the away/back toggle; the docs' config for the
helpdesk write-backs loads as the page says."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import load_config
from handlers.entrance import Entrance
from testkit.fake_port import FakeChatPort
from tests.conftest import Say

DOCS = Path(__file__).resolve().parents[2] / "docs"


async def test_desk_in_text(say: Say, core: Entrance, port: FakeChatPort) -> None:
    empty = await say("bob", "desk")
    assert "Nothing waits for you. You are available for swarms." in empty
    await say("bob", "skills add billing")
    await say("alice", "open ZD-1 sev2 Refund stuck at the bank")
    case = core.deps.store.cases.by_ref("ZD-1")
    await say("alice", "need billing", case.room_id)
    out = await say("bob", "desk")
    assert "Help wanted for your skills" in out and "Refund stuck at the bank" in out
    assert "You are available for swarms." in out
    assert "too many words" not in out
    assert "takes no words" in await say("bob", "desk please")
    await say("bob", "skills away")
    assert "You are away" in await say("bob", "desk")


def test_the_writeback_page_config_loads(tmp_path: Path) -> None:
    page = (DOCS / "helpdesk-writeback.md").read_text(encoding="utf-8")
    [toml] = re.findall(r"```toml\n(.*?)```", page, re.S)
    (tmp_path / "config.toml").write_text(toml, encoding="utf-8")
    cfg = load_config(tmp_path / "config.toml")
    assert (cfg.helpdesk.zendesk.resolve_status, cfg.helpdesk.zendesk.cancel_status) == (
        "solved", "open")
    assert cfg.helpdesk.jira.resolve_status == "Resolve this issue"
    assert cfg.helpdesk.webhook.resolve_status == "solved"
    assert "```sh" not in page and "```sh" not in (DOCS / "desk.md").read_text()
