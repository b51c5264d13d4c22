"""Nudges for a ticket's swarm that has no owner yet: triage hears them; the helpdesk's
name standing in as the owner is never messaged (it is no Slack user)."""

from __future__ import annotations

from adapters.bootstrap import build_core
from adapters.slack.port import SlackChatPort
from bot.config import Config
from bot.helpdesk import Ticket
from bot.scheduler import Scheduler
from handlers.helpdesk import delivery_of, finish
from testkit.slack.fake_slack import BOT_USER
from tests.conftest import Clock, handle
from tests.digest.script import utc


async def test_nudges_of_an_unowned_swarm_go_to_triage_only(web_client, fake_slack,
                                                            tmp_path) -> None:
    triage = fake_slack.add_channel("swarm-triage", members={BOT_USER})
    cfg = Config()
    cfg.store.path = str(tmp_path / "nudge.db")
    cfg.people.managers = ["UMAN"]
    core = build_core(cfg, {"slack": SlackChatPort(web_client, triage_room=triage.id)},
                      clock=Clock(utc("2026-11-16 09:00")))
    ticket = Ticket(helpdesk="zendesk", id="1", ref="ZD-1", subject="card payments fail",
                    url="https://acme.zendesk.com/agent/tickets/1", priority="urgent",
                    organization="Acme")
    delivery = delivery_of(ticket, "inv-1", "slack", "Zendesk")
    assert await core.record(delivery)  # what the webhook's route does, then after its answer:
    assert (await finish(core, delivery)).status == "opened"
    assert core.deps.store.cases.by_ref("ZD-1").owner == "zendesk"
    await handle(core, "slack", "UMAN", "need ZD-1 payments")
    fired = await Scheduler(core.deps).tick(utc("2026-11-16 09:16"))
    assert fired == [f"nudge connect ZD-1 -> #{triage.id}"]
    later = await Scheduler(core.deps).tick(utc("2026-11-16 10:01"))
    assert not any("@zendesk" in line for line in later), later
    assert [c for c in fake_slack.calls if c.args.get("users") == "zendesk"] == []
    core.deps.store.close()
