"""Task-module forms over the real endpoint: values verbatim, the core's rules at the field."""

from __future__ import annotations

from typing import Any

from bot.export import export_cases
from tests.teams.conftest import ANN, BOB, CAROL, Teams

WORDS = 'SSO broken since customer=Globex merged "quotes" sev1 @someone <at>Bob</at>'


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["id"]: b for b in card["body"] if "id" in b}


async def _fetch(teams: Teams, user: str, room: str, command: str) -> dict[str, Any]:
    status, body = await teams.post(teams.invoke(
        "task_fetch", user, room, {"msteams": {"type": "task/fetch"}, "command": command}))
    assert status == 200 and body["task"]["type"] == "continue", body
    return body["task"]["value"]["card"]["content"]


async def test_the_open_form_keeps_every_word_verbatim(teams: Teams) -> None:
    room = teams.message(ANN, "help")["conversation"]["id"]
    form = await _fetch(teams, ANN, room, "open")
    assert set(_inputs(form)) >= {"ref", "severity", "summary", "customer"}
    data = {**form["actions"][0]["data"], "ref": "ZD-81", "severity": "sev1",
            "summary": WORDS, "customer": 'Acme "EU"'}
    status, _ = await teams.post(teams.invoke("task_submit", ANN, room, data))
    assert status == 200
    case = next(c for c in export_cases(teams.core.deps.store)["cases"] if c["ref"] == "ZD-81")
    assert (case["summary"], case["customer"], case["severity"]) == (WORDS, 'Acme "EU"', 1)


async def test_a_manager_handing_off_to_themselves_sees_the_rule_at_the_field(
        teams: Teams) -> None:
    teams.core.deps.config.people.managers.append(CAROL)
    await teams.post(teams.message(ANN, "open ZD-82 sev3 Printer on fire"))
    room = teams.core.deps.store.cases.by_ref("ZD-82").room_id
    form = await _fetch(teams, CAROL, room, "handoff ZD-82")
    data = {**form["actions"][0]["data"], "to": CAROL, "briefing": "mine now"}
    status, body = await teams.post(teams.invoke("task_submit", CAROL, room, data))
    assert status == 200 and body["task"]["type"] == "continue"
    again = body["task"]["value"]["card"]["content"]
    ids = [b.get("id") or b.get("text") for b in again["body"]]
    # The error sits right under the receiver's field, and what was typed is kept.
    assert ids[ids.index("to") + 1] == "You can't hand off to yourself: name the next owner."
    assert _inputs(again)["briefing"]["value"] == "mine now"
    case = teams.core.deps.store.cases.by_ref("ZD-82")
    assert teams.core.deps.store.cases.pending_handoff(case.id) is None
    data = {**form["actions"][0]["data"], "to": BOB, "briefing": "owner is out"}
    status, body = await teams.post(teams.invoke("task_submit", CAROL, room, data))
    assert teams.core.deps.store.cases.pending_handoff(case.id).to_id == BOB


async def test_open_typed_alone_answers_with_a_button_to_the_form(teams: Teams) -> None:
    before = len(teams.connector.all_cards())
    status, _ = await teams.post(teams.message(ANN, "open"))
    assert status == 201
    card = teams.connector.all_cards()[before]
    button = card["actions"][0]
    assert button["type"] == "Action.Submit"
    assert button["data"] == {"msteams": {"type": "task/fetch"}, "command": "open"}
    assert teams.core.deps.store.cases.recent() == []
