"""Forms over the real serve app: values come back verbatim, rules come from the core, and
errors show at their fields."""

from __future__ import annotations

import json

from bot.export import export_cases
from tests.slack.harness import SlackHarness, text_input

OWNER, MANAGER = "UOWNER1", "UMGR1"
# Everything the old form-to-text round trip used to misread.
WORDS = 'SSO broken since customer=Globex merged "quotes" sev1 @someone <@U999> & 100%'


def last_form(harness: SlackHarness) -> dict:
    return [v for v in harness.fake.views if v["method"] == "views.open"][-1]["view"]


async def test_the_open_form_keeps_every_word_verbatim(slack_bot: SlackHarness):
    await slack_bot.command("open", OWNER)
    form = last_form(slack_bot)
    resp = await slack_bot.submit(form, {
        "ref": text_input("ZD-91"), "summary": text_input(WORDS),
        "customer": text_input('Acme "EU" customer=Initech'),
        "severity": {"type": "static_select", "selected_option": {"value": "sev2"}}}, OWNER)
    assert resp.status == 200
    exported = export_cases(slack_bot.store)["cases"]
    case = next(c for c in exported if c["ref"] == "ZD-91")
    assert (case["summary"], case["customer"], case["severity"]) == (
        WORDS, 'Acme "EU" customer=Initech', 2)


async def test_a_manager_handing_off_from_the_form_gets_the_cores_rule_at_the_field(
        slack_bot: SlackHarness):
    slack_bot.runtime.config.people.managers.append(MANAGER)
    await slack_bot.command("open ZD-92 sev3 Printer on fire", OWNER)
    room = slack_bot.fake.channel_named("swarm-zd-92-printer-on-fire")
    await slack_bot.command("handoff", MANAGER, room.id)  # alone in the room: the form
    form = last_form(slack_bot)
    assert json.loads(form["private_metadata"])["context"]["ref"] == "ZD-92"
    resp = await slack_bot.submit(form, {
        "to": {"type": "users_select", "selected_user": MANAGER},
        "briefing": text_input("taking it myself")}, MANAGER)
    body = await resp.json()
    assert body["response_action"] == "errors"
    # The core's rule (no self-handoff), shown at the receiver's field; nothing ran.
    assert body["errors"] == {"to": "You can't hand off to yourself: name the next owner."}
    case = slack_bot.store.cases.by_ref("ZD-92")
    assert slack_bot.store.cases.pending_handoff(case.id) is None
    # A missing briefing is the same one rule, at its own field.
    resp = await slack_bot.submit(form, {
        "to": {"type": "users_select", "selected_user": "UNEXT1"},
        "briefing": text_input("")}, MANAGER)
    assert list((await resp.json())["errors"]) == ["briefing"]
    # A manager may hand off a case they do not own: to someone else, it goes through.
    resp = await slack_bot.submit(form, {
        "to": {"type": "users_select", "selected_user": "UNEXT1"},
        "briefing": text_input("owner is out sick; customer waits on a call")}, MANAGER)
    assert resp.status == 200 and not await resp.text()
    assert slack_bot.store.cases.pending_handoff(case.id).to_id == "UNEXT1"


async def test_a_foreign_form_gets_one_line_at_its_first_field(slack_bot: SlackHarness):
    await slack_bot.command("open", OWNER)
    form = {**last_form(slack_bot), "private_metadata": "left open across a deploy"}
    resp = await slack_bot.submit(form, {"ref": text_input("ZD-93"),
                                         "summary": text_input("x")}, OWNER)
    body = await resp.json()
    assert body["response_action"] == "errors"
    assert "not one swarmbot knows" in body["errors"]["ref"]
    assert slack_bot.store.cases.by_ref("ZD-93") is None


async def test_a_field_added_to_the_open_form_reaches_the_help_request(slack_bot: SlackHarness):
    await slack_bot.command("skills add sso", "USSO1")
    await slack_bot.command("open", OWNER)
    await slack_bot.submit(last_form(slack_bot), {
        "ref": text_input("ZD-94"), "summary": text_input("SSO loop"),
        "skills": text_input("sso"), "tried": text_input("cleared the IdP cache")}, OWNER)
    triage = slack_bot.fake.channel_named("swarm-triage")
    request = slack_bot.messages_in(triage.id)[-1]
    assert "cleared the IdP cache" in json.dumps(request["blocks"])
