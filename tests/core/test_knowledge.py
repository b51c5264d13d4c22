"""What the team already knows (issue 13), through the command layer on a real SQLite file:
similar cases where people look, find, history, the joiner's catch-up, the journey map and
friction for the front line."""

from __future__ import annotations

from tests.conftest import Clock, Say


def _text(reply) -> str:  # noqa: ANN001
    return " | ".join([reply.title or "", reply.text]
                      + [f"{f.label}: {f.value}" for f in reply.fields])


async def _solved(say: Say, core, clock: Clock, ref: str, summary: str,  # noqa: ANN001
                  resolution: str, helper: str | None = None) -> None:
    await say("alice", f"open {ref} {summary}")
    if helper:
        await say(helper, f"join {ref}")
    await say("alice", f"resolve {ref} {resolution}")
    clock.advance(days=1)


async def test_similar_resolved_cases_in_the_brief_need_offer_and_on_demand(
        say: Say, core, port, clock: Clock) -> None:  # noqa: ANN001
    await _solved(say, core, clock, "ZD-1", "VPN drops every ten minutes",
                  "raised the tunnel timeout", helper="nils")
    await _solved(say, core, clock, "ZD-2", "invoice shows the wrong VAT number",
                  "corrected the invoice")
    # a resolved case of another platform matches as well, and must never be shown here
    store = core.deps.store
    store.people.ensure("tom", "teams", "Tom", None, "2026-11-16T09:00:00Z")
    other = store.cases.add("T-9", "", "VPN drops every ten minutes", 2, "tom", "teams",
                            "2026-11-16T09:00:00Z")
    store.cases.resolve(other, "secret teams fix", "2026-11-16T10:00:00Z")
    clock.advance(days=20)

    await say("alice", "open ZD-3 VPN drops again since Monday")
    room = store.cases.by_ref("ZD-3").room_id
    brief = _text(port.posts_to(room)[0])
    assert "Solved before: ZD-1 (resolved 3 weeks ago): VPN drops every ten minutes → " \
           "raised the tunnel timeout · helped: " in brief and "nils" in brief
    assert "raised the tunnel timeout" in brief and "ZD-2" not in brief and "T-9" not in brief

    out = await say("alice", 'need vpn tried="restarted the client"', room)
    assert "Solved before" in out and "ZD-1" in out and "T-9" not in out
    assert "ZD-1" in _text(port.posts_to("triage")[-1])

    await say("alice", "handoff @bob taking over EU hours", room)
    offer = [s.reply for s in port.sent if s.action == "dm" and s.target == "bob"][-1]
    assert "Solved before" in _text(offer) and "ZD-1" in _text(offer)

    out = await say("zed", "similar ZD-3")
    assert "ZD-1" in out and "<@nils>" in out and "ZD-2" not in out and "T-9" not in out
    assert "No resolved case like ZD-2" in await say("zed", "similar ZD-2")
    assert "takes no words" in await say("zed", "similar ZD-3 extra words")


async def test_find_ranks_filters_and_pages(say: Say, core, clock: Clock) -> None:  # noqa: ANN001
    for i in range(12):
        await say("alice", f'open ZD-{i} customer="{"Acme" if i % 2 else "Globex"}" '
                           f'webhooks time out {"from the data centre" if i == 5 else ""}')
    await say("alice", 'need ZD-4 networking tried="raised the webhook timeout"')
    await say("alice", "resolve ZD-3 moved the webhook endpoint")
    out = await say("zed", "find webhooks")
    assert "(page 1)" in out and "1. ZD-" in out and "10. ZD-" in out and "11." not in out
    assert "find webhooks page=2" in out
    page2 = await say("zed", "find webhooks page=2")
    assert "11. ZD-" in page2 and "12. ZD-" in page2 and "More" not in page2
    assert (await say("zed", "find data centre webhooks")).count("ZD-") == 1
    found = await say("zed", 'find webhooks customer="acme" status=resolved')
    assert "ZD-3" in found and "resolved today" in found and found.count("ZD-") == 1
    assert "ZD-4" in await say("zed", "find timeout skill=networking")
    assert "No case matches" in await say("zed", "find kangaroo")
    assert "is not a status" in await say("zed", "find webhooks status=closed")
    assert "Give words to look for" in await say("zed", "find the and of")
    assert "say what to look for" in await say("zed", "find")
    assert "not a page number" in await say("zed", "find webhooks page=0")


async def test_history_pages_through_every_entry_and_marks_only_what_it_showed(
        say: Say, core) -> None:  # noqa: ANN001
    await say("alice", "open ZD-1 login loop")
    for i in range(24):
        await say("alice", f"note ZD-1 step {i:02d}")
    out = await say("bob", "history ZD-1")
    assert "page 1 of 2 (25 entries)" in out and "step 18" in out and "step 19" not in out
    assert "history ZD-1 2" in out
    case = core.deps.store.cases.by_ref("ZD-1")
    events = core.deps.store.timeline.events(case.id)
    assert core.deps.store.timeline.last_seen(case.id, "bob") == events[19].id
    out = await say("carol", "history ZD-1 2")  # skipping page 1 marks nothing seen
    assert "step 23" in out and "Next" not in out
    assert core.deps.store.timeline.last_seen(case.id, "carol") == 0
    assert "has 2 pages of history" in await say("bob", "history ZD-1 3")
    assert "not a page number" in await say("bob", "history ZD-1 x")


async def test_a_joiner_gets_the_case_as_it_stands_then_the_story_in_order(
        say: Say, core, clock: Clock) -> None:  # noqa: ANN001
    await say("alice", 'open ZD-1 customer="Acme" SSO login loop')
    await say("alice", 'need ZD-1 sso tried="reset the IdP cert"')
    await say("alice", "promise ZD-1 in 2h call back with the fix")
    await say("alice", "touch ZD-1 support called the customer")
    for i in range(20):
        await say("alice", f"note ZD-1 step {i:02d}")
    out = await say("bob", "join ZD-1")
    assert "Already tried: reset the IdP cert" in out
    assert "Open promises: #1 by" in out and "call back with the fix" in out
    assert "Last customer contact:" in out and "support: called the customer" in out
    assert "opened sev3: SSO login loop" in out  # the story starts at the beginning
    assert "step 10" in out and "step 11" not in out
    assert "… and 10 newer entries" in out
    again = await say("bob", "catchup ZD-1")  # what was not shown is not marked seen
    assert "Nothing new" not in again and "step 11" in again and "step 19" in again
    assert "opened sev3" not in again and "15 earlier entries you had seen" in again
    assert "Nothing new" in await say("bob", "catchup ZD-1")


async def test_journey_is_a_map_by_function_in_the_order_met(
        say: Say, core, clock: Clock) -> None:  # noqa: ANN001
    await say("alice", "open ZD-1 charged twice")
    await say("alice", "mood ZD-1 angry threatening to cancel")
    clock.advance(minutes=1)
    await say("alice", "touch ZD-1 support zz called the customer")
    await say("alice", "touch ZD-1 support aa confirmed the impact")  # same second, later
    clock.advance(minutes=30)
    await say("alice", "touch ZD-1 billing issued a credit note")
    await say("alice", "mood ZD-1 satisfied")
    clock.advance(hours=2)
    await say("alice", "touch ZD-1 support emailed the credit note")
    clock.advance(minutes=15)
    await say("alice", "resolve ZD-1 credited")
    out = await say("alice", "journey ZD-1")
    assert "Mood on the way: angry → satisfied" in out
    assert "before any touchpoint" in out
    assert "1. support · 45m · 3 touchpoints" in out  # 30m, then 15m after billing
    assert "2. billing · 2h 00m · 1 touchpoint" in out
    assert out.index("zz called") < out.index("aa confirmed")  # recorded order, not text
    assert out.index("1. support") < out.index("2. billing")


async def test_friction_top_for_everyone_and_reviews_told_to_reporters(
        say: Say, core, port, clock: Clock) -> None:  # noqa: ANN001
    await say("bob", "friction refund approvals: three approvals for 20 EUR")
    await say("cy", "friction cheque payments: no company cheques")
    clock.advance(days=1)
    await say("cy", "friction Refund approvals: nobody can approve after 17:00")
    out = await say("zed", "friction top")
    assert "1. refund approvals: 2 reports by 2 people" in out
    assert "“nobody can approve after 17:00”" in out
    assert "2. cheque payments: 1 report by 1 person" in out
    clock.advance(weeks=5)
    assert "No friction reported in the last 4 weeks" in await say("zed", "friction top")
    assert "refund approvals" in await say("zed", "friction top 6")
    assert "at most 52 weeks" in await say("zed", "friction top 60")
    assert "Only a manager" in await say("bob", "friction reviewed refund approvals: done")
    out = await say("manny", "friction reviewed refund approvals: one approval under 50 EUR")
    assert "Marked refund approvals reviewed. Told <@bob>, <@cy>." in out
    dms = [s.reply.text for s in port.sent if s.action == "dm" and s.target in ("bob", "cy")]
    assert len(dms) == 2 and all("one approval under 50 EUR" in d for d in dms)
    assert "reviewed" in await say("zed", "friction top 8")
    assert "Nobody has reported friction on `parking`" in await say(
        "manny", "friction reviewed parking: fixed")
    assert "Friction reported on" in await say("bob", "friction top floor: lift broken")

