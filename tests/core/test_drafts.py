"""Drafts without a model (issue 30): built from the timeline, shown only to the person who
asked, never posted; a briefing sent from a draft says so, and whether it was edited."""

from __future__ import annotations

from bot.drafting.privacy import Placeholders
from bot.helpdesk import TicketLink
from handlers.delivery import Delivery, Sender, Submitted, Typed

ROOM_CASE = "ZD-4711"


async def _case(say, core, clock) -> str:  # noqa: ANN001
    await say("bob", "skills add sso")
    await say("alice", 'open ZD-4711 sev2 customer="Acme Corp" Acme cannot log in after SSO')
    case = core.deps.store.cases.by_ref(ROOM_CASE)
    room = case.room_id
    await say("alice", 'need sso tried="reset the IdP cert"', room)
    await say("bob", "join", room)
    await say("bob", "mood neutral first call", room)
    clock.advance(minutes=30)
    await say("bob", "touch identity checked the IdP metadata with the customer", room)
    await say("bob", "mood frustrated second day without access", room)
    await say("alice", "decide low extend the trial by a week because they lost two days",
              room)
    await say("alice", "promise in 2h call back with status", room)
    await say("alice", "promise in 3h send the root cause", room)
    return room


async def test_handoff_draft_is_shown_to_the_owner_alone_and_nothing_is_sent(
        say, core, port, clock) -> None:  # noqa: ANN001
    room = await _case(say, core, clock)
    sent_before = list(port.sent)
    replies = await say.replies("alice", "handoff @bob draft", room)
    assert len(replies) == 1 and replies[0].private
    draft = replies[0].text
    for fact in ("frustrated (second day without access)", "moved neutral → frustrated",
                 "reset the IdP cert", "call back with status", "send the root cause",
                 "extend the trial by a week", "checked the IdP metadata"):
        assert fact in draft, fact
    assert "Nothing was sent" in draft
    assert port.sent == sent_before  # no DM, no post: a draft is never sent
    assert core.deps.store.cases.pending_handoff(
        core.deps.store.cases.by_ref(ROOM_CASE).id) is None
    kept = core.deps.store.drafts.of_case(core.deps.store.cases.by_ref(ROOM_CASE).id)
    assert [(d.kind, d.model, d.asked_by) for d in kept] == [("handoff", "timeline", "alice")]
    # Only the owner drafts a handoff; the check comes before any drafting.
    refused = await say("bob", "handoff @alice draft", room)
    assert "owner" in refused and "Draft" not in refused


async def _submit(core, user: str, values: dict[str, str], context: dict[str, str]):  # noqa
    return await core.receive(Delivery(source="fake", sender=Sender(user), room=None,
                                       what=Submitted("handoff", values, context)))


async def test_the_handoff_form_opens_with_a_draft_and_the_offer_says_if_it_was_edited(
        say, core, port, clock) -> None:  # noqa: ANN001
    room = await _case(say, core, clock)
    opened = await core.receive(Delivery(source="fake", sender=Sender("alice"), room=room,
                                         what=Typed("handoff")))
    form = opened.form
    assert form is not None
    briefing = form.field("briefing")
    assert briefing is not None and "call back with status" in briefing.value
    assert form.context["draft_kind"] == "handoff" and form.context["drafted"]

    await _submit(core, "alice", {"to": "bob", "briefing": briefing.value}, form.context)
    offer = port.posts_to("bob")[-1]
    fields = {f.label: f.value for f in offer.fields}
    assert fields["Briefing drafted"] == "by the timeline, sent as drafted"

    await _submit(core, "alice", {"to": "bob", "briefing": briefing.value + " Call Ann."},
                  form.context)
    fields = {f.label: f.value for f in port.posts_to("bob")[-1].fields}
    assert fields["Briefing drafted"] == "by the timeline, edited"
    assert fields["Briefing"].endswith("Call Ann.")

    typed = await say("alice", "handoff @bob written by hand", room)
    assert "Offered" in typed
    fields = {f.label: f.value for f in port.posts_to("bob")[-1].fields}
    assert "Briefing drafted" not in fields


async def test_catchup_starts_with_a_summary_and_resolve_opens_with_a_draft(
        say, core, clock) -> None:  # noqa: ANN001
    room = await _case(say, core, clock)
    caught = (await say.replies("bob", "catchup", room))[0]
    first = caught.text.splitlines()[0]
    assert first.startswith("ZD-4711: Acme cannot log in after SSO.")
    assert "frustrated" in first and "2 open promises" in first and "new entr" in first
    assert caught.text.index(first) < caught.text.index("#")  # above the entries

    outcome = await core.receive(Delivery(source="fake", sender=Sender("alice"), room=room,
                                          what=Typed("resolve")))
    assert outcome.form is not None
    resolution = outcome.form.field("resolution")
    assert resolution is not None and "reset the IdP cert" in resolution.value


async def test_decide_answers_with_what_happened_last_time(say, core) -> None:  # noqa: ANN001
    outcomes = ["kept"] * 6 + ["lost"] * 3 + ["escalated"]
    moods = ["satisfied"] * 5 + ["frustrated"] * 4 + [None]
    for n, (result, mood) in enumerate(zip(outcomes, moods, strict=True), start=1):
        await say("alice", f"open ZD-{n} sev3 Refund case {n}")
        room = core.deps.store.cases.by_ref(f"ZD-{n}").room_id
        await say("alice", f"decide high refund the March invoice {n}", room)
        if mood:
            await say("alice", f"mood {mood}", room)
        await say("alice", f"outcome 1 {result}", room)
    # Not of that kind or risk: not counted.
    await say("alice", "open ZD-90 sev3 Other")
    room = core.deps.store.cases.by_ref("ZD-90").room_id
    await say("alice", "decide low refund the shipping", room)
    await say("alice", "outcome 1 lost", room)
    await say("alice", "decide high waive the fee", room)
    await say("alice", "outcome 2 lost", room)

    await say("alice", "open ZD-99 sev3 Another refund")
    room = core.deps.store.cases.by_ref("ZD-99").room_id
    out = await say("alice", "decide high Refund, the April invoice because of the outage",
                    room)
    assert ("What happened last time: 10 earlier high-risk refund decisions: 6 kept, 3 lost, "
            "1 escalated; customer mood at the outcome: 5 satisfied, 4 frustrated, "
            "1 no reading.") in out
    first = await say("alice", "decide medium credit the account", room)
    assert "No earlier medium-risk credit decision has an outcome yet." in first
    # The handoff draft names the open decisions' track record.
    await say("bob", "join", room)
    draft = await say("alice", "handoff @bob draft", room)
    assert "Before: 10 earlier high-risk refund decisions" in draft


async def test_placeholders_hide_names_emails_phones_and_put_them_back(
        say, core) -> None:  # noqa: ANN001
    await say("alice", 'open ZD-1 sev2 customer="Acme Corp" Acme is down')
    case = core.deps.store.cases.by_ref("ZD-1")
    p = Placeholders.of(case, TicketLink("zendesk", "1", "u", requester="Ann Smith",
                                                organization="Acme Europe"))
    text = ("Acme Corp (Ann Smith, ann.smith@acme.example, +49 30 1234567) said acme is down;"
            " ann called from 030-555-0199.")
    hidden = p.hide(text)
    for secret in ("Acme", "acme", "Ann Smith", "ann.smith@acme.example", "+49 30 1234567",
                   "030-555-0199"):
        assert secret not in hidden, (secret, hidden)
    assert "[CUSTOMER]" in hidden and "[REQUESTER]" in hidden and "[EMAIL]" in hidden
    assert p.hide("due 2026-12-06 13:19 UTC") == "due 2026-12-06 13:19 UTC"
    assert p.restore(hidden).startswith("Acme Corp (Ann Smith, ann.smith@acme.example, +49")
