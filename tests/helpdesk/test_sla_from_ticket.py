"""Issue 25, SLAs (docs/sla.md): a helpdesk's ticket chooses its swarm's policy by its tags or
its priority (kept on the case: `set priority` changes it), over the signed webhook."""

from __future__ import annotations

import pytest

from bot.config import Config
from bot.services import sla as sla_service
from tests.helpdesk.conftest import body_of, hook_headers, opened
from tests.slack.harness import SlackHarness


@pytest.fixture
def slack_config(slack_config: Config) -> Config:
    slack_config.sla = {
        "vip": {"first_response": "30m", "tags": ["vip"]},
        "urgent": {"first_response": "1h", "priorities": ["urgent"]},
        "standard": {"resolution": "3d", "severities": ["sev3", "sev4"]},
    }
    return slack_config


async def _deliver(bot: SlackHarness, ref: str, priority: str, tags: list[str]) -> str | None:
    body = body_of(ticket_id=ref, subject="Acme SSO", priority=priority, requester="Rita",
                   organization="Acme", assignee_email="alice@acme.test", tags=tags,
                   url=f"https://acme.my.salesforce.com/{ref}")
    resp = await bot.client.post("/helpdesk/webhook", data=body, headers=hook_headers(body))
    case = await opened(bot, resp, ref)
    deps = bot.runtime.dispatcher.entrance.deps
    policy = sla_service.policy_of(deps, case)
    return policy.name if policy else None


async def test_tags_then_priority_then_severity(bot: SlackHarness) -> None:
    assert await _deliver(bot, "SF-1", "urgent", ["vip", "sso"]) == "vip"
    assert await _deliver(bot, "SF-2", "Urgent", ["sso"]) == "urgent"
    assert await _deliver(bot, "SF-3", "normal", []) == "standard"  # sev3 by its priority
    case = bot.store.cases.by_ref("SF-2")
    assert case is not None and (case.priority, case.sla) == ("urgent", None)
