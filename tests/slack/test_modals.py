"""Neutral forms as Slack modals, and submissions back as field values (never text)."""

from __future__ import annotations

import json

from adapters.slack import ids
from adapters.slack.modals import field_errors, submitted, view_for
from bot.config import CommandsConfig
from bot.phrases import Phrases
from handlers.forms import handoff_form, open_form, resolve_form

PHRASES = Phrases(CommandsConfig())


def _submitted(view, values: dict[str, dict]) -> dict:
    d = view.to_dict()
    d["state"] = {"values": {k: {k: v} for k, v in values.items()}}
    return d


def _text(value: str) -> dict:
    return {"type": "plain_text_input", "value": value}


def test_each_form_renders_as_a_valid_modal_with_a_block_per_field():
    for form in (open_form(PHRASES), handoff_form(PHRASES, "ZD-1", {"U2": "Bo"}),
                 resolve_form(PHRASES, "ZD-1")):
        d = view_for(form, "C1").to_dict()  # validates Slack's limits (title 24 chars...)
        assert d["callback_id"] == ids.VIEW_FORM and d["type"] == "modal"
        assert [b["block_id"] for b in d["blocks"]] == [f.name for f in form.fields]
        meta = json.loads(d["private_metadata"])
        assert meta == {"command": form.command, "context": form.context, "channel": "C1"}
    handoff = view_for(handoff_form(PHRASES, "ZD-1", {}), None).to_dict()
    assert handoff["blocks"][0]["element"]["type"] == "users_select"


def test_a_submission_is_field_values_verbatim():
    words = 'SSO broken since customer=Globex merged "quotes" sev1 @someone'
    view = _submitted(view_for(open_form(PHRASES), "C1"), {
        "ref": _text("ZD-4711"),
        "severity": {"type": "static_select", "selected_option": {"value": "sev2"}},
        "summary": _text(words)})
    form, channel = submitted(view)
    assert (form.command, channel) == ("open", "C1")
    assert form.values["summary"] == words and form.values["severity"] == "sev2"


def test_foreign_or_stale_metadata_gives_an_empty_command_not_an_error():
    view = _submitted(view_for(resolve_form(PHRASES, "ZD-1"), "C1"), {"resolution": _text("x")})
    for meta in ("not json", "[]", '{"command": 5}', ""):
        view["private_metadata"] = meta
        form, _ = submitted(view)
        assert form.command == "" and form.values == {"resolution": "x"}


def test_an_earlier_versions_form_still_maps_to_its_command():
    old = {"callback_id": ids.VIEW_HANDOFF, "private_metadata": '{"channel": "C1", "ref": "ZD-1"}',
           "state": {"values": {"receiver": {"receiver": {"selected_user": "U2"}}}}}
    form, channel = submitted(old)
    assert (form.command, form.context, form.values, channel) == (
        "handoff", {"ref": "ZD-1"}, {"to": "U2"}, "C1")


def test_field_errors_go_to_their_blocks_and_the_rest_to_the_first():
    view = view_for(handoff_form(PHRASES, "ZD-1", {}), "C1").to_dict()
    assert field_errors({"briefing": "needs one", "": "not open"}, view) == {
        "briefing": "needs one", "to": "not open"}
