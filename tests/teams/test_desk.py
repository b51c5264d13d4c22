"""The agent's desk in Teams (issue 25): a bot-rendered Adaptive Card 1.5 in the person's
chat with the bot, on `desk` and when the bot is added to that chat. A specialist with a
pending offer, a promise due today and a help request for their skill sees all three, each
with its button; each button works and answers with the desk as it left it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.teams.conftest import ANN, BOB, BOT_ID, NAMES, Teams

PERSONAL = "a:1personal-bob"


def personal(teams: Teams, user: str, text: str) -> dict[str, Any]:
    act = teams.activity("personal_message")
    act["from"] = {"id": user, "name": NAMES[user]}
    act["conversation"]["id"] = PERSONAL if user == BOB else "a:1personal-ann"
    act["text"] = text
    return act


def every_action(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every button on the card, nested ActionSets too: its command -> the action."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type", "").startswith("Action.") and "command" in node.get("data", {}):
                found[node["data"]["command"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(card)
    return found


def text_of(card: dict[str, Any]) -> str:
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(card)
    return "\n".join(out)


async def press(teams: Teams, card: dict[str, Any], command: str) -> dict[str, Any]:
    click = teams.invoke("adaptive_card_action", BOB, PERSONAL,
                         every_action(card)[command]["data"])
    click["conversation"]["conversationType"] = "personal"
    status, body = await teams.post(click)
    assert status == 200 and body["statusCode"] == 200, body
    return body["value"]


async def test_the_desk_card_shows_an_offer_a_promise_and_help_each_with_its_button(
        teams: Teams, card_validator: Callable[[dict[str, Any]], None]) -> None:
    store = teams.core.deps.store
    for act in (personal(teams, BOB, "skills add billing"),
                teams.message(ANN, "open ZD-1 sev2 Refund stuck at the bank"),
                teams.message(ANN, "ZD-1 need billing"),
                teams.message(ANN, "open ZD-2 sev3 Invoice address wrong"),
                teams.message(ANN, f"ZD-2 handoff @{BOB} the customer waits for the invoice",
                              mentions=(BOB,)),
                teams.message(BOB, "open ZD-3 sev3 Card declined twice"),
                teams.message(BOB, "ZD-3 promise in 30m call the customer back")):
        status, _ = await teams.post(act)
        assert status in (200, 201)
    assert store.cases.pending_handoff(store.cases.by_ref("ZD-2").id) is not None
    assert store.journal.open_promises(store.cases.by_ref("ZD-3").id)

    status, _ = await teams.post(personal(teams, BOB, "desk"))
    assert status in (200, 201)
    card = [c for call in teams.connector.sent(PERSONAL) for c in call.cards()][-1]
    card_validator(card)
    shown = text_of(card)
    for title in ("Your desk", "Offers waiting for you", "Promises due today",
                  "Help wanted for your skills", "Your swarms"):
        assert title in shown, title
    assert "**Ann Owner** offers you ZD-2" in shown and "the customer waits" in shown
    assert "call the customer back" in shown and "Refund stuck at the bank" in shown
    buttons = {command: a["title"] for command, a in every_action(card).items()}
    assert buttons == {"open": "Open a case", "skills away": "I'm away",
                       "accept ZD-2": "Accept", "decline ZD-2": "Decline",
                       "kept ZD-3 1": "Kept", "join ZD-1": "Join"}

    card = await press(teams, card, "accept ZD-2")
    card_validator(card)
    assert store.cases.by_ref("ZD-2").owner == BOB
    assert "accept ZD-2" not in every_action(card)
    assert "No handoff is waiting for you." in text_of(card)
    card = await press(teams, card, "kept ZD-3 1")
    assert store.journal.open_promises(store.cases.by_ref("ZD-3").id) == []
    card = await press(teams, card, "join ZD-1")
    assert store.cases.participant(store.cases.by_ref("ZD-1").id, BOB) is not None
    card = await press(teams, card, "skills away")
    card_validator(card)
    assert not store.people.get(BOB).available
    assert every_action(card)["skills back"]["title"] == "I'm back"
    assert set(every_action(card)) == {"open", "skills back"}


async def test_adding_swarmbot_to_a_personal_chat_opens_on_the_desk(
        teams: Teams, card_validator: Callable[[dict[str, Any]], None]) -> None:
    install = teams.activity("channel_member_added")
    install["membersAdded"] = [{"id": BOT_ID}]
    install["from"] = {"id": BOB, "name": NAMES[BOB]}
    install["conversation"] = {"conversationType": "personal", "id": PERSONAL,
                               "tenantId": "72f988bf-0000-4000-8000-0000000000aa"}
    install["channelData"] = {"tenant": {"id": "72f988bf-0000-4000-8000-0000000000aa"}}
    status, _ = await teams.post(install)
    assert status in (200, 201)
    cards = [c for call in teams.connector.sent(PERSONAL) for c in call.cards()]
    assert len(cards) == 2, cards  # the welcome, then the desk
    card_validator(cards[1])
    assert "Your desk" in text_of(cards[1]) and "No handoff is waiting for you." in \
        text_of(cards[1])
    assert set(every_action(cards[1])) == {"open", "skills away"}
