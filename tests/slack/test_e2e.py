"""A whole case through the real serve app, the way Slack drives it, against the fake Web API."""

from __future__ import annotations

import json

from tests.slack.harness import SlackHarness, text_input

OWNER, NET, NEXT = "UOWNER1", "UNET1", "UNEXT1"
SUPPORT = "C2147483705"  # where the owner types; the bot is not a member there


def last_view(harness: SlackHarness, method: str) -> dict:
    return [v for v in harness.fake.views if v["method"] == method][-1]


async def test_whole_case_open_need_join_handoff_accept_resolve(slack_bot: SlackHarness):
    fake, store = slack_bot.fake, slack_bot.store

    assert (await slack_bot.command("skills add networking", NET)).status == 200
    assert "networking" in fake.responses[-1]["text"]

    # open: channel named by the core, owner invited, topic set, brief with buttons
    await slack_bot.command('open ZD-4711 sev2 customer="Acme &amp; Co" Acme cannot log in '
                            'after SSO change', OWNER)
    room = fake.channel_named("swarm-zd-4711-acme-cannot-log-in-after-sso-change")
    assert room is not None and OWNER in room.members
    assert room.topic.startswith("ZD-4711")
    answer = fake.responses[-1]
    assert answer["response_type"] == "in_channel" and f"#{room.name}" in answer["text"]
    case = store.cases.by_ref("ZD-4711")
    assert case.customer == "Acme & Co" and case.room_id == room.id and case.owner == OWNER
    brief = slack_bot.messages_in(room.id)[0]
    labels = [e["text"]["text"] for b in brief["blocks"] if b["type"] == "actions"
              for e in b["elements"]]
    assert labels == ["Join", "Hand off", "Resolve"]

    # need: a help request in triage, mentioning the expert, with a Join button
    triage = fake.channel_named("swarm-triage")
    await slack_bot.command('need networking tried="restarted the IdP"', OWNER, room.id)
    request = slack_bot.messages_in(triage.id)[-1]
    assert f"<@{NET}>" in json.dumps(request["blocks"]) and f"<@{NET}>" in request["text"]

    # the expert presses Join in triage: invited into the swarm channel
    assert (await slack_bot.click(request, "Join", NET)).status == 200
    assert NET in room.members
    assert fake.calls_to("conversations.invite")[-1].args["users"] == NET
    # Slack then tells us they joined; that changes nothing more
    await slack_bot.event({"type": "member_joined_channel", "user": NET, "channel": room.id,
                           "channel_type": "C", "event_ts": "1.1"})
    assert [p.person for p in store.cases.participants(case.id, active_only=True)].count(NET) == 1

    # a message in the swarm channel counts as a contribution; its text is not stored
    await slack_bot.event({"type": "message", "channel": room.id, "user": NET,
                           "text": "secret customer detail", "ts": "1.2",
                           "channel_type": "channel"})
    assert store.timeline.message_counts(case.id) == {NET: 1}
    rows = store.db.execute("SELECT payload FROM inbox").fetchall()
    assert not any("secret customer detail" in r[0] for r in rows)

    # Hand off: the button opens the form; the form composes the command
    await slack_bot.click(brief, "Hand off", OWNER)
    form = last_view(slack_bot, "views.open")
    assert json.loads(form["view"]["private_metadata"])["command"] == "handoff"
    assert form["trigger_id"].startswith("trigger.click.")
    resp = await slack_bot.submit(form["view"], {
        "to": {"type": "users_select", "selected_user": NEXT},
        "briefing": text_input("Waiting on SAML metadata from Acme IT"),
        "tried": text_input("cert rotation")}, OWNER)
    assert resp.status == 200 and (await resp.text()) == ""
    offer = slack_bot.messages_in(f"D{NEXT}")[-1]
    assert "Waiting on SAML metadata" in json.dumps(offer["blocks"])
    assert store.cases.by_ref("ZD-4711").owner == OWNER  # stays owner until accepted

    # the receiver accepts from the DM
    await slack_bot.click(offer, "Accept", NEXT)
    settled = [r for r in fake.responses if r.get("replace_original")][-1]
    assert "actions" not in [b["type"] for b in settled["blocks"]]
    assert f"Accepted by <@{NEXT}>" in json.dumps(settled["blocks"])
    case = store.cases.by_ref("ZD-4711")
    assert case.owner == NEXT and NEXT in room.members
    assert f"<@{NEXT}>" in room.topic

    # App Home lists the swarm
    await slack_bot.event({"type": "app_home_opened", "user": NEXT, "channel": "DNEXT",
                           "tab": "home", "event_ts": "1.3"})
    home = last_view(slack_bot, "views.publish")
    assert home["user_id"] == NEXT and "ZD-4711" in json.dumps(home["view"])

    # the owner leaving the channel is invited back, with the reason in a DM
    invites = len(fake.calls_to("conversations.invite"))
    room.members.discard(NEXT)
    await slack_bot.event({"type": "member_left_channel", "user": NEXT, "channel": room.id,
                           "channel_type": "C", "event_ts": "1.4"})
    assert len(fake.calls_to("conversations.invite")) == invites + 1 and NEXT in room.members
    assert "hand off" in slack_bot.messages_in(f"D{NEXT}")[-1]["text"].lower()

    # Resolve: form, resolution posted, channel archived
    await slack_bot.click(brief, "Resolve", NEXT)
    form = last_view(slack_bot, "views.open")
    assert json.loads(form["view"]["private_metadata"])["command"] == "resolve"
    await slack_bot.submit(form["view"], {"resolution": text_input("New SAML cert installed")},
                           NEXT)
    case = store.cases.by_ref("ZD-4711")
    assert case.status.value == "resolved" and case.resolution == "New SAML cert installed"
    assert room.archived
    assert "New SAML cert installed" in slack_bot.messages_in(room.id)[-1]["text"]
    assert store.inbox.pending("slack") == []
    # a form left open on another screen cannot act on the resolved case
    late = await slack_bot.submit(form["view"], {"resolution": text_input("again")}, NEXT)
    assert "is resolved" in (await late.json())["errors"]["resolution"]


async def test_redelivered_event_does_nothing_twice(slack_bot: SlackHarness):
    await slack_bot.command("open ZD-5 sev3 Printer on fire", OWNER)
    room = slack_bot.fake.channel_named("swarm-zd-5-printer-on-fire")
    case = slack_bot.store.cases.by_ref("ZD-5")
    message = {"type": "message", "channel": room.id, "user": NET, "text": "hi", "ts": "2.1"}
    first = await slack_bot.event(message, event_id="Ev0REDELIVER")
    again = await slack_bot.event(message, event_id="Ev0REDELIVER", retry=1)
    assert first.status == again.status == 200
    assert slack_bot.store.timeline.message_counts(case.id) == {NET: 1}
    joined = {"type": "member_joined_channel", "user": NET, "channel": room.id}
    await slack_bot.event(joined, event_id="Ev0JOIN")
    await slack_bot.event(joined, event_id="Ev0JOIN", retry=2)
    events = [e.kind for e in slack_bot.store.timeline.events(case.id)]
    assert events.count("joined") == 1
    # a new event_id is a new event
    await slack_bot.event(message, event_id="Ev0OTHER")
    assert slack_bot.store.timeline.message_counts(case.id) == {NET: 2}


async def test_open_form_from_the_slash_command_and_its_errors(slack_bot: SlackHarness):
    await slack_bot.command("open", OWNER)
    form = last_view(slack_bot, "views.open")
    assert json.loads(form["view"]["private_metadata"])["command"] == "open"
    values = {"ref": text_input("ZD-8"), "summary": text_input("VPN drops"),
              "severity": {"type": "static_select", "selected_option": {"value": "sev1"}},
              "skills": text_input("networking")}
    await slack_bot.submit(form["view"], values, OWNER)
    case = slack_bot.store.cases.by_ref("ZD-8")
    assert case is not None and case.severity == 1
    # the same ref again: the form shows the error next to the field, nothing runs
    calls = len(slack_bot.fake.calls)
    resp = await slack_bot.submit(form["view"], values, OWNER)
    body = await resp.json()
    assert body["response_action"] == "errors" and "ZD-8" in body["errors"]["ref"]
    assert len(slack_bot.fake.calls) == calls
    bad = await slack_bot.submit(form["view"], {**values, "ref": text_input("no spaces")}, OWNER)
    assert "ref" in (await bad.json())["errors"]


async def test_errors_are_private_one_liners(slack_bot: SlackHarness):
    await slack_bot.command("frobnicate ZD-1", OWNER)
    answer = slack_bot.fake.responses[-1]
    assert answer["response_type"] == "ephemeral"
    assert "Unknown command" in answer["text"] and "\n" not in answer["text"]


async def test_time_zone_comes_from_slack_once(slack_bot: SlackHarness):
    slack_bot.fake.users["UTZ1"] = {"id": "UTZ1", "name": "tz", "tz": "America/Chicago"}
    await slack_bot.command("help", "UTZ1")
    await slack_bot.command("skills", "UTZ1")
    assert slack_bot.store.people.get("UTZ1").tz == "America/Chicago"
    assert len(slack_bot.fake.calls_to("users.info")) == 1


async def test_decline_and_a_click_by_the_wrong_person(slack_bot: SlackHarness):
    fake = slack_bot.fake
    await slack_bot.command("open ZD-6 sev3 Invoices wrong", OWNER)
    room = fake.channel_named("swarm-zd-6-invoices-wrong")
    await slack_bot.command(f"handoff <@{NEXT}|next> shift ends, invoices re-run pending",
                            OWNER, room.id)
    offer = slack_bot.messages_in(f"D{NEXT}")[-1]
    # somebody else presses Accept: a private error, the offer keeps its buttons
    await slack_bot.click(offer, "Accept", NET)
    assert fake.responses[-1]["response_type"] == "ephemeral"
    assert "no handoff" in fake.responses[-1]["text"].lower()
    assert not [r for r in fake.responses if r.get("replace_original")]
    # the receiver declines: the owner hears it and stays owner
    await slack_bot.click(offer, "Decline", NEXT)
    assert slack_bot.store.cases.by_ref("ZD-6").owner == OWNER
    assert "declined" in slack_bot.messages_in(f"D{OWNER}")[-1]["text"]
    settled = [r for r in fake.responses if r.get("replace_original")][-1]
    assert f"Declined by <@{NEXT}>" in json.dumps(settled["blocks"])


async def test_handoff_alone_in_a_swarm_channel_opens_the_form(slack_bot: SlackHarness):
    await slack_bot.command("open ZD-7 sev3 Refund stuck", OWNER)
    room = slack_bot.fake.channel_named("swarm-zd-7-refund-stuck")
    await slack_bot.command("handoff", OWNER, room.id)
    form = last_view(slack_bot, "views.open")
    assert json.loads(form["view"]["private_metadata"])["command"] == "handoff"
    meta = json.loads(form["view"]["private_metadata"])
    assert (meta["command"], meta["context"]["ref"], meta["channel"]) == (
        "handoff", "ZD-7", room.id)
    assert meta["context"]["draft_kind"] == "handoff"  # it opens with a draft briefing
    # outside a swarm channel `handoff` alone is a usage error, privately
    await slack_bot.command("handoff", OWNER)
    assert slack_bot.fake.responses[-1]["response_type"] == "ephemeral"


async def test_a_repeated_request_body_is_processed_once(slack_bot: SlackHarness):
    from testkit.slack.signing import form_body, payload
    from tests.slack.harness import FORM

    body = form_body({**payload("slash_command.json"), "user_id": OWNER,
                      "text": "open ZD-12 sev3 Only once",
                      "response_url": slack_bot.fake.response_url("once")})
    assert (await slack_bot.post(body, FORM)).status == 200
    assert (await slack_bot.post(body, FORM, **{"X-Slack-Retry-Num": "1"})).status == 200
    await slack_bot.drain()
    assert len(slack_bot.fake.calls_to("conversations.create")) == 1
    assert len(slack_bot.fake.responses) == 1


async def test_url_verification_challenge(slack_bot: SlackHarness):
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "x", "challenge": challenge, "type": "url_verification"})
    resp = await slack_bot.post(body, "application/json")
    assert resp.status == 200
    assert (await resp.json())["challenge"] == challenge
    assert slack_bot.store.inbox.pending("slack") == []
