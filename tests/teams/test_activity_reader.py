"""The fast activity reader against msrest: same Activity, same refusals, or msrest reads it.

The contract (adapters/teams/activity_reader.py): for any body, `ModelReader.read` either
raises `Unsupported` (and parse_activity hands the body to msrest) or returns what msrest's
`Deserializer` returns for it, compared by `.serialize()`, `.as_dict()` and attribute by
attribute down to `additional_properties`, value types and tzinfo classes.

Why these tests can fail: `same_model` walks every attribute of both objects, so a reader
that dropped `additional_properties` (Entity's `mentioned`/`text`, which command_text
reads) leaves `{}` where msrest has the keys and the recorded `channel_message` payload
alone fails it; one that returned `int` where msrest gives `str` ("5" for a nested name
sent as 5) fails on the type check although `==` on the models might not notice.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msrest.serialization import Deserializer, Model

from adapters.boundary import Rejected
from adapters.teams import envelope
from adapters.teams.activity_reader import MAX_DEPTH, ModelReader, Unsupported
from adapters.teams.envelope import check_envelope, parse_activity, read_with_msrest
from tests.teams.activity_strategies import Kinds, activities, clean_stamps, loose_stamps, spoilt

PAYLOADS = sorted((Path(__file__).parent / "payloads").glob("*.json"))
READER = ModelReader(envelope._ACTIVITY.dependencies)


def same_model(fast: Any, slow: Any, path: str = "activity") -> None:
    """Equal values of the same types all the way down (Model.__eq__ alone would accept
    1 == 1.0 == True and would not look at tzinfo classes)."""
    assert type(fast) is type(slow), f"{path}: {type(fast).__name__} != {type(slow).__name__}"
    if isinstance(slow, Model):
        assert vars(fast).keys() == vars(slow).keys(), path
        for attr in vars(slow):
            same_model(getattr(fast, attr), getattr(slow, attr), f"{path}.{attr}")
    elif isinstance(slow, dict):
        assert fast.keys() == slow.keys(), path
        for key in slow:
            same_model(fast[key], slow[key], f"{path}[{key!r}]")
    elif isinstance(slow, list):
        assert len(fast) == len(slow), path
        for i, (f, s) in enumerate(zip(fast, slow, strict=True)):
            same_model(f, s, f"{path}[{i}]")
    elif isinstance(slow, datetime):
        assert fast == slow and type(fast.tzinfo) is type(slow.tzinfo), path
        assert fast.utcoffset() == slow.utcoffset() and fast.tzname() == slow.tzname(), path
        assert fast.replace(tzinfo=None) == slow.replace(tzinfo=None), path
    else:
        assert fast == slow, f"{path}: {fast!r} != {slow!r}"


def with_msrest(raw: bytes) -> Any:
    """What parse_activity did before the reader: json, the shape checks, msrest."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise Rejected(400, "body is not UTF-8 JSON") from None
    check_envelope(data)
    return read_with_msrest(data)


def outcome(parse: Any, raw: bytes) -> tuple[str, Any]:
    try:
        return "activity", parse(raw)
    except Rejected as err:
        return "refused", (err.status, err.reason)


def same_outcome(raw: bytes) -> Any:
    """parse_activity answers as msrest did: the same Activity or the same refusal line;
    and where the reader itself answers, that answer is msrest's. The reader's own result
    (or None when it left the body to msrest) is returned."""
    fast, slow = outcome(parse_activity, raw), outcome(with_msrest, raw)
    assert fast[0] == slow[0], (fast, slow)
    if fast[0] == "refused":
        assert fast == slow
        return None
    same_model(fast[1], slow[1])
    assert fast[1].serialize() == slow[1].serialize()
    assert fast[1].as_dict() == slow[1].as_dict()
    try:
        direct = READER.read("Activity", json.loads(raw))
    except Unsupported:
        return None
    same_model(direct, slow[1])
    return direct


@pytest.mark.parametrize("path", PAYLOADS, ids=lambda p: p.stem)
def test_recorded_payloads_are_read_by_the_reader_as_msrest_reads_them(path: Path) -> None:
    raw = path.read_bytes()
    direct = same_outcome(raw)
    assert direct is not None, "a recorded payload fell back to msrest"
    assert direct.timestamp is not None and direct.from_property.id


def test_a_mentions_extra_keys_stay_in_additional_properties() -> None:
    """What adapters/teams/bot.py:command_text reads from an Entity."""
    raw = (Path(__file__).parent / "payloads" / "channel_message.json").read_bytes()
    mention = next(e for e in same_outcome(raw).entities if e.type == "mention")
    assert mention.additional_properties["mentioned"]["name"] == "swarmbot"
    assert mention.additional_properties["text"] == "<at>swarmbot</at>"


def test_the_benchmark_message_is_read_by_the_reader() -> None:
    from benchmarks.teams_turn import activity

    direct = same_outcome(json.dumps(activity("http://127.0.0.1:1/", "status ZD-1")).encode())
    assert direct is not None and direct.text == "status ZD-1"
    assert direct.channel_data == {"tenant": {"id": "tenant-1"}}


BASE = {"type": "message", "serviceUrl": "https://smba.example/", "from": {"id": "29:1ann"},
        "conversation": {"id": "a:1"}}


def body(**fields: Any) -> bytes:
    data = {**BASE, **{k.rstrip("_"): v for k, v in fields.items()}}
    return json.dumps(data).encode()


@pytest.mark.parametrize("fields", [
    {"text": 5}, {"id": 12}, {"timestamp": 1700000000}, {"locale": ["en"]},
    {"from": {"id": 7}}, {"conversation": []}, {"channelData": 5},
    {"entities": {"type": "mention"}}, {"attachments": ["x"]},
    {"channelData": {"tenant": "t"}}, {"type": ""}, {"serviceUrl": "ftp://x"},
], ids=lambda f: json.dumps(f))
def test_wrong_shapes_are_refused_by_the_envelope_check_as_before(fields: dict) -> None:
    raw = json.dumps({**BASE, **fields}).encode()
    same_outcome(raw)
    with pytest.raises(Rejected) as refused:
        parse_activity(raw)
    assert refused.value.status == 400
    assert refused.value.reason.startswith("not a Bot Framework activity: ")


@pytest.mark.parametrize("fields", [
    # msrest refuses these after check_envelope: its own words, through the fallback.
    {"timestamp": "yesterday"}, {"timestamp": "2026-02-30T09:00:00Z"},
    {"timestamp": "2026-11-16T24:00:00Z"}, {"expiration": 5},
    {"conversation": {"id": "a:1", "isGroup": "perhaps"}},
    {"textHighlights": [{"occurrence": "twice"}]}, {"textHighlights": "x"},
    {"suggestedActions": "x"}, {"relatesTo": {"user": 5}},
    # And these it reads, through the fallback or not.
    {"timestamp": "2026-11-16"}, {"timestamp": "2026-11-16T09:00:00+0100"},
    {"timestamp": "2026-11-16t09:00:00.1234567z"}, {"localTimestamp": "2026-11-16T09:00Z"},
    {"conversation": {"id": "a:1", "isGroup": "TRUE", "name": 5, "tenantId": [1]}},
    {"textHighlights": [{"occurrence": "7", "text": 3}, None, {"occurrence": 2.9}]},
    {"textHighlights": [{"occurrence": True}]}, {"historyDisclosed": 0},
    {"suggestedActions": {"actions": [{"type": "imBack", "value": {"a": [1, None]}}]}},
    {"membersAdded": [{"id": "29:1", "aadObjectId": "x", "role": "user", "extra": 1}]},
    {"value": [1, "x", None, {"b": 2.5}]}, {"value": "text"}, {"value": None},
    {"attachments": [{"contentType": "x", "content": {"body": []}, "other": "y"}]},
], ids=lambda f: json.dumps(f))
def test_values_msrest_converts_or_refuses_come_out_the_same(fields: dict) -> None:
    same_outcome(json.dumps({**BASE, **fields}).encode())


def test_infinity_where_msrest_wants_an_int_is_a_400_not_a_500() -> None:
    # msrest lets OverflowError out of int(inf) unwrapped; before, that was a 500.
    raw = body(textHighlights=[{"occurrence": float("inf")}])
    assert outcome(parse_activity, raw) == ("refused", (
        400, "not a Bot Framework activity: cannot convert float infinity to integer"))


def deep_body(depth: int) -> bytes:
    """channelData and value nested `depth` objects deep (built as text: json.dumps itself
    recurses)."""
    deep = '{"a":' * depth + "1" + "}" * depth
    return body()[:-1] + f', "channelData": {{"deep": {deep}}}, "value": {deep}}}'.encode()


@pytest.mark.parametrize("depth", [MAX_DEPTH - 5, MAX_DEPTH + 5, 400])
def test_deep_values_are_read_or_left_to_msrest(depth: int) -> None:
    direct = same_outcome(deep_body(depth))
    assert (direct is not None) == (depth < MAX_DEPTH)


def test_json_msrest_cannot_recurse_through_is_a_400_not_a_500() -> None:
    # json.loads takes ~990 levels, msrest's recursion fewer: its RecursionError used to
    # escape parse_activity. Somewhere in this range it does (where depends on the stack).
    answers = {_kind(deep_body(depth)) for depth in range(900, 1000)}
    assert answers <= {"activity", 400}
    assert 400 in answers


def _kind(raw: bytes) -> Any:
    kind, answer = outcome(parse_activity, raw)
    return kind if kind == "activity" else answer[0]


def test_a_reader_failure_costs_nothing_but_a_log_line(monkeypatch: pytest.MonkeyPatch,
                                                       caplog: pytest.LogCaptureFixture
                                                       ) -> None:
    # The only way into parse_activity's safety net is a reader that breaks: one stands in.
    class Broken:
        def read(self, name: str, data: Any) -> Any:
            raise RuntimeError("reader bug")

    monkeypatch.setattr(envelope, "_READER", Broken())
    raw = PAYLOADS[0].read_bytes()
    with caplog.at_level(logging.ERROR, logger=envelope.__name__):
        same_model(parse_activity(raw), with_msrest(raw))
    assert "activity reader failed" in caplog.text


# What the reader leaves to msrest, shown on small msrest models of its own.
class Colour(Enum):
    red = "red"


class Flat(Model):
    _attribute_map = {"name": {"key": "properties.name", "type": "str"}}


class Shape(Model):
    _subtype_map = {"kind": {"circle": "Circle"}}
    _attribute_map = {"kind": {"key": "kind", "type": "str"}}


class Circle(Shape):
    pass


class Locked(Model):
    _validation = {"id": {"readonly": True}}
    _attribute_map = {"id": {"key": "id", "type": "str"}}


class Painted(Model):
    _attribute_map = {"colour": {"key": "colour", "type": "Colour"},
                      "when": {"key": "when", "type": "rfc-1123"}}


class Bag(Model):
    _attribute_map = {"additional_properties": {"key": "", "type": "{object}"},
                      "name": {"key": "name", "type": "str"},
                      "tags": {"key": "tags", "type": "{str}"},
                      "blob": {"key": "blob", "type": "bytearray"},
                      "ratio": {"key": "ratio", "type": "float"}}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)


MODELS = {c.__name__: c for c in (Colour, Flat, Shape, Circle, Locked, Painted, Bag)}


@pytest.mark.parametrize(("name", "data"), [
    ("Flat", {"properties": {"name": "x"}}), ("Shape", {"kind": "circle"}),
    ("Locked", {"id": "x"}), ("Painted", {"colour": "red"}),
    ("Painted", {"when": "Mon, 16 Nov 2026 09:00:00 GMT"}),
    ("Bag", {"tags": [{"key": "a", "value": "b"}]}), ("Bag", {"ratio": "much"}),
    ("Bag", {"ratio": 10 ** 400}),
])
def test_what_the_reader_does_not_reproduce_is_unsupported(name: str, data: dict) -> None:
    reader = ModelReader(MODELS)
    with pytest.raises(Unsupported):
        reader.read(name, json.loads(json.dumps(data)))


def test_absent_parts_of_such_models_are_no_reason_to_fall_back() -> None:
    reader = ModelReader(MODELS)
    data = {"name": 5, "tags": {"a": 1, "b": None}, "blob": "aGk=", "ratio": "2.5", "x": [1]}
    same_model(reader.read("Bag", dict(data)), Deserializer(MODELS)("Bag", dict(data)))
    same_model(reader.read("Painted", {}), Deserializer(MODELS)("Painted", {}))


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@fuzz(200)
@given(activities(Kinds(clean=True)), st.booleans())
def test_well_formed_activities_are_the_readers_and_msrests(data: dict, ascii_: bool) -> None:
    direct = same_outcome(json.dumps(data, ensure_ascii=ascii_).encode())
    assert direct is not None, "a well-formed activity fell back to msrest"


@fuzz(200)
@given(activities(Kinds(clean=False)))
def test_loose_activities_come_out_as_msrest_reads_them(data: dict) -> None:
    same_outcome(json.dumps(data).encode())


@fuzz(150)
@given(spoilt)
def test_activities_with_a_spoilt_field_come_out_as_before(data: dict) -> None:
    same_outcome(json.dumps(data).encode())


@fuzz(500)
@given(clean_stamps | loose_stamps | st.text(max_size=30))
def test_timestamps_read_as_msrest_and_isodate_read_them(stamp: str) -> None:
    try:
        fast = READER.read("Activity", {"timestamp": stamp})
    except Unsupported:
        return
    slow = Deserializer(envelope._ACTIVITY.dependencies)("Activity", {"timestamp": stamp})
    same_model(fast.timestamp, slow.timestamp)
