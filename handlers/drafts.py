"""Drafts at the edge (issue 30): the assistant is asked on the event loop, never inside a
unit of work; what it drafts is only ever put in front of the person who asked.

    assisted(deps, ask)            the assistant's draft, or the timeline's with one line
                                   saying the assistant did not answer
    with_draft(form, field, d)     a form whose field holds a draft (and knows it did)
    assist_form(deps, ...)         a form built with the timeline's draft, redrafted by the
                                   assistant (Slack fills its open modal with the result)
    drafted_as(values, text)       on submit: was the text drafted, and edited?
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bot.drafting.assistant import PROMPT_VERSION, Ask
from bot.drafting.facts import TIMELINE_MODEL, TIMELINE_VERSION
from bot.drafting.port import AssistantUnavailable
from bot.drafting.service import LIMIT, Drafted, ask_for, fingerprint, record
from bot.drafting.service import not_answered as from_the_timeline
from bot.forms import Form
from bot.services.base import Deps

log = logging.getLogger("swarmbot.assistant")
InThread = Callable[..., Awaitable[Any]]
# The form field each kind of draft fills.
FIELDS = {"handoff": "briefing", "resolve": "resolution"}


async def assisted(deps: Deps, ask: Ask) -> Drafted:
    """Ask the assistant (its timeout, retries and token budget are the client's). Logged
    with who asked, which case, the tokens and the time: never the text."""
    assert deps.assistant is not None, "ask_for gives an Ask only with an assistant"
    started = time.monotonic()
    try:
        done = await deps.assistant.complete(ask.system, ask.user)
    except AssistantUnavailable as err:
        log.warning("assistant: %s draft for %s asked by %s: no answer after %d ms (%s)",
                    ask.kind, ask.case_ref, ask.asked_by, _ms(started), err)
        return Drafted(ask.fallback, TIMELINE_MODEL, TIMELINE_VERSION, note=from_the_timeline())
    log.info("assistant: %s draft for %s asked by %s: model %s, %d tokens in %d ms",
             ask.kind, ask.case_ref, ask.asked_by, done.model, done.tokens, _ms(started))
    text = ask.placeholders.restore(done.text).strip()[:LIMIT]
    if not text:
        return Drafted(ask.fallback, TIMELINE_MODEL, TIMELINE_VERSION, note=from_the_timeline())
    return Drafted(text, done.model, PROMPT_VERSION, done.tokens)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def with_draft(form: Form, kind: str, drafted: Drafted) -> Form:
    """`form` with its field for `kind` holding the draft; the form carries which draft it
    was (a fingerprint, the model) so the submit can say whether it was edited."""
    name = FIELDS[kind]
    fields = tuple(replace(f, value=drafted.text[:f.max_length]) if f.name == name else f
                   for f in form.fields)
    context = {**form.context, "draft_kind": kind, "drafted": fingerprint(drafted.text),
               "draft_model": drafted.model}
    return replace(form, fields=fields, context=context, note=drafted.note or form.note)


async def assist_form(deps: Deps, in_thread: InThread, form: Form,
                      asked_by: str) -> Form | None:
    """The assistant's draft in a form built with the timeline's; None when there is no
    assistant (or the case may not be sent): the form stays as it is. A slow or failing
    assistant gives the same form with one line saying so."""
    kind, ref = form.context.get("draft_kind", ""), form.context.get("ref", "")
    if deps.assistant is None or kind not in FIELDS or not ref or form.errors:
        return None
    ask = await in_thread(_ask_by_ref, deps, ref, kind, asked_by)
    if ask is None:
        return None
    drafted = await assisted(deps, ask)
    if drafted.note:
        return not_answered(form)
    await in_thread(record, deps, ask.case_id, kind, asked_by, drafted)
    return with_draft(form, kind, drafted)


def not_answered(form: Form) -> Form:
    """The form as it was (the timeline's draft), with the one line saying so."""
    return replace(form, note=from_the_timeline())


def _ask_by_ref(deps: Deps, ref: str, kind: str, asked_by: str) -> Ask | None:
    case = deps.store.cases.by_ref(ref)
    return ask_for(deps, case, kind, asked_by) if case is not None else None


def drafted_as(values: dict[str, str], text: str) -> str | None:
    """How a submitted text relates to the draft its form carried: None (no draft), or
    "by the timeline, edited" / "by the assistant (model), sent as drafted"."""
    mark, model = values.get("_drafted", ""), values.get("_draft_model", "")
    if not mark:
        return None
    by = "the timeline" if model in ("", TIMELINE_MODEL) else f"the assistant ({model})"
    return f"by {by}, " + ("sent as drafted" if fingerprint(text) == mark else "edited")
