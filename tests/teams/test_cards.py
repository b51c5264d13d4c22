"""Reply -> Adaptive Card 1.5: every kind of reply the core makes renders schema-valid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from adapters.teams import cards
from bot.config import CommandsConfig
from bot.domain import Case, CaseStatus, Handoff, HandoffState
from bot.experts import Suggestion
from bot.people import mention
from bot.phrases import Phrases
from bot.replies import Button, Field, Reply, Tone
from bot.services import messages
from handlers.forms import handoff_form, open_form, resolve_form

PHRASES = Phrases(CommandsConfig())
NAMES = {"29:ann": "Ann Owner", "29:bob": "Bob"}.get


def sample_replies() -> list[Reply]:
    case = Case(id=1, ref="ZD-1", customer="Acme", summary="SSO broken", severity=2,
                status=CaseStatus.OPEN, owner="29:ann", platform="teams", room_id="r",
                room_name="n", delight="a call back", resolution=None,
                opened_at="2026-11-16T09:00:00+00:00", resolved_at=None)
    offer = Handoff(id=1, case_id=1, from_id="29:ann", to_id="29:bob", briefing="brief",
                    tried="caches", state=HandoffState.PENDING,
                    requested_at="2026-11-16T09:00:00+00:00", decided_at=None, reason=None)
    return [
        messages.brief(case, PHRASES, ["sso"]),
        messages.help_request(case, ["sso"], "caches", "29:ann", Suggestion(
            picks=(), uncovered=("saml",), away={}, in_room={}), PHRASES),
        messages.handoff_offer(case, offer, "angry", [], None, PHRASES),
        Reply.error("Unknown command `x`."),
        Reply(text="line one\nline two", title="Catch-up", tone=Tone.WARNING,
              fields=(Field("Owner", mention("29:ann")),)),
        Reply(text=f"{mention('29:bob')} joined", tone=Tone.SUCCESS),
    ]


@pytest.mark.parametrize("index", range(6))
def test_every_reply_renders_a_valid_card(index: int,
                                          card_validator: Callable[[dict[str, Any]], None],
                                          ) -> None:
    card_validator(cards.reply_card(sample_replies()[index], NAMES))


def test_several_replies_in_one_card_and_the_forms_are_valid(
        card_validator: Callable[[dict[str, Any]], None]) -> None:
    card_validator(cards.replies_card(sample_replies(), NAMES))
    for form in (open_form(PHRASES), handoff_form(PHRASES, "ZD-1", {"29:bob": "Bob"}),
                 handoff_form(PHRASES, "ZD-1", {}), resolve_form(PHRASES, "ZD-1")):
        card_validator(cards.form_card(form))
        with_errors = form.with_errors({form.fields[0].name: "wrong", "": "not open"})
        card_validator(cards.form_card(with_errors))
    card_validator(cards.welcome_card())


def test_the_validator_itself_rejects_a_bad_card(
        card_validator: Callable[[dict[str, Any]], None]) -> None:
    bad = cards.reply_card(Reply(text="x"))
    bad["msteams"] = {"entities": []}  # not allowed by the 1.5 schema
    with pytest.raises(AssertionError):
        card_validator(bad)


def test_buttons_map_to_execute_or_task_modules() -> None:
    join = cards.button_action(Button("Join", "join ZD-1", style="primary"))
    assert join == {"type": "Action.Execute", "title": "Join", "verb": "join",
                    "data": {"command": "join ZD-1"}, "style": "positive"}
    handoff = cards.button_action(Button("Hand off", "handoff ZD-1", needs_input=True))
    assert handoff["type"] == "Action.Submit"
    assert handoff["data"] == {"msteams": {"type": "task/fetch"}, "command": "handoff ZD-1"}


def test_mentions_show_names_in_cards_and_ping_through_entities() -> None:
    card = cards.reply_card(Reply(text=f"{mention('29:ann')} owns it; ask {mention('29:zed')}"),
                            NAMES)
    assert card["body"][0]["text"] == "**Ann Owner** owns it; ask **someone**"
    text, entities = cards.mention_entities(["29:ann", "29:ann", "29:bob"], NAMES)
    assert text == "<at>Ann Owner</at> <at>Bob</at>"
    assert entities[1] == {"type": "mention", "text": "<at>Bob</at>",
                           "mentioned": {"id": "29:bob", "name": "Bob"}}


def test_a_submitted_form_is_its_field_values_verbatim() -> None:
    words = 'SSO broken since customer=Globex merged "quotes" sev1 @someone'
    card = cards.form_card(open_form(PHRASES))
    data = {**card["actions"][0]["data"], "ref": "ZD-9", "severity": "sev2", "summary": words,
            "msteams": {"type": "task/submit"}}
    assert cards.submitted_form(data) == ("open", {"ref": "ZD-9", "severity": "sev2",
                                                    "summary": words}, {})
    handoff = cards.form_card(handoff_form(PHRASES, "ZD-9", {}))
    command, values, context = cards.submitted_form({**handoff["actions"][0]["data"],
                                                     "to": "29:bob", "briefing": "b"})
    assert (command, values, context) == ("handoff", {"to": "29:bob", "briefing": "b"},
                                          {"ref": "ZD-9"})
    # Not our form: an empty command (the core answers it with one line).
    assert cards.submitted_form({"command": "open"})[0] == ""
