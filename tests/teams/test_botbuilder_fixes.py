"""Each botbuilder defect worked around in adapters/teams/botbuilder_fixes.py, shown in stock
botbuilder. If an upgrade fixes one upstream, its test here fails: drop the workaround."""

from __future__ import annotations

import timeit

from aiohttp import ClientSession, web
from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, AdaptiveCardInvokeResponse
from msrest.pipeline import Request
from msrest.pipeline.aiohttp import AioHTTPSender
from msrest.universal_http import ClientRequest
from msrest.universal_http.aiohttp import AioHTTPSender as AioHTTPDriver
from msrest.universal_http.requests import ClientRetryPolicy

from adapters.teams.botbuilder_fixes import _AiohttpSender, apply_global_fixes
from adapters.teams.directory import Directory
from testkit.teams.fake_connector import FakeConnector
from tests.teams.conftest import Teams, payload, serve


class _Settings:
    APP_ID = ""
    APP_PASSWORD = ""


class _CardBot(ActivityHandler):
    async def on_adaptive_card_invoke(self, turn_context: TurnContext, invoke_value):  # noqa: ANN001
        return AdaptiveCardInvokeResponse(status_code=200, type="application/vnd.microsoft."
                                          "card.adaptive", value={"type": "AdaptiveCard"})


async def test_defect_1_stock_process_answers_an_invoke_with_a_body_with_500(
        teams: Teams) -> None:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_Settings()))
    bot = _CardBot()

    async def stock(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    app = web.Application()
    app.router.add_post("/api/messages", stock)
    runner, url = await serve(app)
    act = payload("adaptive_card_action")
    act["serviceUrl"] = teams.connector.base_url
    try:
        async with ClientSession() as s, s.post(f"{url}/api/messages", json=act) as resp:
            assert resp.status == 500  # the defect
    finally:
        await runner.cleanup()
    # Our endpoint answers the same kind of invoke with the card.
    act = teams.invoke("adaptive_card_action", "29:1bob-aad", "a:1", {"command": "help"})
    status, body = await teams.post(act)
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"


def test_defect_2_retry_policy_list_scan_and_the_fix_keeps_the_same_codes() -> None:
    stock_safe = [i for i in range(500) if i != 408] + [501, 505]
    expected = [i for i in range(999) if i not in stock_safe]
    saved = ClientRetryPolicy.safe_codes
    try:
        ClientRetryPolicy.safe_codes = list(stock_safe)
        slow = min(timeit.repeat(ClientRetryPolicy, number=5, repeat=3))
        apply_global_fixes()
        assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
        assert ClientRetryPolicy().policy.status_forcelist == expected
        fast = min(timeit.repeat(ClientRetryPolicy, number=5, repeat=3))
    finally:
        ClientRetryPolicy.safe_codes = saved
    assert fast * 10 < slow, (fast, slow)


async def test_defect_7_msrest_aiohttp_sender_drops_headers_and_body() -> None:
    connector = FakeConnector()
    url = await connector.start()
    body = b'{"type": "message", "text": "hi"}'

    def request() -> Request:
        http = ClientRequest("POST", f"{url}v3/conversations/c1/activities")
        http.headers["Authorization"] = "Bearer t"
        http.headers["Content-Type"] = "application/json"
        http.data = body
        return Request(http)

    driver = AioHTTPDriver()
    try:
        await AioHTTPSender(driver).send(request())
        async with ClientSession() as session:
            await _AiohttpSender(session).send(request())
    finally:
        await driver._session.close()
        await connector.stop()
    stock, ours = connector.calls
    assert (stock.auth, stock.body) == (None, None)  # the defect
    assert (ours.auth, ours.body) == ("Bearer t", {"type": "message", "text": "hi"})


async def test_the_tenant_is_learned_from_channel_data_because_botbuilder_drops_tenantId(
        ) -> None:
    act = Activity().deserialize(payload("channel_message"))
    # botbuilder's ConversationAccount maps "tenantID", Teams sends "tenantId": lost.
    assert act.conversation.tenant_id is None
    directory = Directory()
    await directory.learn(act)
    assert directory.tenant_id == payload("channel_message")["conversation"]["tenantId"]
    assert directory.bot == {"id": act.recipient.id, "name": "swarmbot"}
    assert directory.name("29:1ann-aad") == "Ann Owner"


async def test_defect_9_stock_managed_identity_credentials_fetch_tokens_blocking() -> None:
    """botbuilder's credential for a user-assigned managed identity asks msal's
    ManagedIdentityClient on a `requests` session: a synchronous call on the event loop."""
    import inspect

    import msal
    from botbuilder.integration.aiohttp import ConfigurationServiceClientCredentialFactory

    class MsiSettings:
        APP_ID = "00000000-0000-0000-0000-0000000000b0"
        APP_TYPE = "UserAssignedMSI"
        APP_TENANTID = "72f988bf-0000-4000-8000-0000000000aa"

    factory = ConfigurationServiceClientCredentialFactory(MsiSettings())
    credentials = await factory.create_credentials(
        MsiSettings.APP_ID, "https://api.botframework.com", "", True)
    assert not inspect.iscoroutinefunction(credentials.get_access_token)
    client = credentials._ManagedIdentityAppCredentials__get_msal_app()
    assert isinstance(client, msal.ManagedIdentityClient)
    assert not inspect.iscoroutinefunction(client.acquire_token_for_client)
