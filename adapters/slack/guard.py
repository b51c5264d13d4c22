"""The front of `POST /slack/events`: everything checked before Bolt sees a byte.

In this order, each refusal one line: size (413), media type (415), timestamp and signature
on the raw bytes (401), then the body read by its content type and its fields (400), never
by a substring of it. What passes is handed to Bolt already parsed (`ParsedBoltRequest`),
because Bolt's own `parse_body` (slack_bolt.request.internals, 1.2x) takes *any* form body
that contains the substring "payload" for an interactive payload: a slash command such as
`/swarm status ZD-9 webhook payload rejected` came out as an empty body and a 404.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from adapters.boundary import Rejected

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MEDIA_TYPES = (FORM, JSON)
# Slack's documented window: a request older (or newer) than 5 minutes is a replay.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
# A form from Slack has a dozen fields; a thousand is garbage, not a command.
_MAX_FIELDS = 1000
# Headers Bolt reads as instructions to itself (its FaaS lazy-listener re-invocation):
# never taken from a client.
_BOLT_INTERNAL = "x-slack-bolt-"


@dataclass(frozen=True)
class SlackBody:
    """A request body read for what it is.

    kind: command | interactive | event | url_verification | app_rate_limited | ssl_check
    | other (a JSON type we have no special case for: Bolt answers it, 404 if unheard of)."""

    kind: str
    body: dict[str, Any]


def check_signature(verifier: SignatureVerifier, raw: bytes,
                    headers: Mapping[str, str]) -> None:
    """401 unless the timestamp is fresh and the v0 signature matches the raw bytes.

    The headers' shapes are checked first: the SDK's verifier calls int() on the timestamp
    and compare_digest() on the signature, which raise (a 500) on garbage."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise Rejected(401, "X-Slack-Request-Timestamp must be Unix seconds")
    if not _SIGNATURE.fullmatch(signature):
        raise Rejected(401, "X-Slack-Signature must be v0=<64 hex digits>")
    try:
        valid = verifier.is_valid(raw, timestamp, signature)
    except UnicodeDecodeError:  # the SDK signs the body as text: bytes that are not UTF-8
        raise Rejected(400, "request body is not UTF-8") from None
    if not valid:
        raise Rejected(401, "request signature or timestamp (5 minutes) does not match")


def classify(raw: bytes, media: str) -> SlackBody:
    """Read a (signed) body by its media type and fields; 400 for anything else."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(400, "request body is not UTF-8") from None
    if media == FORM:
        return _form(text)
    if media == JSON:
        return _event(_json_object(text, "a JSON body"))
    raise Rejected(415, f"Content-Type must be {FORM} or {JSON}")


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    # ValueError covers bad JSON and integers past Python's 4,300-digit limit; a deeply
    # nested array exhausts the parser's recursion instead.
    except (ValueError, RecursionError):
        raise Rejected(400, f"{what} must be a JSON object") from None
    if not isinstance(data, dict):
        raise Rejected(400, f"{what} must be a JSON object, not {type(data).__name__}")
    return data


def _form(text: str) -> SlackBody:
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False,
                          errors="strict", max_num_fields=_MAX_FIELDS)
    except (ValueError, UnicodeDecodeError):  # %-escapes that are not UTF-8; too many fields
        raise Rejected(400, "form body is not valid UTF-8 form encoding") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise Rejected(400, "form body repeats a field")
    if "command" in fields and "payload" in fields:
        raise Rejected(400, "form body has both a command and a payload field")
    if "command" in fields:
        if not fields["command"].startswith("/"):
            raise Rejected(400, "command must be a slash command such as /swarm")
        return SlackBody("command", fields)
    if "payload" in fields:
        payload = _json_object(fields["payload"], "payload")
        if not isinstance(payload.get("type"), str):
            raise Rejected(400, "payload must have a string type")
        return SlackBody("interactive", payload)
    if fields.get("ssl_check") == "1":
        return SlackBody("ssl_check", fields)
    raise Rejected(400, "form body must have a command or a payload field")


def _event(data: dict[str, Any]) -> SlackBody:
    kind = data.get("type")
    if not isinstance(kind, str):
        raise Rejected(400, "JSON body must have a string type")
    if kind == "url_verification":
        if not isinstance(data.get("challenge"), str):
            raise Rejected(400, "url_verification must have a string challenge")
        return SlackBody(kind, data)
    if kind == "event_callback":
        event = data.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise Rejected(400, "event_callback must have an event object with a type")
        return SlackBody("event", data)
    if kind == "app_rate_limited":
        return SlackBody(kind, data)
    return SlackBody("other", data)


class ParsedBoltRequest(AsyncBoltRequest):
    """An AsyncBoltRequest whose body is the one `classify` read, not Bolt's guess.

    `raw_body` stays the bytes Slack signed: Bolt verifies the signature again with it and
    the inbox middleware keys commands by its hash. `to_copyable` (what Bolt hands a lazy
    listener) would re-run `parse_body` on the raw text, so it is overridden too."""

    def __init__(self, *, raw_body: str, body: dict[str, Any],
                 query: str | Mapping[str, Sequence[str]] | None,
                 headers: Mapping[str, str | Sequence[str]],
                 context: Mapping[str, Any] | None = None) -> None:
        clean = {k: v for k, v in headers.items() if not k.lower().startswith(_BOLT_INTERNAL)}
        super().__init__(body="", query=query, headers=clean)  # type: ignore[arg-type]
        self.raw_body = raw_body
        self.body = body
        self.context = build_async_context(AsyncBoltContext(dict(context or {})), body)

    def to_copyable(self) -> ParsedBoltRequest:
        return ParsedBoltRequest(raw_body=self.raw_body, body=self.body, query=self.query,
                                 headers=self.headers, context=self.context.to_copyable())
