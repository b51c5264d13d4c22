"""Hypothesis over every request parser at the boundary: whatever the bytes, the answer is
a value or one of the documented refusals (`Rejected` with its status), never another
exception (which the server would turn into a 500).

10,500 examples in all (the counts below), derandomized so CI runs the same ones every
time; each test takes a second or two (cheap strategies get more examples).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.signature import SignatureVerifier

from adapters.boundary import Rejected
from adapters.slack.guard import FORM, JSON, SlackBody, check_signature, classify
from adapters.teams.envelope import parse_activity
from bot.digest.links import signature, verify
from testkit.slack.signing import SIGNING_SECRET
from tests.faults.requests import slack_signed
from tests.teams.conftest import payload as teams_payload


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


# Small on purpose: generating deep values is what costs time, and the parsers' branches
# are about types, not sizes (sizes are the table test's job).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=4)
# Slack-ish field names and values, so the interesting branches are reached often.
slack_keys = st.sampled_from(["command", "payload", "text", "ssl_check", "token", "type",
                              "user_id", "response_url"]) | st.text(max_size=8)
json_snippets = st.sampled_from(["{}", "[]", "null", '"x"', "{", '{"type": 5}',
                                 '{"type": "block_actions"}', '{"type": "view_submission"}',
                                 "9" * 5000, "[" * 2000, '{"type": "x", "a": [1, {"b": 2}]}'])
slack_types = st.sampled_from(["event_callback", "url_verification", "app_rate_limited",
                               "block_actions", "view_submission"]) | st.text(max_size=10)


def classify_or_refuse(raw: bytes, media: str) -> SlackBody | None:
    try:
        read = classify(raw, media)
    except Rejected as err:
        assert err.status == 400 and err.reason
        return None
    assert isinstance(read.body, dict)
    return read


@fuzz(3000)
@given(st.binary(max_size=300), st.sampled_from([FORM, JSON]))
def test_slack_any_bytes_are_read_or_refused_with_400(raw: bytes, media: str) -> None:
    classify_or_refuse(raw, media)


@fuzz(800)
@given(st.dictionaries(slack_keys, st.text(max_size=12) | json_snippets, max_size=5))
def test_slack_any_form_is_read_by_its_fields(fields: dict[str, str]) -> None:
    read = classify_or_refuse(urlencode(fields).encode(), FORM)
    if read is None:
        return
    # The kind follows from the fields, never from what a value contains.
    if "command" in fields:
        assert read.kind == "command" and read.body == fields
    else:
        assert read.kind in ("interactive", "ssl_check")
        assert read.kind != "interactive" or "payload" in fields


@fuzz(1500)
@given(st.text(), st.sampled_from(["payload", "payload=", "command=", "&", "%", "=", "+"]))
def test_slack_a_commands_text_is_text_whatever_it_holds(text: str, holds: str) -> None:
    fields = {"command": "/swarm", "text": f"{text}{holds}{text}", "user_id": "U1"}
    read = classify(urlencode(fields).encode(), FORM)
    assert read.kind == "command" and read.body["text"] == fields["text"]


@fuzz(600)
@given(st.fixed_dictionaries({"type": slack_types},
                             optional={"event": json_values | st.fixed_dictionaries(
                                 {"type": st.text(max_size=10)}),
                                 "challenge": json_values}))
def test_slack_any_json_object_is_read_or_refused(data: dict[str, Any]) -> None:
    read = classify_or_refuse(json.dumps(data).encode(), JSON)
    if read is not None and read.kind == "event":
        assert isinstance(read.body["event"]["type"], str)


verifier = SignatureVerifier(SIGNING_SECRET)


@fuzz(1000)
@given(st.binary(max_size=100), st.text(max_size=20) | st.integers().map(str),
       st.text(max_size=70) | st.text("0123456789abcdef", min_size=64, max_size=64)
       .map(lambda h: "v0=" + h), st.booleans())
def test_slack_signature_check_refuses_garbage_headers(raw: bytes, timestamp: str,
                                                       sig: str, sign: bool) -> None:
    headers = slack_signed(raw, None) if sign else {"X-Slack-Request-Timestamp": timestamp,
                                                    "X-Slack-Signature": sig}
    try:
        check_signature(verifier, raw, headers)
    except Rejected as err:
        assert err.status in (400, 401)  # 400 only for bytes that are not UTF-8
        assert err.status == 401 or not _utf8(raw)
    else:
        assert sign and _utf8(raw)  # only a real, fresh signature over UTF-8 passes


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


ACTIVITY = teams_payload("personal_message")
FIELDS = ["type", "id", "timestamp", "from", "conversation", "recipient", "channelData",
          "entities", "attachments", "text", "serviceUrl", "channelId", "membersAdded",
          "value", "localTimestamp"]


def teams_or_refuse(raw: bytes) -> None:
    try:
        activity = parse_activity(raw)
    except Rejected as err:
        assert err.status == 400 and err.reason
        return
    # What the bot reads is there and of the right type.
    assert isinstance(activity.type, str) and activity.type
    assert isinstance(activity.conversation.id, str) and isinstance(activity.from_property.id,
                                                                    str)
    assert activity.channel_data is None or isinstance(activity.channel_data, dict)


@fuzz(600)
@given(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
       st.lists(st.sampled_from(FIELDS), max_size=3))
def test_teams_any_activity_shape_is_parsed_or_refused(changes: dict[str, Any],
                                                       dropped: list[str]) -> None:
    body = {**ACTIVITY, **changes}
    for key in dropped:
        body.pop(key, None)
    teams_or_refuse(json.dumps(body).encode())


@fuzz(2000)
@given(st.binary(max_size=300) | json_snippets.map(str.encode))
def test_teams_any_bytes_are_parsed_or_refused(raw: bytes) -> None:
    teams_or_refuse(raw)


NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
SECRET = "fuzz-link-secret"


@fuzz(1000)
@given(st.text(max_size=12) | st.just("2026-W46"),
       st.none() | st.text(max_size=20) | st.integers().map(str),
       st.none() | st.text(max_size=70), st.booleans())
def test_digest_link_verification_never_raises(week: str, exp: str | None, sig: str | None,
                                               real: bool) -> None:
    if real and exp is not None and exp.isascii() and exp.isdigit() and len(exp) <= 12:
        sig = signature(SECRET, week, int(exp))
    ok = verify(SECRET, week, exp, sig, NOW)
    assert isinstance(ok, bool)
    if ok:  # only our own, unexpired signature passes
        assert exp is not None and int(exp) >= NOW.timestamp()
        assert sig == signature(SECRET, week, int(exp))


def test_the_check_can_pass() -> None:
    """The properties above are not vacuous: good inputs do pass."""
    exp = str(int(NOW.timestamp()) + 60)
    assert verify(SECRET, "2026-W46", exp, signature(SECRET, "2026-W46", int(exp)), NOW)
    raw = urlencode({"command": "/swarm", "text": "payload=1&x"}).encode()
    check_signature(verifier, raw, slack_signed(raw, None, timestamp=str(int(time.time()))))
    assert parse_activity(json.dumps(ACTIVITY).encode()).type == "message"
