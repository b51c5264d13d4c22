"""One `serve` with Slack and Teams and `[bridge] enabled`, and what the bridge tests read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from adapters.slack.server import SLACK_RUNTIME
from adapters.teams.endpoint import RUNTIME_KEY as TEAMS_RUNTIME
from bot.config import Config
from bot.export import export_cases
from bot.services import outbox
from bot.services.base import Deps
from tests.serving import Both, both_platforms
from tests.teams.conftest import ANN, BOB, CAROL, TRIAGE_CHANNEL

OWNER = "U1"  # Slack: the support agent who owns the case
SAME = "U2"  # Slack: Bob, who is BOB on Teams too (the same verified email)
ROSTER = [{"id": ANN, "name": "Ann Owner", "aadObjectId": "a-1", "email": "ann@example.com",
           "userPrincipalName": "ann@example.com"},
          {"id": BOB, "name": "Bob Specialist", "aadObjectId": "b-1",
           "email": "bob@example.com", "userPrincipalName": "bob@example.com"},
          {"id": CAROL, "name": "Carol Billing", "aadObjectId": "c-1",
           "email": "carol@example.com", "userPrincipalName": "carol@example.com"}]


@dataclass
class World:
    both: Both

    @property
    def deps(self) -> Deps:
        dispatcher = self.both.app[SLACK_RUNTIME].dispatcher
        assert dispatcher is not None
        return dispatcher.entrance.deps

    async def slack(self, text: str, user: str = OWNER) -> None:
        await self.both.slack(text, user)

    async def teams(self, user: str, text: str, conversation: str | None = None,
                    mentions: tuple[str, ...] = ()) -> int:
        teams = self.both.teams
        status, _ = await teams.post(teams.message(user, text, conversation=conversation,
                                                   mentions=mentions))
        await self.both.app[TEAMS_RUNTIME].work.drain()  # type: ignore[attr-defined]
        return status

    async def settle(self, within: float = 60.0) -> None:
        """Every platform call done: the commands' own tries, then the outbox worker's
        retries as their backoffs (0.05-0.2 s here) and waits for a room run out. Rows are
        never made due early: a row under another worker's lease is being performed."""
        deps = self.deps
        loop = asyncio.get_running_loop()
        until = loop.time() + within
        while loop.time() < until:
            await self.both.app[SLACK_RUNTIME].work.drain()
            await self.both.app[TEAMS_RUNTIME].work.drain()  # type: ignore[attr-defined]
            await outbox.drain(deps)
            if not deps.store.outbox.counts().get("pending"):
                return
            await asyncio.sleep(0.05)  # the next backoff to run out (no event says so)
        raise AssertionError(f"outbox still busy: {deps.store.outbox.counts()}")

    # -- what the rooms show --------------------------------------------------------------
    def slack_texts(self, channel_id: str) -> list[str]:
        return [str(m.get("text", "")) + " " + str(m.get("blocks", ""))
                for m in self.both.fake.messages if m["channel"] == channel_id]

    def teams_texts(self, thread_id: str) -> list[str]:
        """The thread's posts, its root (the brief) first, as text; not the answers to
        commands typed there (a reply to the one who typed it, as in Slack's ephemerals)."""
        posts = self.both.connector.threads().get(thread_id)
        if posts is None:  # a Graph channel ([teams.graph]): the posts into its conversation
            posts = [c for c in self.both.connector.sent(thread_id) if c.method == "POST"]
        return [str(c.body) for c in posts if "replyToId" not in c.body]

    def teams_triage(self) -> list[str]:
        return [str(c.body) for c in self.both.connector.sent(TRIAGE_CHANNEL)]


def count(texts: list[str], needle: str) -> int:
    return sum(1 for t in texts if needle in t)


def order(texts: list[str], needles: list[str]) -> list[int]:
    """Where each needle first appears among the posts."""
    return [next(i for i, t in enumerate(texts) if n in t) for n in needles]


@asynccontextmanager
async def bridged(config: Config, mirror_messages: bool = False,
                  with_graph: bool = False, env: dict[str, str] | None = None
                  ) -> AsyncIterator[World]:
    config.bridge.enabled = True
    config.bridge.mirror_messages = mirror_messages
    config.outbox.base_delay, config.outbox.max_delay = 0.05, 0.2
    config.outbox.max_tries = 30
    async with both_platforms(config, with_graph, env) as both:
        both.connector.roster = [dict(m) for m in ROSTER]
        both.fake.add_user(OWNER, "Olive Owner", "olive@example.com")
        both.fake.add_user(SAME, "Bob Specialist", "bob@example.com")
        yield World(both)


def export_of(deps: Deps) -> dict[str, Any]:
    return export_cases(deps.store)
