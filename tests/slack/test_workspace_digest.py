"""Issue 27: no digest figure of one workspace is shown in another. A digest link made in a
workspace is that workspace's page (signed for it: editing the URL gets 403), and the
weekly digest goes to each workspace's own managers ([slack.workspaces.*] and `/swarm admin
set managers`), with its own figures, token and page, once a week across replicas and
restarts. Workspace A is T0001 (SLACK_BOT_TOKEN's), B is T0002 (installed by OAuth)."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from bot.config import Config
from bot.digest.links import signed_path
from bot.scheduler import Scheduler
from bot.services.base import Deps
from testkit.slack.fake_slack import TOKEN, FakeSlack, Workspace
from testkit.slack.signing import form_body, payload
from tests.slack.harness import SlackHarness
from tests.slack.oauth_harness import oauth_bot
from tests.test_cli import run

BETA = Workspace("T0002", "Beta")
LINK_SECRET = "link-secret-for-tests"
_seq = itertools.count(1)
_now = datetime.now(UTC).isocalendar()
THIS_WEEK = f"{_now.year}-W{_now.week:02d}"
A_WORDS, B_WORDS = "zanzibar cheque", "toner everywhere"


@pytest.fixture
async def bot(aiohttp_client: Any, fake_slack: FakeSlack, slack_config: Config,
              request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
              ) -> SlackHarness:
    monkeypatch.setenv("SWARMBOT_LINK_SECRET", LINK_SECRET)  # what the links are signed with
    slack_config.server.public_url = "https://swarm.example.com"
    slack_config.digest.managers = ["UANN"]  # the deployment's: A's manager
    slack_config.slack.workspaces = {"T0002": {"managers": ["UBETA"]}}
    return await oauth_bot(aiohttp_client, fake_slack, slack_config, request, BETA,
                           env={"SWARMBOT_LINK_SECRET": LINK_SECRET})


async def say(bot: SlackHarness, team: str, user: str, text: str) -> str:
    fields = payload("slash_command.json")
    rid = f"{team}-{next(_seq)}"
    fields.update(team_id=team, text=text, user_id=user, user_name=user.lower(),
                  channel_id="C2147483705", response_url=bot.fake.response_url(rid),
                  trigger_id=f"trigger.{rid}")
    resp = await bot.post(form_body(fields), "application/x-www-form-urlencoded")
    assert resp.status == 200
    await bot.drain()
    return json.dumps([r for r in bot.fake.responses if r["rid"] == rid])


async def two_workspaces(bot: SlackHarness) -> None:
    """A and B each open a case and report a friction of their own this week."""
    await say(bot, "T0001", "UANN", "open ZD-1 sev3 login broken")
    await say(bot, "T0001", "UANN", f"friction expenses: {A_WORDS}")
    await say(bot, "T0002", "UBETA", "open BB-1 sev2 printer on fire")
    await say(bot, "T0002", "UBETA", f"friction printing: {B_WORDS}")


def link_in(answer: str) -> str:
    """The digest page's path in a message (as Slack's mrkdwn escapes it: &amp;)."""
    found = re.search(r"https://swarm\.example\.com(/digest/[^\s\"\\]+)", answer)
    assert found, answer[:800]
    return unescape(found.group(1))


def edited(path: str, **changes: str | None) -> str:
    url = urlparse(path)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    query.update({k: v for k, v in changes.items() if v is not None})
    for k in [k for k, v in changes.items() if v is None]:
        query.pop(k, None)
    return f"{url.path}?{urlencode(query)}"


async def page(bot: SlackHarness, path: str) -> tuple[int, str]:
    resp = await bot.client.get(path)
    return resp.status, await resp.text()


async def test_a_workspace_s_digest_link_shows_its_page_only(bot: SlackHarness,
                                                             tmp_path: Path) -> None:
    await two_workspaces(bot)
    b_path = link_in(await say(bot, "T0002", "UBETA", f"digest {THIS_WEEK}"))
    assert "ws=T0002" in b_path, b_path
    status, html = await page(bot, b_path)
    assert status == 200, html
    assert B_WORDS in html and A_WORDS not in html
    a_path = link_in(await say(bot, "T0001", "UANN", f"digest {THIS_WEEK}"))
    status, html = await page(bot, a_path)
    assert status == 200 and A_WORDS in html and B_WORDS not in html
    # B's manager edits the link to read A's page, or the deployment's: 403, nothing shown.
    for forged in (edited(b_path, ws="T0001"), edited(b_path, ws=None),
                   edited(b_path, ws="T0002", org="E0001"), edited(b_path, ws=""),
                   edited(a_path, ws="T0002")):
        status, html = await page(bot, forged)
        assert status == 403 and A_WORDS not in html and B_WORDS not in html, forged
    # The operator's link (swarmbot digest-link: no workspace) shows every workspace's.
    deps: Deps = bot.runtime.dispatcher.entrance.deps  # type: ignore[union-attr]
    status, html = await page(bot, signed_path(LINK_SECRET, THIS_WEEK, deps.now()))
    assert status == 200 and A_WORDS in html and B_WORDS in html
    # ... and `swarmbot digest-link --workspace T0002` makes B's.
    cfg = tmp_path / "link.toml"
    cfg.write_text('[server]\npublic_url = "https://swarm.example.com"\n', encoding="utf-8")
    made = run(["digest-link", "--config", str(cfg), "--week", THIS_WEEK, "--workspace",
                "T0002"], env={**os.environ, "SWARMBOT_LINK_SECRET": LINK_SECRET})
    assert made.returncode == 0, made.stderr
    status, html = await page(bot, link_in(made.stdout))
    assert status == 200 and B_WORDS in html and A_WORDS not in html


def digests_sent(fake: FakeSlack) -> dict[str, list[tuple[str, str]]]:
    """Direct messages carrying this week's digest: person -> [(token, text)] (the
    server's own scheduler may have sent the week before's at start-up)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for call in fake.calls_to("chat.postMessage"):
        body = json.dumps(call.args)
        channel = str(call.args.get("channel", ""))
        if f"Swarm digest {THIS_WEEK}" in body and channel.startswith("D"):
            found.setdefault(channel[1:], []).append((call.token, body))
    return found


def next_monday_noon() -> datetime:
    monday = datetime.now(UTC).date() + timedelta(days=7 - datetime.now(UTC).weekday())
    return datetime.combine(monday, datetime.min.time(), UTC) + timedelta(hours=12)


async def test_each_workspace_s_managers_get_its_weekly_digest_once(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    beta_token = fake_slack.installed[0]["access_token"]
    await two_workspaces(bot)
    # B's manager (from its section) makes UDORA a manager of B in chat too.
    assert "recorded" in await say(bot, "T0002", "UBETA", "admin set managers @UDORA @UBETA")
    deps: Deps = bot.runtime.dispatcher.entrance.deps  # type: ignore[union-attr]
    monday = next_monday_noon()
    # Two replicas tick at the same moment: each digest goes out once.
    done = await asyncio.gather(Scheduler(deps).send_digests(monday),
                                Scheduler(deps).send_digests(monday))
    lines = sorted(done[0] + done[1])
    assert lines == [f"digest {THIS_WEEK} -> slack:dm:UANN",
                     f"digest {THIS_WEEK} -> slack:dm:UBETA@T0002",
                     f"digest {THIS_WEEK} -> slack:dm:UDORA@T0002"], lines
    sent = digests_sent(fake_slack)
    assert sorted(sent) == ["UANN", "UBETA", "UDORA"]
    assert all(len(v) == 1 for v in sent.values()), sent
    for manager in ("UBETA", "UDORA"):  # B's figures, with B's token and a link to B's page
        token, text = sent[manager][0]
        assert token == beta_token and "1 opened" in text and "ws=T0002" in text
        assert "expenses" not in text
    token, text = sent["UANN"][0]
    assert token == TOKEN and "ws=T0001" in text and "printing" not in text
    status, html = await page(bot, link_in(sent["UDORA"][0][1]))
    assert status == 200 and B_WORDS in html and A_WORDS not in html
    # A restart (a new scheduler) later that day: nothing sent again.
    assert await Scheduler(deps).send_digests(monday + timedelta(hours=3)) == []
    assert digests_sent(fake_slack) == sent
