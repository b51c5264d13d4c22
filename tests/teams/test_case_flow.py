"""A whole case over the wire: open -> thread, join, handoff + accept, resolve.

Every activity is a real Bot Framework activity POSTed to /api/messages with a signed
token; every outgoing call lands on the fake Bot Connector, and every card the bot sends
(or answers an invoke with) must validate against the Adaptive Card 1.5 schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.teams.conftest import ANN, BOB, BOT_ID, SWARM_CHANNEL, TRIAGE_CHANNEL, Teams

CARD = "application/vnd.microsoft.card.adaptive"


def texts(card: dict[str, Any]) -> str:
    parts = []
    for item in card.get("body", []):
        parts.append(item.get("text", ""))
        parts += [f"{f['title']}: {f['value']}" for f in item.get("facts", [])]
    return "\n".join(parts)


def actions(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["title"]: a for a in card.get("actions", [])}


async def test_whole_case_open_join_handoff_accept_resolve(
        teams: Teams, card_check: Callable[[dict[str, Any]], None]) -> None:
    fc = teams.connector

    # 1. Ann opens a case by messaging the bot in a channel.
    msg = teams.message(ANN, 'open ZD-4711 sev2 customer="Acme" skills="sso" SSO broken')
    status, _ = await teams.post(msg)
    assert status == 201
    case = teams.core.deps.store.cases.by_ref("ZD-4711")
    assert case is not None and case.owner == ANN and case.platform == "teams"
    # ... which created a thread in the swarm channel, named after the case,
    created = fc.created()
    assert len(created) == 1
    assert created[0].body["channelData"]["channel"]["id"] == SWARM_CHANNEL
    assert created[0].body["bot"]["id"] == BOT_ID
    room = case.room_id
    assert room is not None and room.startswith(f"{SWARM_CHANNEL};messageid=")
    # ... whose root post is the brief, with Join / Hand off / Resolve (a thread is made by
    # posting its first activity: no separate brief post that a lost answer could repeat).
    assert room == f"{SWARM_CHANNEL};messageid={created[0].answer['activityId']}"
    assert created[0].cards() and "Swarm ZD-4711" in texts(created[0].cards()[0])
    assert not [c for c in fc.sent(room) for card in c.cards()
                if "Swarm ZD-4711" in texts(card)]  # not posted again into the thread
    brief = created[0].cards()[0]
    buttons = actions(brief)
    assert buttons["Join"]["type"] == "Action.Execute"
    assert buttons["Join"]["data"] == {"command": "join ZD-4711"}
    assert buttons["Hand off"]["type"] == "Action.Submit"
    assert buttons["Hand off"]["data"]["msteams"] == {"type": "task/fetch"}
    # Ann (the owner) is @mentioned in the thread: mention entity on the activity.
    assert any(e.get("mentioned", {}).get("id") == ANN
               for c in fc.sent(room) for e in (c.body.get("entities") or []))
    # The reply to Ann's message went back to her message (replyToId).
    assert any(c.path == f"/v3/conversations/{msg['conversation']['id']}/activities/{msg['id']}"
               for c in fc.calls)

    # 2. Bob presses Join on the brief: an adaptiveCard/action invoke.
    click = teams.invoke("adaptive_card_action", BOB, room, buttons["Join"]["data"])
    status, body = await teams.post(click)
    assert status == 200
    assert body["statusCode"] == 200 and body["type"] == CARD
    card_check(body["value"])
    assert "ZD-4711" in texts(body["value"])
    assert teams.core.deps.store.cases.participant(case.id, BOB) is not None
    # Joining a thread means being @mentioned in it.
    assert any(e.get("mentioned", {}).get("id") == BOB
               for c in fc.sent(room) for e in (c.body.get("entities") or []))

    # 3. Ann hands off: the button opens a form (task/fetch) listing Bob ...
    fetch = teams.invoke("task_fetch", ANN, room, buttons["Hand off"]["data"])
    status, body = await teams.post(fetch)
    assert status == 200
    task = body["task"]
    assert task["type"] == "continue"
    form = task["value"]["card"]["content"]
    card_check(form)
    receiver = next(i for i in form["body"] if i.get("id") == "to")
    assert {"title": "Bob Specialist", "value": BOB} in receiver["choices"]
    # ... and submitting it (task/submit: Teams merges the inputs into the action's data)
    submit_data = {**actions(form)["Offer handoff"]["data"], "to": BOB,
                   "briefing": "Customer waits for the SAML fix", "tried": "cleared caches"}
    before = len(fc.calls)
    status, body = await teams.post(teams.invoke("task_submit", ANN, room, submit_data))
    assert status == 200
    assert body["task"]["type"] in ("message", "continue")
    handoff = teams.core.deps.store.cases.pending_handoff(case.id)
    assert handoff is not None and handoff.to_id == BOB
    assert handoff.briefing == "Customer waits for the SAML fix"
    # The offer went to Bob 1:1: a new personal conversation, then the card in it.
    new = fc.calls[before:]
    one_to_one = [c for c in new if c.path == "/v3/conversations"
                  and c.body["members"] == [{"id": BOB}]]
    assert one_to_one, [c.path for c in new]
    assert one_to_one[0].body["isGroup"] is False
    # Teams reads the tenant from channelData (botbuilder also sends it as "tenantID").
    assert one_to_one[0].body["channelData"]["tenant"]["id"] == msg["conversation"]["tenantId"]
    offers = [card for c in new for card in c.cards() if "Accept" in actions(card)]
    assert offers
    offer = offers[0]
    assert "Customer waits for the SAML fix" in texts(offer)
    dm = next(c.conversation_id for c in new if any("Accept" in actions(k) for k in c.cards()))

    # 4. Bob accepts in his chat with the bot.
    accept = teams.invoke("adaptive_card_action", BOB, dm, actions(offer)["Accept"]["data"])
    accept["conversation"]["conversationType"] = "personal"
    status, body = await teams.post(accept)
    assert status == 200 and body["statusCode"] == 200
    card_check(body["value"])
    assert teams.core.deps.store.cases.by_ref("ZD-4711").owner == BOB
    # The brief (the thread's root post) is rewritten in place with the new owner; the
    # topic change does not overwrite it with a header.
    root = room.split("=")[1]
    updates = [c for c in fc.calls if c.method == "PUT" and
               c.path == f"/v3/conversations/{room}/activities/{root}"]
    assert updates and all("Swarm ZD-4711" in texts(card) for c in updates
                           for card in c.cards())
    assert "Bob" in texts(updates[-1].cards()[0])

    # 5. Bob resolves through the form; the thread gets a "resolved" card and stops.
    fetch = teams.invoke("task_fetch", BOB, room, {"msteams": {"type": "task/fetch"},
                                                   "command": "resolve ZD-4711"})
    status, body = await teams.post(fetch)
    form = body["task"]["value"]["card"]["content"]
    card_check(form)
    data = {**actions(form)["Resolve"]["data"], "resolution": "IdP metadata re-imported"}
    status, body = await teams.post(teams.invoke("task_submit", BOB, room, data))
    assert status == 200
    resolved = teams.core.deps.store.cases.by_ref("ZD-4711")
    assert resolved.status.value == "resolved" if hasattr(resolved.status, "value") else True
    assert resolved.resolution == "IdP metadata re-imported"
    assert any("Resolved" in texts(card) for c in fc.sent(room) for card in c.cards())
    assert teams.runtime.port.is_closed(room)

    # Every card the bot sent validates.
    sent_cards = fc.all_cards()
    assert len(sent_cards) >= 4
    for card in sent_cards:
        card_check(card)


async def test_need_posts_a_help_request_in_the_triage_channel(teams: Teams) -> None:
    await teams.post(teams.message(ANN, "open ZD-9 sev3 printer on fire"))
    room = teams.core.deps.store.cases.by_ref("ZD-9").room_id
    teams.core.deps.store.people.add_skills(ANN, ["printers"])
    status, _ = await teams.post(teams.message(ANN, "need printers", conversation=room))
    assert status == 201
    triage = [c for c in teams.connector.calls
              if c.path == f"/v3/conversations/{TRIAGE_CHANNEL}/activities"]
    assert triage and "Help wanted on ZD-9" in texts(triage[0].cards()[0])


async def test_user_mentions_become_ids_and_the_bot_mention_is_stripped(teams: Teams) -> None:
    await teams.post(teams.message(ANN, "open ZD-5 sev3 broken export"))
    room = teams.core.deps.store.cases.by_ref("ZD-5").room_id
    status, _ = await teams.post(teams.message(ANN, f"invite @{BOB} knows exports",
                                               conversation=room, mentions=(BOB,)))
    assert status == 201
    store = teams.core.deps.store
    assert store.cases.participant(store.cases.by_ref("ZD-5").id, BOB)


async def test_a_redelivered_activity_is_handled_once(teams: Teams) -> None:
    msg = teams.message(ANN, "open ZD-6 sev3 once only")
    await teams.post(msg)
    calls = len(teams.connector.calls)
    status, _ = await teams.post(msg)  # Teams retries with the same activity id
    assert status == 201
    assert len(teams.connector.calls) == calls


async def test_errors_come_back_as_one_line(teams: Teams) -> None:
    msg = teams.message(ANN, "frobnicate ZD-1")
    status, _ = await teams.post(msg)
    assert status == 201
    reply = teams.connector.calls[-1].body
    assert "Unknown command" in reply["text"]


async def test_a_connector_refusal_is_told_to_the_user(teams: Teams) -> None:
    teams.connector.failing["POST /v3/conversations"] = 403
    msg = teams.message(ANN, "open ZD-7 sev3 no thread allowed")
    status, _ = await teams.post(msg)
    assert status == 201
    replies = [c.body for c in teams.connector.calls
               if c.path.endswith(f"/activities/{msg['id']}")]
    said = " ".join((r.get("text") or "") + str(r.get("attachments")) for r in replies)
    assert "Couldn't create the swarm room" in said and "403" in said


async def test_a_command_received_before_a_crash_is_finished_at_start_up(teams: Teams) -> None:
    import json

    from aiohttp import web
    from botbuilder.schema import Activity

    from adapters.teams.endpoint import add_teams_routes
    from handlers.delivery import Delivery, Sender, Typed
    from tests.teams.conftest import serve

    msg = teams.message(ANN, "open ZD-8 sev3 acked then the process died")
    conversation = msg["conversation"]["id"]
    # The activity reached the bot (which learned where to answer) before the crash.
    await teams.runtime.directory.learn(Activity().deserialize(msg))
    assert teams.core.accept(Delivery(source="teams", key=f"teams:{msg['id']}",
                                      sender=Sender(ANN), room=conversation,
                                      what=Typed("open ZD-8 sev3 acked then the process died")))
    teams.core.in_flight.clear()  # the process that accepted it died with it
    app = web.Application()  # the restarted server: its start-up replays the inbox
    add_teams_routes(app, teams.runtime, teams.core, refs=teams.core.deps.store.refs)
    runner, _ = await serve(app)
    try:
        # The composition root runs the core's replay loop; its first pass is this one.
        assert await teams.core.replays.run_pending() == 1
        assert teams.core.deps.store.cases.by_ref("ZD-8") is not None
        assert teams.core.deps.store.inbox.pending("teams") == []
        answers = [c for c in teams.connector.calls if conversation in c.path]
        assert any("ZD-8" in json.dumps(c.body) for c in answers)
    finally:
        await runner.cleanup()


async def test_installing_the_bot_in_a_team_posts_a_valid_welcome_card(
        teams: Teams, card_check: Callable[[dict[str, Any]], None]) -> None:
    act = teams.activity("channel_message")
    for key in ("text", "textFormat", "entities"):
        act.pop(key)
    act.update(type="conversationUpdate", membersAdded=[{"id": BOT_ID}])
    act["channelData"]["eventType"] = "teamMemberAdded"
    status, _ = await teams.post(act)
    assert status in (200, 201)
    welcome = teams.connector.all_cards()
    assert len(welcome) == 1 and "Open a swarm…" in actions(welcome[0])
    card_check(welcome[0])
