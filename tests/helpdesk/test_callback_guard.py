"""The generic webhook's callback_url cannot be aimed inward (issue 24).

Every refusal below is a signed delivery (the sender holds SWARMBOT_WEBHOOK_SECRET): the
allowlist, not the signature, is what keeps swarmbot's write-backs off loopback, private
and metadata addresses. A loopback listener counts what reaches it.
"""

from __future__ import annotations

import hmac
from hashlib import sha256

import pytest
from aiohttp import web

from adapters.helpdesk.server import HELPDESK_RUNTIME
from adapters.helpdesk.webhook.callbacks import CallbackPolicy, CallbackRefused
from adapters.helpdesk.webhook.port import CALLBACK_SIGNATURE
from bot.helpdesk import HelpdeskError
from tests.helpdesk.conftest import CALLBACK_SECRET, body_of, hook_headers, settle, worked
from tests.helpdesk.fake_callback import FakeCallback
from tests.slack.harness import SlackHarness


class Listener:
    """Counts every request on any path (what a forged callback would reach)."""

    def __init__(self) -> None:
        self.hits = 0
        self.app = web.Application()
        self.app.router.add_route("*", "/{tail:.*}", self._hit)

    async def _hit(self, request: web.Request) -> web.Response:
        self.hits += 1
        return web.json_response({"ok": True})


@pytest.fixture
async def listener(aiohttp_server) -> tuple[Listener, int]:
    fake = Listener()
    server = await aiohttp_server(fake.app, host="127.0.0.1")
    return fake, server.port


async def deliver(bot: SlackHarness, ref: str, callback_url: str) -> tuple[int, str]:
    body = body_of(ticket_id=ref, subject="Acme SSO", priority="low", requester="Rita",
                   assignee_email="alice@acme.test", url="https://acme.my.salesforce.com/1",
                   callback_url=callback_url)
    resp = await bot.client.post("/helpdesk/webhook", data=body, headers=hook_headers(body))
    return resp.status, (await resp.json()).get("error", "")


def cb_port(callback: tuple[FakeCallback, str]) -> int:
    return int(callback[1].split(":")[2].split("/")[0])


async def test_signed_deliveries_aiming_inward_are_refused_at_intake(
        bot: SlackHarness, callback: tuple[FakeCallback, str],
        listener: tuple[Listener, int]) -> None:
    fake_cb, _ = callback
    counter, port = listener
    own = f"{bot.client.server.host}:{bot.client.server.port}"
    # The test server's own origin, allowed by mistake: still refused as swarmbot's own.
    runtime = bot.client.server.app[HELPDESK_RUNTIME]
    runtime.callbacks = CallbackPolicy.of([f"http://{own}",
                                           f"http://127.0.0.1:{cb_port(callback)}",
                                           f"http://localhost:{cb_port(callback)}"], [])
    bad = {
        "loopback": f"http://127.0.0.1:{port}/hook",
        "localhost": f"http://localhost:{port}/hook",
        "private": "https://10.0.0.5/hook",
        "private 192.168": "http://192.168.1.10:8080/hook",
        "link-local": "https://169.254.10.10/hook",
        "metadata": "http://169.254.169.254/latest/meta-data/",
        "ipv6 loopback": f"http://[::1]:{port}/hook",
        "credentials": f"http://user:secret@127.0.0.1:{cb_port(callback)}/swarm-events",
        "own endpoint": f"http://{own}/helpdesk/webhook",
        "ftp": f"ftp://127.0.0.1:{port}/hook",
        "file": "file:///etc/passwd",
        "outside the allowlist": "https://evil.example.com/hook",
        "https to an http-only origin": f"https://127.0.0.1:{cb_port(callback)}/swarm-events",
    }
    for i, (what, url) in enumerate(bad.items()):
        status, error = await deliver(bot, f"SF-{i}", url)
        assert status == 400, (what, status, error)
        assert error.startswith("callback_url"), (what, error)
    assert counter.hits == 0
    assert fake_cb.hits == 0
    assert bot.store.cases.all() == []


async def test_a_write_back_is_signed_with_its_own_key_and_never_passes_for_a_delivery(
        bot: SlackHarness, callback: tuple[FakeCallback, str]) -> None:
    fake, url = callback
    status, _ = await deliver(bot, "SF-1", url)
    assert status == 202
    await worked(bot)
    await settle(bot)
    assert fake.events and fake.events[0]["event"] == "note"
    # What the receiver got, replayed to swarmbot's own intake: refused as unsigned.
    raw = body_of(ticket_id="SF-2", subject="x", callback_url=url)
    sig = hmac.new(CALLBACK_SECRET.encode(), raw, sha256).hexdigest()
    resp = await bot.client.post("/helpdesk/webhook", data=raw, headers={
        "Content-Type": "application/json", CALLBACK_SIGNATURE: f"sha256={sig}"})
    assert resp.status == 401


async def test_a_redirect_is_not_followed_and_the_owner_sees_no_target_text(
        bot: SlackHarness, callback: tuple[FakeCallback, str],
        listener: tuple[Listener, int]) -> None:
    fake, url = callback
    counter, port = listener
    fake.redirect_to = f"http://127.0.0.1:{port}/inside"
    status, _ = await deliver(bot, "SF-7", url)
    assert status == 202
    await worked(bot)
    counts = await settle(bot)
    assert fake.hits >= 1 and counter.hits == 0
    assert counts.get("failed", 0) == 1  # a 3xx is a refusal: given up at once
    told = [m["text"] for m in bot.fake.messages if "SF-7" in m["text"]
            and "HTTP 307" in m["text"]]
    assert told and "redirects are not followed" in told[0], bot.fake.messages
    fake.redirect_to = None
    fake.refusal = (403, "internal: db=10.1.2.3 token=abc SECRET-DETAIL")
    status, _ = await deliver(bot, "SF-8", url)
    assert status == 202
    await worked(bot)
    await settle(bot)
    told = [m["text"] for m in bot.fake.messages if "SF-8" in m["text"] and "HTTP" in m["text"]]
    assert told and "HTTP 403 Forbidden" in told[0], bot.fake.messages
    assert not any("SECRET-DETAIL" in m["text"] for m in bot.fake.messages)


async def test_an_allowed_name_that_resolves_to_loopback_is_refused_at_connect_time(
        bot: SlackHarness, callback: tuple[FakeCallback, str]) -> None:
    fake, url = callback
    runtime = bot.client.server.app[HELPDESK_RUNTIME]
    named = url.replace("127.0.0.1", "localhost")
    # `localhost` is allowed as an origin, but not as an internal host: it resolves to a
    # loopback address, so the connection is refused after resolving (as a rebound name is).
    runtime.callbacks.origins |= CallbackPolicy.of([named.rsplit("/", 1)[0]], []).origins
    status, _ = await deliver(bot, "SF-9", named)
    assert status == 202
    await worked(bot)
    counts = await settle(bot)
    assert fake.hits == 0
    assert counts.get("failed", 0) == 1  # refused, not retried
    told = [m["text"] for m in bot.fake.messages if "SF-9" in m["text"]
            and "loopback" in m["text"]]
    assert told, bot.fake.messages
    # The same name listed as an internal host is reached: the refusal above was the guard.
    runtime.callbacks.internal_hosts = frozenset({"localhost"})
    status, _ = await deliver(bot, "SF-10", named)
    assert status == 202
    await worked(bot)
    await settle(bot)
    assert fake.hits >= 1


def test_the_policy_checks_what_the_intake_and_the_port_check() -> None:
    policy = CallbackPolicy.of(["https://hooks.acme.com", "http://10.0.0.5:8080"], [])
    policy.check("https://hooks.acme.com/swarm")
    policy.check("http://10.0.0.5:8080/x")  # an address written in the allowlist
    for url in ("http://hooks.acme.com/swarm", "https://hooks.acme.com:8443/x",
                "gopher://hooks.acme.com/", "https://u:p@hooks.acme.com/",
                "http://10.0.0.6:8080/x", "https://hooks.acme.com.evil.com/"):
        with pytest.raises(CallbackRefused):
            policy.check(url)


async def test_an_unsupported_scheme_is_a_refusal_not_retried() -> None:
    from adapters.helpdesk.http import JsonApi, helpdesk_session

    async with helpdesk_session() as session:
        api = JsonApi("webhook", "", session, quote_errors=False)
        for url in ("ftp://127.0.0.1:21/x", "gopher://127.0.0.1/x"):
            with pytest.raises(HelpdeskError) as err:
                await api.call("post the note", "POST", url, raw=b"{}")
            assert not err.value.transient, err.value


async def test_a_link_recorded_before_the_allowlist_changed_is_refused_at_send_time(
        bot: SlackHarness, callback: tuple[FakeCallback, str]) -> None:
    fake, url = callback
    runtime = bot.client.server.app[HELPDESK_RUNTIME]
    assert (await deliver(bot, "SF-20", url))[0] == 202
    await worked(bot)
    await settle(bot)
    hits = fake.hits
    runtime.callbacks.origins = frozenset()  # the admin took the origin off the list
    room = bot.store.cases.by_ref("SF-20").room_id
    await bot.command("resolve fixed it", "UALICE", channel=room)
    counts = await settle(bot)
    assert fake.hits == hits and counts.get("failed", 0) == 1


def test_the_config_check_names_a_bad_origin_and_a_shared_secret() -> None:
    from adapters.checks import helpdesk_problems
    from bot.config import Config

    config = Config()
    config.slack.enabled = True
    config.helpdesk.webhook.enabled = True
    config.helpdesk.webhook.callback_origins = ["https://ok.example.com", "ftp://x",
                                                "https://a.example.com/path"]
    problems = helpdesk_problems(config, {"SWARMBOT_WEBHOOK_SECRET": "same",
                                          "SWARMBOT_CALLBACK_SECRET": "same"})
    assert any("'ftp://x' is not https://host[:port]" in p for p in problems), problems
    assert any("must be an origin only" in p for p in problems), problems
    assert any("SWARMBOT_CALLBACK_SECRET must differ" in p for p in problems), problems
    missing = helpdesk_problems(config, {"SWARMBOT_WEBHOOK_SECRET": "a"})
    assert any("SWARMBOT_CALLBACK_SECRET" in p and "not set" in p for p in missing), missing
