"""GET /metrics after a Slack and a Teams journey: the counts are what was done; /readyz."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families

from adapters.slack.server import SLACK_RUNTIME
from bot.config import Config
from bot.store.pg_schema import MIGRATIONS_TABLE
from tests.serving import Both, both_platforms

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(session: ClientSession, url: str) -> Samples:
    async with session.get(url + "/metrics") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        text = await resp.text()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


@pytest.fixture
async def world(config: Config) -> AsyncIterator[Both]:
    async with both_platforms(config) as both:
        yield both


async def test_metrics_count_a_slack_and_a_teams_journey(world: Both) -> None:
    before = await scrape(world.session, world.url)
    # Slack: a case opened, an unknown command, a refused one, a platform refusal.
    await world.slack("open ZD-1 sev2 Slack side")
    await world.slack("nosuch")
    await world.slack("status ZD-404")
    world.fake.fail_next("conversations.create", "restricted_action")
    await world.slack("open ZD-3 sev3 Refused by Slack")
    # Teams: read the Slack case, be refused changing it, open one of its own.
    teams = world.teams
    for text in ("status ZD-1", "join ZD-1", "open ZD-2 Teams side"):
        status, _ = await teams.post(teams.message("29:1ann-aad", text))
        assert status in (200, 201)
    async with world.session.post(world.url + "/api/messages", data=b"{}", headers={
            "Content-Type": "application/json"}) as resp:
        assert resp.status == 401  # no token (checked before the body): a 4xx from Teams
    after = await scrape(world.session, world.url)

    def commands(command: str, outcome: str) -> float:
        return delta(before, after, "swarmbot_commands_total", command=command, outcome=outcome)

    # ZD-1 and ZD-2; ZD-3 too: the case is recorded and the owner told the channel failed
    # (a platform failure is not a refused command; it is counted below, by API method).
    assert commands("open", "ok") == 3
    assert commands("open", "refused") == 0
    assert "restricted_action" in str(world.fake.responses[-1])
    assert commands("unknown", "refused") == 1
    assert commands("status", "refused") == 1  # no case ZD-404
    assert commands("status", "ok") == 1
    assert commands("join", "refused") == 1  # ZD-1 lives in Slack
    assert delta(before, after, "swarmbot_platform_api_errors_total", platform="slack",
                 method="conversations.create") == 1
    assert delta(before, after, "swarmbot_requests_total", source="slack", outcome="2xx") == 4
    assert delta(before, after, "swarmbot_requests_total", source="teams", outcome="2xx") == 3
    assert delta(before, after, "swarmbot_requests_total", source="teams", outcome="4xx") == 1
    assert delta(before, after, "swarmbot_ack_seconds_count", source="slack") == 4
    assert delta(before, after, "swarmbot_ack_seconds_count", source="teams") == 4
    assert delta(before, after, "swarmbot_requests_total", source="ops", outcome="2xx") == 1


async def test_readyz_says_the_store_is_current(world: Both) -> None:
    async with world.session.get(world.url + "/readyz") as resp:
        assert resp.status == 200 and await resp.json() == {"ok": True, "problems": []}
    core_store = world.app[SLACK_RUNTIME].dispatcher.entrance.deps.store  # the server's own
    on_sqlite = hasattr(core_store.db, "conn")
    table = "_sqlite_migrations" if on_sqlite else MIGRATIONS_TABLE
    core_store.db.execute(f"DELETE FROM {table} WHERE name = 'm011_case_ref_lookup'")
    try:
        async with world.session.get(world.url + "/readyz") as resp:
            assert resp.status == 503
            [problem] = (await resp.json())["problems"]
            assert problem.startswith("store schema not current: ")
            assert "pending migrations" in problem and "m011_case_ref_lookup" in problem
    finally:
        if not on_sqlite:  # the session's shared database: put the record back
            core_store.db.execute(f"INSERT INTO {table} (name) VALUES ('m011_case_ref_lookup')")


async def test_the_outbox_shows_in_metrics(world: Both) -> None:
    store = world.app[SLACK_RUNTIME].dispatcher.entrance.deps.store
    at = "2026-11-16T09:00:00Z"
    # A call that gave up (the worker leaves those alone until `retry`).
    item = store.outbox.add(None, "slack", "dm", {"what": "tell someone", "person": "U1",
                                                  "reply": {"text": "x"}}, at)
    store.outbox.give_up(item, 6, "ratelimited", at)
    async with world.session.get(world.url + "/metrics") as resp:
        text = await resp.text()
    assert 'swarmbot_outbox_rows{state="failed"} 1.0' in text


def test_readyz_says_when_the_outbox_is_stuck(tmp_path) -> None:  # noqa: ANN001
    from datetime import UTC, datetime

    from bot.store import open_store
    from bot.web.ops import outbox_problems

    store = open_store(tmp_path / "stuck.db")  # no worker runs here
    now = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    try:
        store.outbox.add(None, "slack", "dm", {"what": "x"}, "2026-11-16T08:55:00Z")
        assert outbox_problems(store, now) == []  # 5 minutes late: the worker may be busy
        store.outbox.add(None, "slack", "dm", {"what": "x"}, "2026-11-16T08:30:00Z")
        assert outbox_problems(store, now) == [
            "outbox stuck: 1 platform call(s) overdue by more than 10 minutes"]
    finally:
        store.close()
