"""An assistant behind any OpenAI-compatible endpoint (issue 30), against a loopback fake that
records each request: the real `openai` client, the real store, the fake chat port."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from adapters.bootstrap import build_core
from bot.config import Config
from bot.drafting.service import NOT_ANSWERED
from bot.helpdesk import TicketLink
from handlers.delivery import Delivery, Sender, Submitted, Typed
from handlers.entrance import Entrance
from testkit.fake_openai import FakeOpenAI
from testkit.fake_port import FakeChatPort
from tests.conftest import Clock, Say

SECRETS = ("Acme", "acme", "Ann Smith", "ann.smith@acme.example", "+49 30 1234567",
           "030-555-0199")


def _answer(body: dict) -> str:  # type: ignore[type-arg]
    return ("Hand over [CUSTOMER]: call [REQUESTER] on [PHONE] or write to [EMAIL]; "
            "tried the IdP cert reset.")


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    f = FakeOpenAI(answer=_answer)
    f.base = await f.start()  # type: ignore[attr-defined]
    yield f
    await f.stop()


@pytest.fixture
def assisted(config: Config, fake: FakeOpenAI, port: FakeChatPort, clock: Clock,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[Entrance]:
    monkeypatch.setenv("SWARMBOT_ASSISTANT_KEY", "sk-test-key")
    config.assistant.url = fake.base  # type: ignore[attr-defined]
    config.assistant.model = "fake-model"
    config.assistant.timeout = 0.5
    config.assistant.retries = 0
    c = build_core(config, {"fake": port}, clock=clock)
    yield c
    c.close()


async def _case(core: Entrance) -> str:
    say = Say(core)
    await say("bob", "skills add sso")
    await say("alice", 'open ZD-4711 sev2 customer="Acme Corp" Acme cannot log in after SSO')
    case = core.deps.store.cases.by_ref("ZD-4711")
    assert case is not None and case.room_id
    room = case.room_id
    with core.deps.store.transaction():
        core.deps.store.helpdesk.link(case.id, TicketLink(
            "zendesk", "4711", "https://acme.zendesk.example/4711", requester="Ann Smith",
            organization="Acme Europe"), "2026-11-16T09:00:00Z")
    await say("alice", 'need sso tried="reset the IdP cert"', room)
    await say("bob", "join", room)
    await say("bob", "note Ann Smith asks to reach her at ann.smith@acme.example or "
                     "+49 30 1234567; Acme's desk is 030-555-0199", room)
    await say("bob", "mood frustrated second day without access", room)
    await say("alice", "promise in 2h call back with status", room)
    return room


def _hidden(fake: FakeOpenAI) -> None:
    assert fake.requests
    for req in fake.requests:
        for secret in SECRETS:
            assert secret not in req.text, (secret, req.text)


async def test_the_form_gets_the_assistants_draft_with_the_real_names_back(
        assisted: Entrance, fake: FakeOpenAI, port: FakeChatPort,
        caplog: pytest.LogCaptureFixture) -> None:
    room = await _case(assisted)
    ask = Delivery(source="fake", sender=Sender("alice"), room=room, what=Typed("handoff"))
    opened = await assisted.receive(ask)
    assert opened.form is not None and fake.requests == []  # opened without waiting
    caplog.set_level(logging.INFO, logger="swarmbot.assistant")
    form = await assisted.assist_form(opened.form, ask)
    assert form is not None and not form.note
    _hidden(fake)
    sent = fake.requests[0]
    assert sent.body["model"] == "fake-model" and sent.body["max_tokens"] == 400
    assert sent.headers["Authorization"] == "Bearer sk-test-key"
    assert "[CUSTOMER]" in sent.text and "[EMAIL]" in sent.text and "[PHONE]" in sent.text
    briefing = form.field("briefing")
    assert briefing is not None
    assert briefing.value == ("Hand over Acme Corp: call Ann Smith on +49 30 1234567 or write "
                              "to ann.smith@acme.example; tried the IdP cert reset.")
    # Logged with who, which case, tokens and time; never the text.
    logged = [r.getMessage() for r in caplog.records if r.name == "swarmbot.assistant"]
    assert len(logged) == 1 and "ZD-4711" in logged[0] and "alice" in logged[0]
    assert "120 tokens" in logged[0] and " ms" in logged[0]
    assert "Hand over" not in logged[0] and "IdP" not in logged[0]
    store = assisted.deps.store
    case_id = store.cases.by_ref("ZD-4711").id  # type: ignore[union-attr]
    [kept] = store.drafts.of_case(case_id)
    assert (kept.model, kept.prompt_version, kept.tokens, kept.asked_by) == (
        "fake-model", "drafts-1", 120, "alice")

    await assisted.receive(Delivery(source="fake", sender=Sender("alice"), what=Submitted(
        "handoff", {"to": "bob", "briefing": briefing.value}, dict(form.context))))
    fields = {f.label: f.value for f in port.posts_to("bob")[-1].fields}
    assert fields["Briefing drafted"] == "by the assistant (fake-model), sent as drafted"


async def test_typed_draft_and_catchup_summary_come_from_the_assistant(
        assisted: Entrance, fake: FakeOpenAI, port: FakeChatPort) -> None:
    room = await _case(assisted)
    say = Say(assisted)
    sent_before = list(port.sent)
    [draft] = await say.replies("alice", "handoff @bob draft", room)
    assert draft.private and "by the assistant (fake-model)" in (draft.title or "")
    assert "call Ann Smith on +49 30 1234567" in draft.text
    assert port.sent == sent_before
    caught = await say("bob", "catchup", room)
    assert "Summary by the assistant (fake-model): Hand over Acme Corp" in caught
    assert len(fake.requests) == 2
    _hidden(fake)


@pytest.mark.parametrize("mode", ["slow", "fail"])
async def test_a_slow_or_failing_assistant_leaves_the_timeline_draft_and_one_line(
        assisted: Entrance, fake: FakeOpenAI, port: FakeChatPort, mode: str) -> None:
    room = await _case(assisted)
    fake.mode = mode  # slow: 10 s, against a 0.5 s timeout; fail: HTTP 500
    ask = Delivery(source="fake", sender=Sender("alice"), room=room, what=Typed("handoff"))
    opened = await assisted.receive(ask)
    assert opened.form is not None
    started = time.monotonic()
    form = await assisted.assist_form(opened.form, ask)
    assert time.monotonic() - started < 5
    assert form is not None and form.note == NOT_ANSWERED
    assert form.field("briefing") == opened.form.field("briefing")  # the timeline's draft
    assert "call back with status" in form.field("briefing").value  # type: ignore[union-attr]

    sent_before = list(port.sent)
    [draft] = await Say(assisted).replies("alice", "handoff @bob draft", room)
    assert draft.text.splitlines()[0] == NOT_ANSWERED
    assert "frustrated (second day without access)" in draft.text
    assert "by the timeline" in (draft.title or "")
    assert port.sent == sent_before
    case_id = assisted.deps.store.cases.by_ref("ZD-4711").id  # type: ignore[union-attr]
    assert [d.model for d in assisted.deps.store.drafts.of_case(case_id)] == ["timeline"]


async def test_retries_are_the_clients_and_counted_per_draft(
        assisted: Entrance, fake: FakeOpenAI) -> None:
    room = await _case(assisted)
    assisted.deps.config.assistant.retries = 1
    from adapters.bootstrap import build_assistant

    assisted.deps.assistant = build_assistant(assisted.deps.config,
                                              {"SWARMBOT_ASSISTANT_KEY": "k"})
    fake.mode = "fail"
    [draft] = await Say(assisted).replies("alice", "handoff @bob draft", room)
    assert NOT_ANSWERED in draft.text
    assert len(fake.requests) == 2  # the first try and one retry


def test_a_broken_assistant_section_is_one_line_each() -> None:
    from adapters.checks import config_problems

    config = Config()
    config.assistant.url = "127.0.0.1:11434"
    config.assistant.timeout = 0
    problems = config_problems(config, "shell", {})
    assert [p for p in problems if p.startswith("[assistant]")] == [
        "[assistant] url '127.0.0.1:11434' is not an http(s) URL: give the endpoint's base, "
        "e.g. http://127.0.0.1:11434/v1",
        "[assistant] model is missing: name the model the endpoint serves",
        "[assistant] timeout 0 must be more than 0 seconds"]
    config.assistant.url = ""
    assert not [p for p in config_problems(config, "shell", {}) if "[assistant]" in p]


async def test_a_platform_deadline_shorter_than_the_clients_timeout_still_opens_the_form(
        assisted: Entrance, fake: FakeOpenAI) -> None:
    room = await _case(assisted)
    assisted.deps.config.assistant.timeout = 30  # the client would wait; Teams cannot
    from adapters.bootstrap import build_assistant

    assisted.deps.assistant = build_assistant(assisted.deps.config, {})
    fake.mode = "slow"
    ask = Delivery(source="fake", sender=Sender("alice"), room=room, what=Typed("handoff"))
    opened = await assisted.receive(ask)
    assert opened.form is not None
    started = time.monotonic()
    form = await assisted.assist_form(opened.form, ask, within=0.3)
    assert time.monotonic() - started < 3
    assert form is not None and form.note == NOT_ANSWERED
    assert form.field("briefing") == opened.form.field("briefing")
    assert "Authorization" not in fake.requests[0].headers  # no key: none sent


async def test_send_customer_data_true_sends_the_text_as_it_is(
        assisted: Entrance, fake: FakeOpenAI) -> None:
    room = await _case(assisted)
    assisted.deps.config.assistant.send_customer_data = True
    await Say(assisted).replies("alice", "handoff @bob draft", room)
    [sent] = fake.requests
    assert "Acme Corp" in sent.text and "ann.smith@acme.example" in sent.text
    assert "[CUSTOMER]" not in sent.text


async def test_a_confidential_case_is_never_sent_its_drafts_come_from_the_timeline(
        assisted: Entrance, fake: FakeOpenAI) -> None:
    room = await _case(assisted)
    say = Say(assisted)
    await say("alice", "set visibility private", room)
    assert assisted.deps.store.cases.by_ref("ZD-4711").confidential  # type: ignore[union-attr]
    [draft] = await say.replies("alice", "handoff @bob draft", room)
    assert draft.private and "by the assistant" not in (draft.title or "")
    assert "frustrated" in draft.text  # the timeline's own draft: the last mood
    caught = await say("bob", "catchup", room)
    assert "Summary by the assistant" not in caught
    assert fake.requests == []  # nothing at all left for the assistant
