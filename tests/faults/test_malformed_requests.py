"""Malformed and forged requests against the real servers: each gets the status it should,
none a 5xx, none a traceback, none reaches the core.

One table per entrance (Slack `/slack/events`, Teams `/api/messages`, the digest page),
each sent over HTTP to the app `swarmbot serve` builds, on the loopback Slack / Bot
Framework fakes. A handful of well-formed controls in each table shows the server does
answer 200 when it should (so the refusals are not an accident of a broken setup).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any
from urllib.parse import quote, urlencode

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.boundary import MAX_BODY_BYTES
from bot.digest.links import signature, signed_path
from bot.web.digest_page import add_digest_routes
from testkit.slack.signing import payload
from testkit.teams.jwks_issuer import new_key
from tests.faults.requests import Case, chunks, handmade_jwt, nested, slack_signed
from tests.slack.harness import SlackHarness
from tests.teams.conftest import PASSWORD, Teams

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
BIG = b"x" * (MAX_BODY_BYTES + 1)


def _form(**fields: str) -> bytes:
    return urlencode(fields).encode()


def slack_cases(response_url: str) -> list[Case]:
    command = _form(**{**payload("slash_command.json"), "text": "help",
                       "response_url": response_url})
    now = int(time.time())

    def signed(name: str, status: int, body: bytes, content_type: str | None = FORM,
               **kw: Any) -> Case:
        return Case(name, status, body, slack_signed(body, content_type, **kw))

    event = payload("event_callback.json")
    return [
        # -- authentication: 401 before anything is parsed
        Case("unsigned command", 401, command, {"Content-Type": FORM}),
        signed("signed with another secret", 401, command, secret="not-the-secret"),
        Case("body changed after signing", 401, command + b"&x=1", slack_signed(command)),
        Case("signature v1", 401, command,
             {**slack_signed(command), "X-Slack-Signature": "v1=" + "0" * 64}),
        Case("signature not hex", 401, command,
             {**slack_signed(command), "X-Slack-Signature": "v0=" + "z" * 64}),
        Case("signature non-ASCII", 401, command,
             {**slack_signed(command), "X-Slack-Signature": "v0=" + "\u00e9" * 64}),
        Case("signature empty", 401, command, {**slack_signed(command), "X-Slack-Signature": ""}),
        signed("timestamp abc", 401, command, timestamp="abc"),
        signed("timestamp empty", 401, command, timestamp=""),
        signed("timestamp negative", 401, command, timestamp="-1"),
        signed("timestamp 5,000 digits", 401, command, timestamp="9" * 5000),
        signed("timestamp with a fraction", 401, command, timestamp=f"{now}.5"),
        signed("timestamp stale (6 min)", 401, command, timestamp=str(now - 360)),
        signed("timestamp in the future (6 min)", 401, command, timestamp=str(now + 360)),
        Case("no signature headers", 401, command, {"Content-Type": FORM}),
        Case("unsigned url_verification", 401,
             json.dumps({"type": "url_verification", "challenge": "c"}).encode(),
             {"Content-Type": JSON}),
        # -- size and media type
        Case("over the size limit", 413, BIG, slack_signed(BIG)),
        Case("over the size limit, chunked", 413, BIG, slack_signed(BIG), chunked=True),
        signed("text/plain", 415, command, "text/plain"),
        signed("no content type", 415, command, None),
        signed("multipart", 415, command, "multipart/form-data; boundary=x"),
        signed("JSON in latin-1", 415, b"{}", "application/json; charset=latin-1"),
        # -- signed but malformed: 400
        signed("form of non-UTF-8 bytes", 400, b"command=/swarm&text=\xff\xfe"),
        signed("form with a non-UTF-8 %-escape", 400, b"command=/swarm&text=%ff%fe"),
        signed("payload=notjson", 400, b"payload=notjson"),
        signed("payload=[]", 400, _form(payload="[]")),
        signed("payload is a JSON string", 400, _form(payload='"block_actions"')),
        signed("payload without a type", 400, _form(payload="{}")),
        signed("payload with a 5,000-digit number", 400, _form(payload="9" * 5000)),
        signed("command and payload", 400, _form(command="/swarm", payload="{}")),
        signed("command twice", 400, b"command=/swarm&command=/other&text=help"),
        signed("neither command nor payload", 400, _form(text="help")),
        signed("empty form", 400, b""),
        signed("command without a slash", 400, _form(command="swarm", text="help")),
        signed("JSON that is not JSON", 400, b"{not json", JSON),
        signed("JSON array", 400, b"[]", JSON),
        signed("JSON without a type", 400, b"{}", JSON),
        signed("JSON of non-UTF-8 bytes", 400, b'{"type": "\xff"}', JSON),
        signed("JSON nested 100,000 deep", 400, nested(100_000), JSON),
        signed("JSON with a 5,000-digit number", 400,
               b'{"type": "event_callback", "n": ' + b"9" * 5000 + b"}", JSON),
        signed("event_callback without an event", 400,
               json.dumps({"type": "event_callback"}).encode(), JSON),
        signed("event_callback with an event string", 400,
               json.dumps({"type": "event_callback", "event": "x"}).encode(), JSON),
        signed("url_verification without a challenge", 400,
               json.dumps({"type": "url_verification"}).encode(), JSON),
        # -- well-formed, signed: what Slack really sends
        signed("url_verification", 200,
               json.dumps({"type": "url_verification", "challenge": "ch4ll"}).encode(), JSON),
        signed("app_rate_limited", 200, json.dumps({
            "token": "t", "type": "app_rate_limited", "team_id": "T0001",
            "minute_rate_limited": 1518467820, "api_app_id": "A123456"}).encode(), JSON),
        signed("ssl_check", 200, _form(ssl_check="1", token="t")),
        signed("an event nobody listens to (Bolt: no listener)", 404, json.dumps(
            {**event, "event": {"type": "reaction_added"}}).encode(), JSON),
        signed("a JSON type Slack may add one day (Bolt: no listener)", 404,
               json.dumps({"type": "something_new"}).encode(), JSON),
        signed("command with a charset", 200, command, FORM + "; charset=UTF-8"),
    ]


async def send(client: TestClient, path: str, case: Case) -> tuple[int, str]:
    data: Any = chunks(case.body) if case.chunked else case.body
    async with client.request(case.method, path, data=data, headers=case.headers) as resp:
        return resp.status, await resp.text()


def check(results: list[tuple[Case, int, str]]) -> None:
    wrong = [f"{c.name}: expected {c.status}, got {status}: {text[:120]}"
             for c, status, text in results if status != c.status]
    assert not wrong, "\n".join(wrong)
    assert not [c.name for c, status, _ in results if status >= 500]
    assert not [c.name for c, _, text in results if "Traceback" in text or 'File "' in text]


def no_errors_logged(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing a client sent is an error on our side (Bolt logs its failures at ERROR)."""
    errors = [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


async def test_slack_refuses_malformed_and_forged_requests(
        slack_bot: SlackHarness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    cases = slack_cases(slack_bot.fake.response_url("faults"))
    assert len([c for c in cases if c.status >= 400]) >= 40  # the three tables: >= 60
    results = []
    for case in cases:
        results.append((case, *await send(slack_bot.client, "/slack/events", case)))
    await slack_bot.drain()
    check(results)
    no_errors_logged(caplog)
    statuses = {c.name: text for c, _, text in results}
    assert json.loads(statuses["url_verification"]) == {"challenge": "ch4ll"}
    assert "rate-limiting events for team T0001" in caplog.text
    # Only the one well-formed command reached the core (answered once on response_url).
    assert slack_bot.store.inbox.pending("slack") == []
    assert len(slack_bot.fake.responses) == 1


def teams_cases(teams: Teams) -> list[Case]:
    act = teams.activity("personal_message", text="help")
    good = teams.token(act)
    kid = teams.issuer.kid
    now = int(time.time())
    claims = {"aud": teams.issuer.app_id, "serviceurl": act["serviceUrl"],
              "iss": "https://api.botframework.com", "exp": now + 600, "nbf": now - 10}

    def bearer(token: str) -> dict[str, str]:
        return {"Content-Type": JSON, "Authorization": f"Bearer {token}"}

    def with_token(name: str, status: int, token: str, body: Any = None) -> Case:
        return Case(name, status, json.dumps(act if body is None else body).encode(),
                    bearer(token))

    def shape(name: str, **changes: Any) -> Case:
        """A validly authenticated activity whose shape is off: 400."""
        body = {**act, **changes}
        for key, value in changes.items():
            if value is _DROP:
                del body[key]
        return with_token(name, 400, good, body)

    raw_act = json.dumps(act).encode()
    no_iss = jwt.encode({k: v for k, v in claims.items() if k != "iss"}, teams.issuer.key,
                        algorithm="RS256", headers={"kid": kid})
    return [
        # -- authentication first: 401 whatever the body
        Case("no Authorization", 401, raw_act, {"Content-Type": JSON}),
        Case("no Authorization, garbage body", 401, b"{garbage", {"Content-Type": JSON}),
        Case("Basic auth", 401, raw_act, {"Content-Type": JSON, "Authorization": "Basic YTpi"}),
        Case("Bearer and nothing", 401, raw_act, {"Content-Type": JSON,
                                                  "Authorization": "Bearer "}),
        with_token("not a JWT", 401, "not.a.jwt"),
        with_token("three words", 401, "a b c"),
        with_token("alg none, published kid", 401,
                   handmade_jwt({"alg": "none", "typ": "JWT", "kid": kid}, claims)),
        with_token("alg none, no kid", 401, handmade_jwt({"alg": "none"}, claims)),
        with_token("HS256 keyed with the app password", 401,
                   handmade_jwt({"alg": "HS256", "kid": kid}, claims, PASSWORD.encode())),
        with_token("claims not an object", 401,
                   handmade_jwt({"alg": "RS256", "kid": kid}, ["x"])),
        with_token("no issuer (signed)", 401, no_iss),
        with_token("kid not a string", 401, handmade_jwt({"alg": "RS256", "kid": 5}, claims)),
        with_token("signed by another key", 401, teams.token(act, key=new_key())),
        with_token("expired", 401, teams.token(act, expires_in=-3600)),
        with_token("another bot's audience", 401, teams.token(act, audience="someone-else")),
        with_token("another serviceUrl", 401,
                   teams.issuer.channel_token("https://evil.example/")),
        with_token("a channel the key is not endorsed for", 401, good,
                   {**act, "channelId": "slack"}),
        # -- size and media type
        Case("over the size limit", 413, BIG, bearer(good)),
        Case("over the size limit, chunked", 413, BIG, bearer(good), chunked=True),
        Case("text/plain", 415, raw_act, {**bearer(good), "Content-Type": "text/plain"}),
        Case("no content type", 415, raw_act, {"Authorization": f"Bearer {good}"}),
        Case("form encoded", 415, raw_act, {**bearer(good), "Content-Type": FORM}),
        # -- authenticated, malformed: 400
        Case("not JSON", 400, b"{garbage", bearer(good)),
        Case("not UTF-8", 400, b'{"type": "\xff"}', bearer(good)),
        Case("nested 100,000 deep", 400, nested(100_000), bearer(good)),
        Case("5,000-digit number", 400, b'{"n": ' + b"9" * 5000 + b"}", bearer(good)),
        with_token("a JSON array", 400, good, [act]),
        shape("bad timestamp", timestamp="garbage"),
        shape('"from": []', **{"from": []}),
        shape("from.id a number", **{"from": {"id": 5}}),
        shape("no from", **{"from": _DROP}),
        shape("type a list", type=["message"]),
        shape("no type", type=_DROP),
        shape("empty type", type=""),
        shape("conversation a string", conversation="x"),
        shape("no conversation", conversation=_DROP),
        shape("channelData a number", channelData=5),
        shape("channelData.channel a string", channelData={"channel": "x"}),
        shape("entities a string", entities="x"),
        shape("attachments of numbers", attachments=[5]),
        shape("membersAdded an object", membersAdded={"id": "x"}),
        shape("text a number", text=5),
        shape("no serviceUrl", serviceUrl=_DROP),
        shape("serviceUrl not http", serviceUrl="file:///etc/passwd"),
        # -- control: the same activity, well-formed and authenticated
        with_token("a well-formed message", 201, good),
    ]


_DROP = object()


async def test_teams_refuses_malformed_and_forged_requests(
        teams: Teams, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    cases = teams_cases(teams)
    assert len([c for c in cases if c.status >= 400]) >= 40
    results = []
    async with SessionOn(teams.url) as client:
        for case in cases:
            results.append((case, *await send(client, "/api/messages", case)))
    check(results)
    await teams.runtime.work.drain()  # the control's command runs after its ack
    no_errors_logged(caplog)
    # Only the control reached the bot: one reply through the connector.
    assert len([c for c in teams.connector.calls if "/activities/" in c.path]) == 1


class SessionOn:
    """An aiohttp session on a server the Teams fixture already runs (TestClient's calls)."""

    def __init__(self, base: str) -> None:
        self.base = base

    async def __aenter__(self) -> SessionOn:
        from aiohttp import ClientSession

        self.session = ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()

    def request(self, method: str, path: str, **kw: Any) -> Any:
        return self.session.request(method, self.base + path, **kw)


SECRET = "fault-suite-link-secret"


def digest_cases(now: Any) -> list[Case]:
    good = signed_path(SECRET, "2026-W46", now, hours=1)
    exp = good.split("exp=")[1].split("&")[0]
    sig = signature(SECRET, "2026-W46", int(exp))
    past = int(now.timestamp()) - 60

    def get(name: str, path: str, status: int = 403) -> Case:
        return Case(name, status, method="GET", path=path)

    return [
        get("no query", "/digest/2026-W46"),
        get("sig=%C3%A9", f"/digest/2026-W46?exp={exp}&sig=%C3%A9"),
        get("sig of 64 non-ASCII characters", f"/digest/2026-W46?exp={exp}&sig="
            + quote("\u00e9" * 64)),
        get("exp of 5,000 digits", f"/digest/2026-W46?exp={'9' * 5000}&sig={sig}"),
        get("exp superscript two", f"/digest/2026-W46?exp={quote(chr(0xB2))}&sig={sig}"),
        get("exp in Arabic-Indic digits", f"/digest/2026-W46?exp={quote(chr(0x661) * 12)}"
            f"&sig={sig}"),
        get("exp negative", f"/digest/2026-W46?exp=-1&sig={sig}"),
        get("exp in exponent form", f"/digest/2026-W46?exp=1e12&sig={sig}"),
        get("exp empty", f"/digest/2026-W46?exp=&sig={sig}"),
        get("sig empty", f"/digest/2026-W46?exp={exp}&sig="),
        get("sig upper-case hex", f"/digest/2026-W46?exp={exp}&sig={sig.upper()}"),
        get("sig of another week", f"/digest/2026-W45?exp={exp}&sig={sig}"),
        get("sig with a NUL", f"/digest/2026-W46?exp={exp}&sig={sig[:-1]}%00"),
        get("expired, validly signed", f"/digest/2026-W46?exp={past}"
            f"&sig={signature(SECRET, '2026-W46', past)}"),
        get("a lone surrogate in the week", f"/digest/%ED%A0%80?exp={exp}&sig={sig}"),
        get("a week that is no week", f"/digest/..%2F..%2Fetc?exp={exp}&sig={sig}"),
        get("the bare /digest", "/digest"),
        Case("POST to a page", 403, b"x", method="POST", path="/digest/2026-W46"),
        get("a signed link", good, 200),
    ]


async def test_digest_page_refuses_garbage_links(core: Any, clock: Any,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    app = web.Application()
    add_digest_routes(app, core, env={"SWARMBOT_LINK_SECRET": SECRET})
    cases = digest_cases(clock.now)
    assert len([c for c in cases if c.status >= 400]) >= 15
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        results = [(case, *await send(client, case.path, case)) for case in cases]
    check(results)
    no_errors_logged(caplog)
