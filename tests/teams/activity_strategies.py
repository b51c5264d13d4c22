"""Hypothesis strategies for Bot Framework activities, for tests/teams/test_activity_reader.py.

Activities as Teams sends them ("clean": every value of its field's kind, which the fast
reader must read itself) and as it does not ("loose": numbers, lists, odd bools and dates
where strings, bools and dates go, read by msrest or refused as before).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import strategies as st

json_leaf = (st.none() | st.booleans() | st.integers(-10 ** 20, 10 ** 20)
             | st.floats(allow_nan=False) | st.text(max_size=8))
json_values = st.recursive(json_leaf, lambda kids: st.lists(kids, max_size=3)
                           | st.dictionaries(st.text(max_size=6), kids, max_size=3),
                           max_leaves=8)
ZONES = ["Z", "+01:00", "-05:30", "+14:00", "-12:00", ""]
clean_stamps = st.tuples(
    st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
    st.sampled_from(["", ".0", ".123", ".1234567", ".000000001"]), st.sampled_from(ZONES),
    st.booleans()).map(lambda t: _case(f"{t[0]:%04Y-%m-%dT%H:%M:%S}" + t[1] + t[2], t[3]))
loose_stamps = (st.sampled_from([
    "2026-11-16", "2026-11-16T09:00Z", "2026-11-16 09:00:00Z", "2026-02-30T09:00:00Z",
    "2026-11-16T24:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
    "2026-11-16T09:00:00+0100", "2026-11-16T09:00:00,5Z", "٢٠٢٦-11-16T09:00:00Z",
    "2026-11-16T09:00:60Z", "2026-11-16T09:00:00+99:00"])
    | st.from_regex(r"\A[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9]"
                    r"(\.[0-9]{1,9})?(Z|[+-][0-2][0-9]:[0-6][0-9])?\Z"))


def _case(stamp: str, lower: bool) -> str:
    return stamp.lower() if lower else stamp  # msrest upper()s first: "t" and "z" pass


class Kinds:
    """The values one family of generated activities puts in each kind of field."""

    def __init__(self, clean: bool) -> None:
        text = st.text(max_size=10)
        self.string = text if clean else (text | json_leaf | json_values)
        self.flag = st.booleans() if clean else (
            json_leaf | st.sampled_from(["true", "False", "1", "0", "yes", 1.0]))
        self.count = st.integers() if clean else (json_leaf | st.sampled_from(["7", " 8 "]))
        self.stamp = clean_stamps if clean else (clean_stamps | loose_stamps | json_leaf)
        # Keys no model knows (clean), or any key at all (loose).
        self.key = st.sampled_from(["mentioned", "x", "additional_properties", "", "ID", "é",
                                    "aad_object_id"]) | st.text(max_size=4).map("x-".__add__)
        if not clean:
            self.key = self.key | st.text(max_size=5)


def activities(k: Kinds) -> st.SearchStrategy[dict]:
    def model(required: dict, optional: dict) -> st.SearchStrategy[dict]:
        known = st.fixed_dictionaries(required, optional=optional)
        extra = st.dictionaries(k.key, json_values, max_size=2)
        return st.tuples(known, extra).map(lambda pair: {**pair[1], **pair[0]})

    def account(**required: Any) -> st.SearchStrategy[dict]:
        optional = {"id": k.string, "name": k.string, "aadObjectId": k.string,
                    "role": k.string, "properties": json_values}
        return model(required, {key: v for key, v in optional.items() if key not in required})

    top_id = st.text(max_size=12)
    conversation = model({"id": top_id}, {
        "name": k.string, "conversationType": k.string, "tenantId": k.string,
        "isGroup": k.flag, "role": k.string, "aadObjectId": k.string})
    entity = model({}, {"type": k.string, "mentioned": account(), "text": k.string})
    attachment = model({}, {"contentType": k.string, "contentUrl": k.string,
                            "content": json_values, "name": k.string, "thumbnailUrl": k.string})
    card_action = model({}, {"type": k.string, "title": k.string, "value": json_values,
                             "image": k.string, "displayText": k.string,
                             "channelData": json_values})
    reference = model({}, {"activityId": k.string, "user": account(), "bot": account(),
                           "conversation": conversation, "channelId": k.string,
                           "serviceUrl": k.string})
    teams_object = model({}, {"id": top_id, "name": k.string})
    channel_data = model({}, {"tenant": teams_object, "team": teams_object,
                              "channel": teams_object, "meeting": teams_object,
                              "eventType": k.string, "settings": teams_object})
    return model({
        "type": st.sampled_from(["message", "invoke", "conversationUpdate",
                                 "messageReaction"]) | st.text(min_size=1, max_size=8),
        "serviceUrl": st.just("https://smba.trafficmanager.net/emea/"),
        "from": account(id=top_id), "conversation": conversation}, {
        "id": top_id, "text": st.text(max_size=30), "timestamp": k.stamp,
        "localTimestamp": k.stamp, "expiration": k.stamp, "channelId": st.just("msteams"),
        "locale": st.text(max_size=6), "recipient": account(), "textFormat": st.just("plain"),
        "entities": st.lists(entity, max_size=3), "attachments": st.lists(attachment, max_size=2),
        "membersAdded": st.lists(account(), max_size=2),
        "membersRemoved": st.lists(account(), max_size=2),
        "reactionsAdded": st.lists(model({}, {"type": k.string}), max_size=2),
        "channelData": channel_data, "value": json_values, "name": st.text(max_size=10),
        "suggestedActions": model({}, {"to": st.lists(k.string, max_size=2),
                                       "actions": st.lists(card_action, max_size=2)}),
        "textHighlights": st.lists(model({}, {"text": k.string, "occurrence": k.count})
                                   | st.none(), max_size=2),
        "historyDisclosed": k.flag, "relatesTo": reference,
        "semanticAction": model({}, {"id": k.string, "state": k.string, "entities":
                                     st.dictionaries(st.text(max_size=4), entity, max_size=2)})})


FIELDS = ["type", "from", "conversation", "text", "timestamp", "entities", "attachments",
          "channelData", "membersAdded", "suggestedActions", "textHighlights", "relatesTo",
          "localTimestamp", "recipient", "value", "semanticAction", "serviceUrl"]
# Anything at all in place of any one field: check_envelope's or msrest's refusals.
spoilt = st.tuples(activities(Kinds(clean=False)), st.sampled_from(FIELDS), json_values).map(
    lambda t: {**t[0], t[1]: t[2]})
