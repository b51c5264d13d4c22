"""Read a Bot Framework activity from the request body, or say in one line why not (400).

botbuilder's msrest deserializer raises on a bad `timestamp` or `"from": []` (500s before
this check existed), and coerces or passes through other shapes that fail later, inside a
turn (`channelData: 5`, `"type": ["x"]`). So the JSON's shape is checked first, for the
fields swarmbot and botbuilder read, and only then turned into an `Activity`.

That last step used to be msrest's `Deserializer("Activity", data)`: 0.22-0.27 ms for the
benchmark's Teams message, 0.25-0.46 ms for the recorded ones (it walks `_attribute_map`
with regexes, key extractors and `deserialize_data` per field on every call), against
5-10 µs for `json.loads` of the same body: ~10% of the server's CPU for a `status` turn.
`activity_reader.ModelReader` builds the same Activity from a per-class plan made once:
~12 µs for that message, the whole of parse_activity 24-39 µs, 5-7x less
(`python benchmarks/activity_parse.py`; the spread is this shared machine's).
The fallback is in `parse_activity`: whatever the reader does not reproduce exactly
(`Unsupported`: a type it does not read, a value of the wrong kind, a bad date, deep
nesting) goes to msrest, so every result and every refusal is msrest's.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from botbuilder.schema import Activity
from msrest.serialization import Deserializer

from adapters.boundary import Rejected
from adapters.teams.activity_reader import ModelReader, Unsupported

log = logging.getLogger(__name__)

# Fields that are a string (or null) when present.
_STRINGS = ("id", "channelId", "text", "timestamp", "localTimestamp", "locale", "replyToId",
            "name", "textFormat", "action", "summary", "importance", "deliveryMode",
            "localTimezone", "callerId", "topicName", "inputHint", "speak", "label",
            "valueType", "attachmentLayout")
# Fields that are an object (or null) when present, and whose `id` is then a string.
_ACCOUNTS = ("from", "recipient", "conversation", "relatesTo")
_OBJECTS = ("channelData",)
_LISTS_OF_OBJECTS = ("entities", "attachments", "membersAdded", "membersRemoved",
                     "reactionsAdded", "reactionsRemoved")
_CHANNEL_DATA_OBJECTS = ("channel", "team", "tenant", "meeting", "notification", "settings")


# `Activity().deserialize` builds a Deserializer, scanning botbuilder.schema for its
# models, on every call; one built once reads the same (it keeps no state between calls).
_ACTIVITY = Deserializer(Activity._infer_class_models())
# The fast path, resolving model names in the very mapping msrest is given.
_READER = ModelReader(_ACTIVITY.dependencies)


def _bad(reason: str) -> Rejected:
    return Rejected(400, f"not a Bot Framework activity: {reason}")


def parse_activity(raw: bytes) -> Activity:
    """The activity in `raw` (UTF-8 JSON), or Rejected(400) naming the first bad field."""
    try:
        data = json.loads(raw.decode("utf-8"))
    # ValueError: bad UTF-8, bad JSON, integers past 4,300 digits; deep nesting: recursion.
    except (ValueError, RecursionError):
        raise Rejected(400, "body is not UTF-8 JSON") from None
    check_envelope(data)
    try:
        return _READER.read("Activity", data)
    except Unsupported:
        pass  # outside the reader's exact subset: msrest reads it (and words any refusal)
    except Exception:  # a reader bug must not cost the request: msrest's answer stands
        log.exception("Teams: activity reader failed; msrest reads this activity")
    return read_with_msrest(data)


def read_with_msrest(data: dict[str, Any]) -> Activity:
    """msrest's reading of an activity that passed check_envelope (the reference the fast
    reader is tested against, and its fallback)."""
    try:
        return _ACTIVITY("Activity", data)
    # ValueError: msrest's DeserializationError, e.g. a timestamp that is no date.
    # OverflowError (`"occurrence": Infinity`) and RecursionError (JSON nested ~990 deep)
    # escape msrest unwrapped: they are the client's too, not a 500.
    except (ValueError, OverflowError, RecursionError) as err:
        raise _bad(_bad_date(data) or _first_line(err)) from None


# The activity's own date-times: msrest's refusal of one does not name it.
_DATES = ("timestamp", "localTimestamp", "expiration")


def _bad_date(data: dict[str, Any]) -> str | None:
    """Which of the activity's date-times msrest cannot read, said with the right form."""
    for key in _DATES:
        if data.get(key) is None:
            continue
        try:
            Deserializer.deserialize_iso(data[key])
        except (ValueError, TypeError, OverflowError):
            return f"{key} must be an ISO 8601 date-time, like 2026-11-29T09:00:00.000Z"
    return None


def check_envelope(data: Any) -> None:
    """The shape checks, separately testable: Rejected(400) for the first field that is off."""
    if not isinstance(data, dict):
        raise _bad("body must be a JSON object")
    if not isinstance(data.get("type"), str) or not data["type"]:
        raise _bad("type must be a non-empty string")
    url = data.get("serviceUrl")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise _bad("serviceUrl must be an http(s) URL")
    for key in _STRINGS:
        if data.get(key) is not None and not isinstance(data[key], str):
            raise _bad(f"{key} must be a string")
    for key in _ACCOUNTS + _OBJECTS:
        _object(data, key, key)
    for key in ("from", "conversation"):
        if not isinstance(data.get(key), dict) or not isinstance(data[key].get("id"), str):
            raise _bad(f"{key}.id must be a string")
    for key in _LISTS_OF_OBJECTS:
        value = data.get(key)
        if value is not None and not (isinstance(value, list)
                                      and all(isinstance(v, dict) for v in value)):
            raise _bad(f"{key} must be a list of objects")
    channel_data = data.get("channelData") or {}
    for key in _CHANNEL_DATA_OBJECTS:
        _object(channel_data, key, f"channelData.{key}")


def _object(parent: dict[str, Any], key: str, name: str) -> None:
    value = parent.get(key)
    if value is None:
        return
    if not isinstance(value, dict):
        raise _bad(f"{name} must be an object")
    if value.get("id") is not None and not isinstance(value["id"], str):
        raise _bad(f"{name}.id must be a string")


def _first_line(err: Exception) -> str:
    return str(err).splitlines()[0][:200] if str(err) else type(err).__name__


def tenant_of(activity: Activity) -> str | None:
    """The Entra tenant an activity comes from: Teams says it in channelData.tenant.id (and
    conversation.tenantId, which botbuilder 4.17 does not read: it maps "tenantID")."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    found = tenant.get("id") if isinstance(tenant, dict) else None
    if isinstance(found, str) and found:
        return found
    conv = activity.conversation
    return conv.tenant_id if conv is not None and conv.tenant_id else None
