"""Teams on loopback: a local OpenID/JWKS issuer, a fake Bot Connector, swarmbot in between.

Activities are the recorded payloads in payloads/, pointed at the fake connector's URL,
signed by the local issuer and POSTed to the real `/api/messages` over HTTP.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web

from adapters.bootstrap import build_core
from adapters.teams.endpoint import TeamsRuntime, add_teams_routes, start_teams
from bot.config import Config
from handlers.entrance import Entrance as Core
from testkit.loopback import serve
from testkit.teams.fake_connector import FakeConnector
from testkit.teams.jwks_issuer import APP_ID, PASSWORD, JwksIssuer
from tests.conftest import SPECS

PAYLOADS = Path(__file__).parent / "payloads"
BOT_ID = f"28:{APP_ID}"
ANN, BOB, CAROL = "29:1ann-aad", "29:1bob-aad", "29:1carol-aad"
NAMES = {ANN: "Ann Owner", BOB: "Bob Specialist", CAROL: "Carol Billing"}
SWARM_CHANNEL = "19:swarm@thread.tacv2"
TRIAGE_CHANNEL = "19:triage@thread.tacv2"


def payload(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def card_validator() -> Callable[[dict[str, Any]], None]:
    schema_path = SPECS / "adaptive-card-1.5.json"
    if not schema_path.exists():
        pytest.skip(f"Adaptive Card schema not found at {schema_path} (../shared/specs is "
                    "absent in this checkout)")
    import jsonschema

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft6Validator(schema)

    def check(card: dict[str, Any]) -> None:
        errors = sorted(validator.iter_errors(card), key=lambda e: list(e.path))
        assert not errors, f"card not valid Adaptive Card 1.5: {errors[0].message} " \
                           f"at {list(errors[0].path)}\n{json.dumps(card)[:600]}"
    return check


@pytest.fixture
def card_check(request: pytest.FixtureRequest) -> Callable[[dict[str, Any]], None]:
    """The schema check where ../shared/specs exists, else nothing: flows still run in a
    user's clone; the dedicated schema tests (test_cards.py) skip there, saying why."""
    if not (SPECS / "adaptive-card-1.5.json").exists():
        return lambda card: None
    return request.getfixturevalue("card_validator")


class Teams:
    """The bot under test plus the two Microsoft services it talks to."""

    def __init__(self, url: str, session: ClientSession, issuer: JwksIssuer,
                 connector: FakeConnector, core: Core, runtime: TeamsRuntime,
                 runner: web.AppRunner | None = None) -> None:
        self.url = url
        self.session = session
        self.issuer = issuer
        self.connector = connector
        self.core = core
        self.runtime = runtime
        self.runner = runner
        self._seq = 0

    async def stop(self) -> None:
        """Stop the server (its sessions close) and the store, as a process exit would."""
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
            self.core.deps.store.close()

    def activity(self, name: str, **changes: Any) -> dict[str, Any]:
        self._seq += 1
        act = copy.deepcopy(payload(name))
        act["serviceUrl"] = self.connector.base_url
        act["id"] = f"{act['id']}-{self._seq}"
        for key, value in changes.items():
            act[key] = value
        return act

    def message(self, user: str, text: str, conversation: str | None = None,
                mentions: tuple[str, ...] = ()) -> dict[str, Any]:
        """A channel message that @mentions the bot (and `mentions`), as Teams sends it."""
        act = self.activity("channel_message")
        act["from"] = {"id": user, "name": NAMES[user]}
        act["text"] = f"<at>swarmbot</at> {text}"
        for uid in mentions:
            label = f"<at>{NAMES[uid]}</at>"
            act["text"] = act["text"].replace(f"@{uid}", label)
            act["entities"].append({"type": "mention", "text": label,
                                    "mentioned": {"id": uid, "name": NAMES[uid]}})
        if conversation:
            act["conversation"]["id"] = conversation
        return act

    def invoke(self, name: str, user: str, conversation: str, data: dict[str, Any],
               ) -> dict[str, Any]:
        act = self.activity(name)
        act["from"] = {"id": user, "name": NAMES[user]}
        act["conversation"]["id"] = conversation
        if name == "adaptive_card_action":
            act["value"]["action"]["data"] = data
            act["value"]["action"]["verb"] = data["command"].split()[0]
        else:
            act["value"]["data"] = data
        return act

    def token(self, activity: dict[str, Any], **kw: Any) -> str:
        return self.issuer.channel_token(activity["serviceUrl"], **kw)

    async def post(self, activity: dict[str, Any], token: str | None = "valid",
                   ) -> tuple[int, Any]:
        """POST an activity; returns (status, body) once what it started has finished."""
        headers = {}
        if token == "valid":
            token = self.token(activity)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        async with self.session.post(f"{self.url}/api/messages", json=activity,
                                     headers=headers) as resp:
            body = await resp.json() if resp.content_type == "application/json" else None
        await self.runtime.work.drain()  # a message's command runs after its ack
        return resp.status, body


@pytest.fixture
async def issuer() -> AsyncIterator[JwksIssuer]:
    i = JwksIssuer(APP_ID, PASSWORD)
    await i.start()
    yield i
    await i.stop()


@pytest.fixture
async def connector(issuer: JwksIssuer) -> AsyncIterator[FakeConnector]:
    c = FakeConnector(check_token=issuer.check_bot_token)
    await c.start()
    yield c
    await c.stop()


@pytest.fixture
def teams_config(config: Config, issuer: JwksIssuer) -> Config:
    config.teams.enabled = True
    config.teams.swarm_team_id = "19:team@thread.tacv2"
    config.teams.swarm_channel_id = SWARM_CHANNEL
    config.teams.triage_channel_id = TRIAGE_CHANNEL
    config.teams.openid_metadata_url = issuer.metadata_url
    return config


async def start_server(config: Config, issuer: JwksIssuer, connector: FakeConnector,
                       clock: Any, session: ClientSession, graph_tokens: Any = None) -> Teams:
    """swarmbot's Teams side as `swarmbot serve` builds it: runtime, core, routes, a port."""
    env = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": PASSWORD}
    runtime = await start_teams(config, env, graph_tokens=graph_tokens)
    core = build_core(config, {"teams": runtime.port}, clock=clock)
    app = web.Application()
    add_teams_routes(app, runtime, core, refs=core.deps.store.refs)
    runner, url = await serve(app)
    return Teams(url, session, issuer, connector, core, runtime, runner)


@pytest.fixture
async def teams(teams_config: Config, issuer: JwksIssuer, connector: FakeConnector,
                clock: Any) -> AsyncIterator[Teams]:
    async with ClientSession() as session:
        t = await start_server(teams_config, issuer, connector, clock, session)
        yield t
        await t.stop()
