"""Modal views and the command text each submission composes."""

from __future__ import annotations

import json

from adapters.slack import ids
from adapters.slack.modals import handoff_view, open_view, resolve_view, submission, view_for


def _submitted(view, values: dict[str, dict]) -> dict:
    d = view.to_dict()
    d["state"] = {"values": {k: {k: v} for k, v in values.items()}}
    return d


def _text(value: str) -> dict:
    return {"type": "plain_text_input", "value": value}


def test_views_are_valid_and_carry_their_callback_ids():
    for view, callback in ((open_view("C1"), ids.VIEW_OPEN),
                           (handoff_view("ZD-1", "C1"), ids.VIEW_HANDOFF),
                           (resolve_view("ZD-1", "C1"), ids.VIEW_RESOLVE)):
        d = view.to_dict()  # validates Slack's limits (title 24 chars...)
        assert d["callback_id"] == callback and d["type"] == "modal"
        assert len(d["title"]["text"]) <= 24
    assert view_for("handoff ZD-4711", "C9").callback_id == ids.VIEW_HANDOFF
    assert json.loads(view_for("resolve ZD-4711", None).private_metadata)["ref"] == "ZD-4711"
    assert view_for("open", "C1").callback_id == ids.VIEW_OPEN
    assert view_for("join ZD-1", "C1") is None


def test_open_submission_composes_the_open_command():
    view = _submitted(open_view("C1"), {
        "ref": _text("ZD-4711"),
        "severity": {"type": "static_select", "selected_option": {"value": "sev2"}},
        "customer": _text('Acme "Corp"'),
        "summary": _text("Cannot log in\nafter SSO change"),
        "delight": _text("a call back today"),
        "skills": _text("SSO, saml"),
    })
    sub = submission(view, "U1")
    assert sub.errors == {}
    assert sub.command == ("open ZD-4711 sev2 customer=\"Acme 'Corp'\" "
                           "delight=\"a call back today\" skills=\"sso saml\" "
                           "Cannot log in after SSO change")
    assert sub.channel_id == "C1"


def test_open_submission_errors_are_keyed_by_block():
    view = _submitted(open_view(None), {"ref": _text("ZD 1"), "summary": _text(""),
                                        "skills": _text("ok bad!")})
    sub = submission(view, "U1")
    assert sub.command is None
    assert set(sub.errors) == {"ref", "summary", "skills"}


def test_handoff_submission():
    base = handoff_view("ZD-1", "C1")
    ok = submission(_submitted(base, {
        "receiver": {"type": "users_select", "selected_user": "U2"},
        "briefing": _text("Customer waits for SAML metadata"),
        "tried": _text("reset the IdP cert")}), "U1")
    assert ok.command == ('handoff ZD-1 <@U2> Customer waits for SAML metadata '
                          'tried="reset the IdP cert"')
    self_handoff = submission(_submitted(base, {
        "receiver": {"type": "users_select", "selected_user": "U1"},
        "briefing": _text("")}), "U1")
    assert set(self_handoff.errors) == {"receiver", "briefing"}


def test_resolve_submission():
    base = resolve_view("ZD-1", "C1")
    assert submission(_submitted(base, {"resolution": _text("new cert")}), "U1").command == \
        "resolve ZD-1 new cert"
    assert "resolution" in submission(_submitted(base, {"resolution": _text(" ")}), "U1").errors
