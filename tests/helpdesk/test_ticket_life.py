"""The ticket's whole life (issue 25): cancel, reopen, severity and customer changes and
resolve written back to Zendesk and Jira, statuses set as configured per helpdesk, each
exactly once under 20% faults; a ticket tagged again after its swarm closed reopens it; the
requester's time zone becomes the customer's clock.

Figures are printed (-s); more seeds:
    SWARMBOT_FAULT_SEEDS=1,2,3 .venv/bin/python -m pytest -s tests/helpdesk/test_ticket_life.py
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter

import pytest

from testkit.loopback import until
from tests.helpdesk.conftest import (
    JIRA_SECRET,
    accepted,
    body_of,
    hook_headers,
    opened,
    quiet,
    settle,
    worked,
    zendesk_headers,
)
from tests.helpdesk.fake_callback import FakeCallback
from tests.helpdesk.fake_jira import FakeJira
from tests.helpdesk.fake_zendesk import FakeZendesk
from tests.slack.harness import SlackHarness

TICKETS = 8  # per helpdesk
SEEDS = [int(s) for s in os.environ.get("SWARMBOT_FAULT_SEEDS", "1").split(",")]
KINDS = ("Swarm opened", "Severity changed", "Customer changed", "Swarm cancelled",
         "Swarm reopened", "Swarm resolved")
JIRA_HEADERS = {"Content-Type": "application/json", "X-Swarmbot-Secret": JIRA_SECRET}


@pytest.fixture
def slack_config(slack_config):
    slack_config.outbox.max_tries = 3  # some give up under the faults: told, then `retry`
    zd, jira, hook = (slack_config.helpdesk.zendesk, slack_config.helpdesk.jira,
                      slack_config.helpdesk.webhook)
    zd.resolve_status, zd.cancel_status, zd.reopen_status = "solved", "pending", "open"
    jira.resolve_status, jira.cancel_status = "Resolve this issue", "Canceled"
    jira.reopen_status = "Reopen"  # a transition's name, or the status it leads to
    hook.resolve_status = "solved"
    return slack_config


def kinds_of(notes: list[str]) -> Counter[str]:
    return Counter(next((k for k in KINDS if n.startswith(k)), n[:30]) for n in notes)


def seed(zendesk: FakeZendesk, jira: FakeJira) -> None:
    zendesk.add_user(7, "Rita", "rita@customer.test", role="end-user")
    zendesk.add_user(501, "Alice Agent", "alice@acme.test")
    jira.add_user("acc-alice", "Alice", "alice@acme.test")


async def life(bot: SlackHarness, path: str, body: bytes, headers: dict[str, str],
               ref: str) -> None:
    """Opened by webhook, severity and customer changed, cancelled, reopened, resolved."""
    await accepted(bot, await bot.client.post(path, data=body, headers=headers), ref)
    await until(lambda: (c := bot.store.cases.by_ref(ref)) is not None and bool(c.room_id),
                f"{ref}'s room", 60)
    for text in ("set severity sev1", "set customer Acme EU", "cancel a duplicate",
                 "reopen the customer wrote back", "resolve fixed for good"):
        await bot.command(f"{ref} {text}", "UALICE")
    assert not bot.store.cases.by_ref(ref).is_open, bot.fake.responses[-3:]


@pytest.mark.parametrize("seed_no", SEEDS)
async def test_cancel_reopen_resolve_change_each_ticket_once_under_faults(
        seed_no: int, bot: SlackHarness, zendesk: FakeZendesk,
        jira: tuple[FakeJira, str]) -> None:
    fake_jira, jira_url = jira
    seed(zendesk, fake_jira)
    lives = []
    for i in range(1, TICKETS + 1):
        zendesk.add_ticket(2000 + i, f"ticket {i}", requester=7, org="Acme", assignee=501,
                           priority="high")
        fake_jira.add_issue(f"SUP-{i}", f"issue {i}", "Rita", "Acme", "acc-alice")
        zd = body_of(ticket_id=str(2000 + i), subject=f"Acme ticket {i}", priority="high",
                     requester="Rita", organization="Acme", assignee_email="alice@acme.test",
                     url=f"{zendesk.base_url}/agent/tickets/{2000 + i}")
        lives.append(("/helpdesk/zendesk", zd, zendesk_headers(zd, invocation=f"inv-{i}"),
                      f"ZD-{2000 + i}"))
        ji = body_of(ticket_id=f"SUP-{i}", subject=f"Acme issue {i}", priority="High",
                     requester="Rita", organization="Acme", assignee_email="alice@acme.test",
                     url=f"{jira_url}/browse/SUP-{i}")
        lives.append(("/helpdesk/jira", ji, JIRA_HEADERS, f"SUP-{i}"))
    fakes = {"zendesk": zendesk.faults, "jira": fake_jira.faults}
    for faults in fakes.values():
        faults.rng.seed(seed_no)
        faults.rate = 0.2
    gate = asyncio.Semaphore(4)

    async def one(args: tuple) -> None:
        async with gate:
            await life(bot, *args)
    started = time.monotonic()
    await asyncio.gather(*(one(args) for args in lives))
    for faults in fakes.values():
        faults.rate = 0.0
    store = bot.runtime.dispatcher.entrance.deps.store
    await quiet(bot)  # what is left waits for `retry` (behind a write-back that gave up)
    retried = []
    for case in store.cases.all():
        if any(i.kind == "helpdesk" for i in store.outbox.failed(case.id)):
            told = [m for m in bot.fake.messages if m["channel"] == "DUALICE"
                    and "Couldn't write to ticket" in m["text"] and case.ref in m["text"]]
            told += [r for r in bot.fake.responses if "Couldn't write to ticket" in str(r)
                     and case.ref in str(r)]
            assert told, f"{case.ref}: a write-back gave up and its owner was not told"
            retried.append(case.ref)
            await bot.command(f"retry {case.ref}", "UALICE")
    counts = await settle(bot)
    assert store.helpdesk.pending_writes() == []
    assert counts.get("failed", 0) == 0, counts

    wrong = []
    for i in range(1, TICKETS + 1):
        tid, key = 2000 + i, f"SUP-{i}"
        if kinds_of(zendesk.notes(tid)) != Counter(KINDS):
            wrong.append(f"ZD-{tid} notes {zendesk.notes(tid)}")
        if zendesk.statuses[tid] != ["pending", "open", "solved"]:
            wrong.append(f"ZD-{tid} statuses {zendesk.statuses[tid]}")
        if zendesk.priorities[tid] != ["urgent"]:
            wrong.append(f"ZD-{tid} priorities {zendesk.priorities[tid]}")
        if kinds_of(fake_jira.internal(key)) != Counter(KINDS):
            wrong.append(f"{key} notes {fake_jira.internal(key)}")
        if fake_jira.moves[key] != ["Canceled", "Open", "Resolved"]:
            wrong.append(f"{key} transitions {fake_jira.moves[key]}")
        if fake_jira.priorities[key] != ["Highest"]:
            wrong.append(f"{key} priorities {fake_jira.priorities[key]}")
    calls = {name: f.calls for name, f in fakes.items()}
    print(f"\nseed {seed_no}: {2 * TICKETS} tickets' lives in {time.monotonic() - started:.1f}s;"
          f" helpdesk calls {calls}; faulted {[dict(f.injected) for f in fakes.values()]};"
          f" gave up then retried {sorted(retried)}; outbox {counts}")
    assert wrong == [], wrong
    assert all(f.faulted >= 0.1 * f.calls for f in fakes.values())
    assert all(len(f.injected) == 4 for f in fakes.values())  # 429, 500, both drops
    note = zendesk.notes(2001)
    assert any("Severity changed by UALICE: sev2 -> sev1." in n for n in note), note
    assert any('Customer changed by UALICE: Acme -> Acme EU.' in n for n in note), note
    assert any("Swarm reopened by UALICE: the customer wrote back" in n and
               "app_redirect?channel=" in n for n in note), note


async def test_a_ticket_tagged_again_reopens_its_closed_swarm(
        bot: SlackHarness, zendesk: FakeZendesk) -> None:
    seed(zendesk, FakeJira())
    zendesk.add_ticket(123, "SSO broken", requester=7, org="Acme", assignee=501)
    body = body_of(ticket_id="123", subject="SSO broken", priority="high", requester="Rita",
                   organization="Acme", assignee_email="alice@acme.test",
                   url=f"{zendesk.base_url}/agent/tickets/123")
    case = await opened(bot, await bot.client.post(
        "/helpdesk/zendesk", data=body, headers=zendesk_headers(body)), "ZD-123")
    first_room = case.room_id
    await bot.command("resolve SSO fixed", "UALICE", channel=first_room)
    await settle(bot)
    assert zendesk.statuses[123] == ["solved"]
    again = await bot.client.post("/helpdesk/zendesk", data=body,
                                  headers=zendesk_headers(body, invocation="inv-2"))
    await accepted(bot, again, "ZD-123")
    await worked(bot)
    await until(lambda: (c := bot.store.cases.by_ref("ZD-123")).is_open and bool(c.room_id)
                and c.room_id != first_room, "the swarm reopened in a new room", 30)
    await settle(bot)
    reopened = bot.store.cases.by_ref("ZD-123")
    assert reopened.id == case.id and reopened.owner == "UALICE"
    events = [e for e in bot.store.timeline.events(case.id) if e.kind == "reopened"]
    assert len(events) == 1 and "Zendesk asked for a swarm on ZD-123 again" in events[0].text
    assert zendesk.statuses[123] == ["solved", "open"]
    assert kinds_of(zendesk.notes(123)) == Counter(
        {"Swarm opened": 1, "Swarm resolved": 1, "Swarm reopened": 1})
    told = [m["text"] for m in bot.fake.messages if m["channel"] == reopened.room_id]
    assert any("Its ticket (Zendesk) reopened ZD-123" in t for t in told), told
    # The same delivery again does nothing twice; an open swarm is still `exists`.
    await bot.client.post("/helpdesk/zendesk", data=body,
                          headers=zendesk_headers(body, invocation="inv-2"))
    third = await bot.client.post("/helpdesk/zendesk", data=body,
                                  headers=zendesk_headers(body, invocation="inv-3"))
    await accepted(bot, third, "ZD-123")
    await worked(bot)
    await settle(bot)
    assert len([e for e in bot.store.timeline.events(case.id) if e.kind == "reopened"]) == 1
    assert zendesk.statuses[123] == ["solved", "open"]


async def test_the_requesters_time_zone_is_the_customers_clock(
        bot: SlackHarness, zendesk: FakeZendesk, callback: tuple[FakeCallback, str]) -> None:
    fake_cb, cb_url = callback
    body = body_of(ticket_id="SF-9", subject="Invoices missing", requester="Bruce",
                   requester_tz="Australia/Sydney", assignee_email="alice@acme.test",
                   callback_url=cb_url)
    case = await opened(bot, await bot.client.post("/helpdesk/webhook", data=body,
                                                   headers=hook_headers(body)), "SF-9")
    assert case.customer_tz == "Australia/Sydney"
    odd = body_of(ticket_id="SF-10", subject="x", requester="Bo", requester_tz="Mars/Base",
                  assignee_email="alice@acme.test", callback_url=cb_url)
    case = await opened(bot, await bot.client.post("/helpdesk/webhook", data=odd,
                                                   headers=hook_headers(odd)), "SF-10")
    assert not case.customer_tz  # a zone nobody knows is left out, the ticket still opens
    # Fetched from Zendesk: the requester's iana_time_zone.
    zendesk.add_user(8, "Kiri", "kiri@customer.test", role="end-user")
    zendesk.users[8]["iana_time_zone"] = "Pacific/Auckland"
    zendesk.add_user(501, "Alice Agent", "alice@acme.test")
    zendesk.add_ticket(77, "Portal down", requester=8, assignee=501)
    await bot.command("open ZD-77", "UALICE")
    assert bot.store.cases.by_ref("ZD-77").customer_tz == "Pacific/Auckland"
    # The generic webhook's resolve sends its configured status as an event, once.
    await bot.command("SF-9 resolve invoices re-sent", "UALICE")
    await settle(bot)
    statuses = [e for e in fake_cb.of("SF-9") if e["event"] == "status"]
    assert [e["status"] for e in statuses] == ["solved"], fake_cb.of("SF-9")


async def test_a_jira_transition_not_offered_is_told_to_the_owner_once(
        bot: SlackHarness, jira: tuple[FakeJira, str]) -> None:
    fake, url = jira
    seed(FakeZendesk(), fake)
    fake.add_issue("SUP-40", "Export slow", "Rita", "Acme", "acc-alice")
    bot.runtime.dispatcher.entrance.deps.config.helpdesk.jira.resolve_status = "Close"
    body = body_of(ticket_id="SUP-40", subject="Export slow", priority="High",
                   requester="Rita", assignee_email="alice@acme.test", url=f"{url}/browse/SUP-40")
    case = await opened(bot, await bot.client.post("/helpdesk/jira", data=body,
                                                   headers=JIRA_HEADERS), "SUP-40")
    await bot.command("resolve export index rebuilt", "UALICE", channel=case.room_id)
    await settle(bot)
    told = [m["text"] for m in bot.fake.messages if m["channel"] == "DUALICE"] + [
        str(r) for r in bot.fake.responses]
    line = ("Couldn't write to ticket SUP-40 in jira: no transition 'Close' is offered from "
            "its status (offered: Resolve this issue, Cancel request)")
    assert any(line in t for t in told), told
    assert fake.moves["SUP-40"] == []
    assert kinds_of(fake.internal("SUP-40")) == Counter({"Swarm opened": 1,
                                                         "Swarm resolved": 1})
