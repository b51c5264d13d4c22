"""The weekly digest delivered to Slack over the wire: Block Kit post and chart upload."""

from __future__ import annotations

import json

from adapters.bootstrap import build_core
from adapters.slack.port import SlackChatPort
from bot.config import Config
from bot.scheduler import Scheduler
from testkit.slack.fake_slack import BOT_USER
from tests.conftest import Clock, handle
from tests.digest.script import utc


async def test_scheduled_digest_reaches_the_slack_channel_with_its_chart(
        web_client, fake_slack, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SWARMBOT_LINK_SECRET", "s3cret")
    managers = fake_slack.add_channel("swarm-managers", members={BOT_USER})
    cfg = Config()
    cfg.store.path = str(tmp_path / "digest.db")
    cfg.server.public_url = "https://swarm.example.com"
    cfg.digest.timezone, cfg.digest.slack_channel = "Europe/Berlin", managers.id
    clock = Clock(utc("2026-11-09 09:00"))
    port = SlackChatPort(web_client)
    core = build_core(cfg, {"slack": port}, clock=clock)
    await handle(core, "slack", "U1", "open ZD-1 sev2 SSO")
    clock.now = utc("2026-11-10 10:00")
    await handle(core, "slack", "U1", "resolve ZD-1 fixed")
    done = await Scheduler(core.deps).tick(utc("2026-11-16 07:00"))
    assert f"digest 2026-W46 -> slack:{managers.id}" in done
    post = [m for m in fake_slack.messages if m["channel"] == managers.id][-1]
    blocks = json.dumps(post["blocks"])
    assert "Swarm digest 2026-W46" in blocks and "https://swarm.example.com/digest/2026-W46?exp=" \
        in blocks
    chart = fake_slack.shared_files[-1]
    assert chart["channel"] == managers.id and chart["bytes"][:8] == b"\x89PNG\r\n\x1a\n"
    # Issue 25: the chart says in words what it shows (its alt text).
    assert chart["alt"] == ("Bar chart of swarms per day, 2026-W46. Opened: Mon 1, Tue 0, "
                            "Wed 0, Thu 0, Fri 0, Sat 0, Sun 0. Resolved: Mon 0, Tue 1, Wed 0, "
                            "Thu 0, Fri 0, Sat 0, Sun 0.")
    assert await Scheduler(core.deps).tick(utc("2026-11-16 07:01")) == []
    core.deps.store.close()


def test_the_manifest_asks_for_the_scope_the_chart_upload_needs() -> None:
    from adapters.slack.manifest import manifest

    assert "files:write" in manifest("https://x.example")["oauth_config"]["scopes"]["bot"]
