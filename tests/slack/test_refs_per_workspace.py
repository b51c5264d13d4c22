"""Issue 27: a case ref is unique per workspace. Workspace A (T0001) and B (T0002) both open
ZD-8; each sees only its own with every read (status, journey, history, find, similar,
list, export), B never learns that A has a ZD-8, and the operator's erasure of one leaves
the other. On both stores (`--store=postgres`)."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest

from bot import tenancy
from bot.config import Config
from bot.errors import CommandError
from bot.export import export_cases
from bot.services.erasure import erase
from testkit.slack.fake_slack import FakeSlack
from tests.slack.harness import SlackHarness
from tests.slack.oauth_harness import oauth_bot
from tests.slack.test_tenancy import BETA, say

A_WORD, B_WORD = "zanzibar", "kilimanjaro"  # words only A's case, only B's case holds


LINKS = {"SWARMBOT_LINK_SECRET": "s3cret-for-links"}


@pytest.fixture
async def bot(aiohttp_client: Any, fake_slack: FakeSlack, slack_config: Config,
              request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> SlackHarness:
    slack_config.people.managers = ["UANN", "UBETA"]
    for name, value in LINKS.items():  # the journey's link is signed with it, as served
        monkeypatch.setenv(name, value)
    return await oauth_bot(aiohttp_client, fake_slack, slack_config, request, BETA,
                           env=LINKS)


def _case(bot: SlackHarness, team: str, ref: str = "ZD-8") -> Any:
    with tenancy.scoped(tenancy.Tenant(team)):
        return bot.store.cases.by_ref(ref)


async def test_a_and_b_both_open_zd8_and_each_sees_only_its_own(bot: SlackHarness) -> None:
    await say(bot, "T0001", "UANN", f'open ZD-8 sev2 customer="Acme" {A_WORD} sso')
    opened_b = await say(bot, "T0002", "UBETA",
                         f'open ZD-8 sev3 customer="Globex" {B_WORD} sso')
    assert "taken" not in opened_b and "already" not in opened_b, opened_b
    assert "Acme" not in opened_b and A_WORD not in opened_b
    a, b = _case(bot, "T0001"), _case(bot, "T0002")
    assert a is not None and b is not None and a.id != b.id
    assert (a.workspace, b.workspace) == ("T0001", "T0002")
    # Opening it again in one workspace is refused there, with that workspace's case.
    again = await say(bot, "T0002", "UBETA", "open ZD-8 sev2 once more")
    assert "already open" in again and "Acme" not in again and A_WORD not in again
    # A touchpoint each (for `journey`), resolved in both (for `similar`), then a second
    # case in each to ask `similar` from.
    await say(bot, "T0001", "UANN", f"touch billing checked the {A_WORD} invoice",
              channel=a.room_id)
    await say(bot, "T0002", "UBETA", f"touch billing checked the {B_WORD} invoice",
              channel=b.room_id)
    await say(bot, "T0001", "UANN", f"resolve reset the {A_WORD} token", channel=a.room_id)
    await say(bot, "T0002", "UBETA", f"resolve reset the {B_WORD} token", channel=b.room_id)
    await say(bot, "T0001", "UANN", f"open ZD-20 sev3 {A_WORD} sso")
    await say(bot, "T0002", "UBETA", f"open ZD-20 sev3 {B_WORD} sso")
    for team, user, mine, theirs, customer in (
            ("T0001", "UANN", A_WORD, B_WORD, "Acme"), ("T0002", "UBETA", B_WORD, A_WORD,
                                                       "Globex")):
        for ask in ("status ZD-8", "journey ZD-8", "history ZD-8", "zd-8 status"):
            answer = await say(bot, team, user, ask)
            assert mine in answer or customer in answer, (team, ask, answer)
            assert theirs not in answer, (team, ask, answer)
        for ask in ("find sso", f"find {mine}", "list", "list open"):
            answer = await say(bot, team, user, ask)
            assert "ZD-" in answer and theirs not in answer, (team, ask, answer)
        assert "ZD-8" not in await say(bot, team, user, f"find {theirs}")
        room = _case(bot, team, "ZD-20").room_id
        similar = await say(bot, team, user, "similar", channel=room)
        assert "ZD-8" in similar and mine in similar and theirs not in similar, similar
    # The export: each workspace its own ZD-8; the operator's both, each naming its own.
    for team, customer in (("T0001", "Acme"), ("T0002", "Globex")):
        with tenancy.scoped(tenancy.Tenant(team)):
            rows = [r for r in export_cases(bot.store)["cases"] if r["ref"] == "ZD-8"]
        assert [(r["workspace"], r["customer"]) for r in rows] == [(team, customer)]
    every = [r for r in export_cases(bot.store)["cases"] if r["ref"] == "ZD-8"]
    assert sorted(r["workspace"] for r in every) == ["T0001", "T0002"]


async def test_the_journey_link_opens_the_case_of_its_own_workspace(
        bot: SlackHarness) -> None:
    await say(bot, "T0001", "UANN", f'open ZD-8 sev2 customer="Acme" {A_WORD} sso')
    await say(bot, "T0002", "UBETA", f'open ZD-8 sev3 customer="Globex" {B_WORD} sso')
    for team, user in (("T0001", "UANN"), ("T0002", "UBETA")):
        await say(bot, team, user, "touch billing checked the invoice",
                  channel=_case(bot, team).room_id)
    for team, user, customer, other in (("T0001", "UANN", A_WORD, B_WORD),
                                        ("T0002", "UBETA", B_WORD, A_WORD)):
        answer = json.loads(await say(bot, team, user, "journey ZD-8"))
        text = json.dumps(answer)
        link = text[text.index("https://swarm.example.com/digest/case/"):].split("\\")[0]
        link = link.split('"')[0].split(">")[0].split("|")[0].split(" ")[0]
        page = await bot.client.get(html.unescape(link).replace("https://swarm.example.com", ""))
        body = await page.text()
        assert page.status == 200, body
        assert customer in body and other not in body, (team, link)
        # The link signs its workspace: pointed at the other workspace's ZD-8, refused.
        other_team = "T0002" if team == "T0001" else "T0001"
        forged = html.unescape(link).replace(f"/{team}/", f"/{other_team}/")
        refused = await bot.client.get(forged.replace("https://swarm.example.com", ""))
        assert refused.status == 403


async def test_erasing_one_workspace_s_zd8_leaves_the_other(bot: SlackHarness) -> None:
    await say(bot, "T0001", "UANN", f'open ZD-8 sev2 customer="Acme" {A_WORD} sso')
    await say(bot, "T0002", "UBETA", f'open ZD-8 sev3 customer="Acme" {B_WORD} sso')
    a, b = _case(bot, "T0001"), _case(bot, "T0002")
    # The operator's `erase --ref ZD-8` names two cases: which one is asked, nothing erased.
    with pytest.raises(CommandError, match="T0001, T0002.*--workspace"):
        erase(bot.store, by="ops", at="2026-12-06T10:00:00Z", ref="ZD-8")
    with pytest.raises(CommandError, match="T0001, T0002.*--workspace"):
        erase(bot.store, by="ops", at="2026-12-06T10:00:00Z", customer="acme")
    done = erase(bot.store, by="ops", at="2026-12-06T10:00:00Z", ref="ZD-8",
                 workspace="T0002")
    assert [d.ref for d in done] == ["ZD-8"]
    erased, kept = bot.store.cases.by_id(b.id), bot.store.cases.by_id(a.id)
    assert erased is not None and kept is not None
    assert B_WORD not in erased.summary and erased.customer != "Acme"
    assert A_WORD in kept.summary and kept.customer == "Acme"
    assert A_WORD in await say(bot, "T0001", "UANN", "status ZD-8")
    # A's customer, in A only.
    done = erase(bot.store, by="ops", at="2026-12-06T10:00:00Z", customer="acme",
                 workspace="T0001")
    assert [d.ref for d in done] == ["ZD-8"]
    kept = bot.store.cases.by_id(a.id)
    assert kept is not None and A_WORD not in kept.summary
