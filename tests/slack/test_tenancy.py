"""Issue 27: several workspaces in one deployment. Workspace A (T0001, SLACK_BOT_TOKEN's)
and B (T0002, installed by OAuth against the fake Slack) each keep their own cases: a user
of B asking for A's case, `find`, `similar`, `list`, the digest or the export gets nothing
of A, and B's calls are made with B's token."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import tenancy
from bot.config import Config
from bot.export import export_cases
from bot.scheduler import Scheduler
from testkit.slack.fake_slack import TOKEN, FakeSlack, Workspace
from testkit.slack.signing import form_body, payload
from tests.slack.harness import SlackHarness
from tests.slack.oauth_harness import Browser, oauth_bot

BETA = Workspace("T0002", "Beta")
_seq = itertools.count(1)
SECRET = "zanzibar"  # a word only A's case holds
_now = datetime.now(UTC).isocalendar()
WEEK = f"digest {_now.year}-W{_now.week:02d}"  # this week's: the cases opened now


@pytest.fixture
async def bot(aiohttp_client: Any, fake_slack: FakeSlack, slack_config: Config,
              request: pytest.FixtureRequest) -> SlackHarness:
    slack_config.people.managers = ["UANN", "UBETA"]
    return await oauth_bot(aiohttp_client, fake_slack, slack_config, request, BETA)


async def say(bot: SlackHarness, team: str, user: str, text: str,
              channel: str = "C2147483705") -> str:
    """A slash command from `team`; every text swarmbot answered it with."""
    fields = payload("slash_command.json")
    rid = f"{team}-{next(_seq)}"
    fields.update(team_id=team, text=text, user_id=user, user_name=user.lower(),
                  channel_id=channel, response_url=bot.fake.response_url(rid),
                  trigger_id=f"trigger.{rid}")
    resp = await bot.post(form_body(fields), "application/x-www-form-urlencoded")
    assert resp.status == 200
    await bot.drain()
    return json.dumps([r for r in bot.fake.responses if r["rid"] == rid])


async def test_a_user_of_b_gets_nothing_of_a(bot: SlackHarness, fake_slack: FakeSlack
                                             ) -> None:
    beta_token = fake_slack.installed[0]["access_token"]
    # A: a case holding a secret word, resolved (for `similar`), and another one open.
    await say(bot, "T0001", "UANN", f'open ZD-8 sev2 customer="Acme" {SECRET} login fails')
    room_a = bot.store.cases.by_ref("ZD-8").room_id  # type: ignore[union-attr]
    await say(bot, "T0001", "UANN", "resolve reset the zanzibar token", channel=room_a)
    await say(bot, "T0001", "UANN", f'open ZD-7 sev3 customer="Acme" {SECRET} again')
    # B opens its own case, with its own token.
    opened = await say(bot, "T0002", "UBETA", f"open BB-1 sev2 {SECRET} login fails too")
    assert "BB-1" in opened
    digest_before = await say(bot, "T0002", "UBETA", WEEK)
    with tenancy.scoped(tenancy.Tenant("T0002")):
        case_b = bot.store.cases.by_ref("BB-1")
    assert case_b is not None and case_b.workspace == "T0002" and case_b.room_id
    made = [c for c in fake_slack.calls_to("conversations.create")
            if "bb-1" in str(c.args.get("name"))]
    assert made and all(c.token == beta_token for c in made)
    assert all(c.token == TOKEN for c in fake_slack.calls_to("conversations.create")
               if "zd-" in str(c.args.get("name")))
    # The case by its ref, its status, journey and history: not found in B.
    for ask in ("status ZD-8", "journey ZD-8", "history ZD-8", "join ZD-7"):
        answer = await say(bot, "T0002", "UBETA", ask)
        assert "Acme" not in answer and SECRET not in answer, (ask, answer)
    # find, list, similar: nothing of A.
    for ask in (f"find {SECRET}", "find acme", "list", "list open"):
        answer = await say(bot, "T0002", "UBETA", ask)
        assert "ZD-8" not in answer and "ZD-7" not in answer, (ask, answer)
    similar = await say(bot, "T0002", "UBETA", "similar", channel=case_b.room_id)
    assert "ZD-8" not in similar
    # A request naming no workspace sees nothing either.
    nameless = await say(bot, "", "UANN", f"find {SECRET}")
    assert "ZD-8" not in nameless and "BB-1" not in nameless
    # ... while A still sees its own (the scoping is not a blanket refusal).
    assert "ZD-8" in await say(bot, "T0001", "UANN", f"find {SECRET}")
    assert "ZD-8" in await say(bot, "T0001", "UANN", "similar",
                               channel=bot.store.cases.by_ref("ZD-7").room_id)  # type: ignore[union-attr]
    assert "BB-1" not in await say(bot, "T0001", "UANN", f"find {SECRET}")
    # The digest of B: A's cases moved none of its figures (B's own case did).
    await say(bot, "T0001", "UANN", "thanks @UANN for the zanzibar fix",
              channel=room_a)
    await say(bot, "T0001", "UANN", "friction zanzibar desk: slow")
    await say(bot, "T0001", "UANN", "open ZD-9 sev1 one more of A's")
    digest_after_a = await say(bot, "T0002", "UBETA", WEEK)
    assert SECRET not in digest_after_a and "ZD-" not in digest_after_a
    assert _figures(digest_after_a) == _figures(digest_before)
    assert _figures(await say(bot, "T0001", "UANN", WEEK)) != _figures(digest_before)
    # The export, as B's tenant: B's rows only; as the operator (no tenant): all.
    with tenancy.scoped(tenancy.Tenant("T0002")):
        rows = export_cases(bot.store)["cases"]
    assert [(r["ref"], r["workspace"]) for r in rows] == [("BB-1", "T0002")]
    assert {r["ref"] for r in export_cases(bot.store)["cases"]} == {"ZD-7", "ZD-8", "ZD-9",
                                                                    "BB-1"}


def _figures(answer: str) -> str:
    """The digest's text without its request id."""
    return json.dumps([{k: v for k, v in r.items() if k != "rid"} for r in json.loads(answer)])


async def test_the_weekly_digest_gives_each_workspace_s_manager_its_own_figures(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    beta_token = fake_slack.installed[0]["access_token"]
    for ref in ("ZD-1", "ZD-2", "ZD-3"):
        await say(bot, "T0001", "UANN", f"open {ref} sev3 {SECRET} {ref}")
    await say(bot, "T0002", "UBETA", "open BB-1 sev2 printer")
    deps = bot.runtime.dispatcher.entrance.deps  # type: ignore[union-attr]
    deps.config.digest.managers = ["UANN", "UBETA"]
    monday = datetime.now(UTC).date() + timedelta(days=7 - datetime.now(UTC).weekday())
    done = await Scheduler(deps).send_digests(
        datetime.combine(monday, datetime.min.time(), UTC) + timedelta(hours=12))
    assert len(done) == 2, done
    sent = {c.token: json.dumps(c.args) for c in fake_slack.calls_to("chat.postMessage")
            if "Swarm digest" in json.dumps(c.args)}
    assert set(sent) == {TOKEN, beta_token}  # each with its workspace's token
    assert "1 opened" in sent[beta_token] and "3 opened" in sent[TOKEN]
    assert SECRET not in sent[beta_token] and "/digest/" not in sent[beta_token]


async def test_uninstall_drops_b_s_token_and_keeps_its_cases_for_a_reinstall(
        bot: SlackHarness, fake_slack: FakeSlack) -> None:
    await say(bot, "T0002", "UBETA", "open BB-1 sev2 printer jam")
    event = payload("event_callback.json")
    event.update(team_id="T0002", event_id="EvUNINSTALL",
                 authorizations=[{"enterprise_id": None, "team_id": "T0002", "user_id": "UBOT",
                                  "is_bot": True, "is_enterprise_install": False}],
                 event={"type": "app_uninstalled"})
    assert (await bot.post(json.dumps(event), "application/json")).status == 200
    clients = bot.runtime.port.clients
    assert clients is not None and clients.installations is not None
    assert await clients.installations.async_find_bot(enterprise_id=None,
                                                      team_id="T0002") is None
    with tenancy.scoped(tenancy.Tenant("T0002")):
        assert bot.store.cases.by_ref("BB-1") is not None  # kept
    # Installed again: the same cases, with the new token.
    assert (await Browser(bot).install(fake_slack, BETA))[0] == 200
    assert "printer jam" in await say(bot, "T0002", "UBETA", "status BB-1")


async def test_roles_list_keeps_to_the_workspace(bot: SlackHarness) -> None:
    granted = await say(bot, "T0001", "UANN", "role <@UCARL> lead knows billing")
    assert "lead now" in granted and "UCARL" in granted, granted
    await say(bot, "T0002", "UBETA", "open BB-1 sev2 hello")  # UBETA seen in B
    assert "UCARL" in await say(bot, "T0001", "UANN", "roles")
    listed = await say(bot, "T0002", "UBETA", "roles")
    assert "UBETA" in listed and "UCARL" not in listed and "UANN" not in listed


async def test_the_desk_of_b_lists_no_help_request_of_a(bot: SlackHarness) -> None:
    """Help wanted for my skills (the desk, issue 25) is the workspace's own: a specialist
    of B with the skill A asked for sees nothing of A's case."""
    await say(bot, "T0002", "UBSPEC", "skills add billing")
    await say(bot, "T0001", "UANN", f'open ZD-5 sev2 customer="Acme" {SECRET} refund stuck')
    room_a = bot.store.cases.by_ref("ZD-5").room_id  # type: ignore[union-attr]
    await say(bot, "T0001", "UANN", "need billing", channel=room_a)
    await say(bot, "T0001", "UASPEC", "skills add billing")
    assert "ZD-5" in await say(bot, "T0001", "UASPEC", "desk")  # A's own specialist sees it
    desk_b = await say(bot, "T0002", "UBSPEC", "desk")
    assert "ZD-5" not in desk_b and "Acme" not in desk_b and SECRET not in desk_b, desk_b
    assert "Nothing waits for you." in desk_b
