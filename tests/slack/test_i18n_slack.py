"""Issue 25, over the wire: a Slack user whose locale is German reads swarmbot in German
(signed requests, the fake Slack Web API through the real AsyncWebClient), a user in
en-US in the same run reads English, and what everyone reads speaks the deployment's."""

from __future__ import annotations

import json

from tests.slack.harness import SlackHarness
from tests.slack.oauth_harness import Browser
from tests.slack.test_desk import open_home
from tests.slack.test_oauth import bot, oauth_config  # noqa: F401 - the OAuth server


def _said(answer: dict) -> str:
    return json.dumps(answer, ensure_ascii=False)


async def test_a_german_slack_user_gets_help_and_errors_in_german(
        slack_bot: SlackHarness) -> None:
    fake = slack_bot.fake
    fake.users["UDE1"] = {"id": "UDE1", "name": "greta", "tz": "Europe/Berlin",
                          "locale": "de-DE"}
    fake.users["UEN1"] = {"id": "UEN1", "name": "erin", "tz": "America/Chicago",
                          "locale": "en-US"}
    await slack_bot.command("help", "UDE1")
    help_de = _said(fake.responses[-1])
    assert "swarmbot-Befehle" in help_de
    assert "Einen Fall und seinen Swarm-Raum eröffnen" in help_de
    # What the person types stays as typed: the commands and their words.
    assert "/swarm open &lt;ref&gt; [sev1..sev4]" in help_de and "/swarm help" in help_de
    await slack_bot.command("frobnicat ZD-1", "UDE1")
    bad = fake.responses[-1]
    assert bad["response_type"] == "ephemeral" and "\n" not in bad["text"]
    assert "Unbekannter Befehl `frobnicat`." in bad["text"]
    assert "listet alle auf." in bad["text"]
    # The same run, a person in en-US: English.
    await slack_bot.command("frobnicate ZD-1", "UEN1")
    assert "Unknown command `frobnicate`." in fake.responses[-1]["text"]
    await slack_bot.command("help", "UEN1")
    assert "swarmbot commands" in _said(fake.responses[-1])
    # One users.info per person, with the locale asked for; the zone came with it.
    asked = fake.calls_to("users.info")
    assert len(asked) == 2
    assert all(str(c.args.get("include_locale")).lower() in ("1", "true") for c in asked)
    assert slack_bot.store.people.get("UDE1").tz == "Europe/Berlin"


async def test_a_locale_swarmbot_has_no_catalogue_for_reads_the_deployments(
        slack_bot: SlackHarness) -> None:
    slack_bot.fake.users["UFR1"] = {"id": "UFR1", "name": "f", "locale": "fr-FR"}
    await slack_bot.command("frobnicate", "UFR1")
    assert "Unknown command `frobnicate`." in slack_bot.fake.responses[-1]["text"]


async def test_a_german_form_error_in_the_modal_ack(slack_bot: SlackHarness) -> None:
    fake = slack_bot.fake
    fake.users["UDE2"] = {"id": "UDE2", "name": "hans", "locale": "de-DE"}
    await slack_bot.command("open", "UDE2")  # typed alone: the form
    view = fake.views[-1]["view"]
    assert view["title"]["text"] == "Einen Swarm eröffnen"
    labels = json.dumps(view["blocks"], ensure_ascii=False)
    assert "Fallreferenz" in labels and "Worum es geht" in labels


async def test_the_add_to_slack_pages_follow_the_browsers_language(
        bot: SlackHarness) -> None:  # noqa: F811 - the fixture imported above
    browser = Browser(bot)
    state = (await browser.add_to_slack())["state"]
    resp = await bot.client.get(f"/slack/oauth_redirect?error=access_denied&state={state}",
                                headers={"Cookie": browser.cookie,
                                         "Accept-Language": "de-DE,de;q=0.9,en;q=0.8"})
    page = await resp.text()
    assert resp.status == 200 and "swarmbot wurde nicht installiert" in page
    assert "Die Installation wurde in Slack abgebrochen." in page
    state = (await browser.add_to_slack())["state"]
    status, page = await browser.back_from_slack(f"error=access_denied&state={state}")
    assert status == 200 and "cancelled in Slack" in page  # no Accept-Language: English


async def test_the_app_home_of_a_german_user_is_german(slack_bot: SlackHarness) -> None:
    fake = slack_bot.fake
    fake.users["UDE3"] = {"id": "UDE3", "name": "uta", "locale": "de-DE"}
    fake.users["UEN3"] = {"id": "UEN3", "name": "eve", "locale": "en-US"}
    de = await open_home(slack_bot, "UDE3")
    shown = json.dumps(de["blocks"], ensure_ascii=False)
    assert "Dein Schreibtisch" in shown and "Du bist *verfügbar*" in shown
    assert "Buttons sind Abkürzungen für `/swarm`-Befehle" in shown
    en = json.dumps((await open_home(slack_bot, "UEN3"))["blocks"])
    assert "Your desk" in en and "Dein" not in en
