"""Modals for the commands that need a form (open, handoff, resolve), and what they compose.

A modal only gathers words: on submit it composes the same command text a user could type
(`open ZD-1 sev2 customer="Acme" SSO broken`) and the core runs that. Form errors go back
to Slack as a view `errors` response keyed by block_id, so they show next to the field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from adapters.slack import ids
from bot.domain import CASE_REF

SKILL = re.compile(r"^[a-z0-9][a-z0-9_.+-]*$")
SEVERITIES = ("sev1", "sev2", "sev3", "sev4")


def _text_input(block_id: str, label: str, *, optional: bool = False, multiline: bool = False,
                max_length: int = 500, placeholder: str | None = None,
                initial: str | None = None) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=label),
        optional=optional,
        element=PlainTextInputElement(
            action_id=block_id, multiline=multiline, max_length=max_length,
            placeholder=PlainTextObject(text=placeholder) if placeholder else None,
            initial_value=initial or None),
    )


def _modal(callback_id: str, title: str, submit: str, blocks: list[InputBlock],
           meta: dict[str, str]) -> View:
    return View(type="modal", callback_id=callback_id, title=PlainTextObject(text=title),
                submit=PlainTextObject(text=submit), close=PlainTextObject(text="Cancel"),
                private_metadata=json.dumps(meta), blocks=blocks)


def open_view(channel_id: str | None, ref: str = "") -> View:
    severity = StaticSelectElement(
        action_id="severity",
        options=[Option(value=s, label=s) for s in SEVERITIES],
        initial_option=Option(value="sev3", label="sev3"))
    return _modal(ids.VIEW_OPEN, "Open a swarm", "Open", [
        _text_input("ref", "Case reference", max_length=40, placeholder="ZD-4711", initial=ref),
        InputBlock(block_id="severity", label=PlainTextObject(text="Severity"),
                   element=severity),
        _text_input("customer", "Customer", optional=True, max_length=200),
        _text_input("summary", "What is going on", multiline=True, max_length=500),
        _text_input("delight", "What would delight this customer", optional=True,
                    max_length=500),
        _text_input("skills", "Skills needed", optional=True, max_length=200,
                    placeholder="sso saml billing"),
    ], {"channel": channel_id or ""})


def handoff_view(ref: str, channel_id: str | None) -> View:
    return _modal(ids.VIEW_HANDOFF, f"Hand off {ref}"[:24], "Offer handoff", [
        InputBlock(block_id="receiver", label=PlainTextObject(text="Next owner"),
                   element=UserSelectElement(action_id="receiver")),
        _text_input("briefing", "Briefing for the next owner", multiline=True,
                    max_length=2000),
        _text_input("tried", "What was tried", optional=True, multiline=True,
                    max_length=1000),
    ], {"channel": channel_id or "", "ref": ref})


def resolve_view(ref: str, channel_id: str | None) -> View:
    return _modal(ids.VIEW_RESOLVE, f"Resolve {ref}"[:24], "Resolve", [
        _text_input("resolution", "Resolution", multiline=True, max_length=2000),
    ], {"channel": channel_id or "", "ref": ref})


def view_for(command: str, channel_id: str | None) -> View | None:
    """The form for a needs_input button's command ("handoff ZD-1", "resolve ZD-1", "open")."""
    words = command.split()
    if not words:
        return None
    verb, rest = words[0].lower(), words[1:]
    if verb == "open":
        return open_view(channel_id, rest[0] if rest else "")
    if verb == "handoff" and rest:
        return handoff_view(rest[0], channel_id)
    if verb == "resolve" and rest:
        return resolve_view(rest[0], channel_id)
    return None


# submissions -----------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    command: str | None  # None when there are errors
    errors: dict[str, str]
    channel_id: str | None
    ref: str | None


def state_values(view: dict[str, Any]) -> dict[str, str]:
    """view.state.values -> {block_id: text}, whatever the element type."""
    out: dict[str, str] = {}
    for block_id, actions in (view.get("state") or {}).get("values", {}).items():
        for element in actions.values():
            value = element.get("value")
            if value is None and element.get("selected_option"):
                value = element["selected_option"].get("value")
            if value is None:
                value = element.get("selected_user")
            out[block_id] = (value or "").strip()
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _quoted(text: str) -> str:
    # The command parser reads key="value"; a double quote inside would end the value early.
    return '"' + _one_line(text).replace('"', "'") + '"'


def submission(view: dict[str, Any], user_id: str, bot_user_id: str | None = None
               ) -> Submission:
    meta = json.loads(view.get("private_metadata") or "{}")
    channel, ref = meta.get("channel") or None, meta.get("ref") or None
    v = state_values(view)
    errors: dict[str, str] = {}
    callback = view.get("callback_id")
    command: str | None = None
    if callback == ids.VIEW_OPEN:
        ref = v.get("ref", "")
        if not CASE_REF.match(ref):
            errors["ref"] = "One word of letters, digits and - _ . # (at most 40), e.g. ZD-4711."
        if v.get("severity", "sev3") not in SEVERITIES:
            errors["severity"] = "Pick sev1 to sev4."
        if not v.get("summary"):
            errors["summary"] = "Say in a few words what is going on."
        skills = [s.lower() for s in re.split(r"[\s,]+", v.get("skills", "")) if s]
        bad = [s for s in skills if not SKILL.match(s)]
        if bad:
            errors["skills"] = f"Not a skill name: {', '.join(bad)} (use words like sso billing)"
        parts = ["open", ref, v.get("severity") or "sev3"]
        if v.get("customer"):
            parts.append(f"customer={_quoted(v['customer'])}")
        if v.get("delight"):
            parts.append(f"delight={_quoted(v['delight'])}")
        if skills:
            parts.append(f"skills={_quoted(' '.join(skills))}")
        parts.append(_one_line(v.get("summary", "")))
        command = " ".join(parts)
    elif callback == ids.VIEW_HANDOFF:
        receiver, briefing = v.get("receiver", ""), v.get("briefing", "")
        if not receiver:
            errors["receiver"] = "Pick the next owner."
        elif receiver == user_id:
            errors["receiver"] = "You already own this case: pick someone else."
        elif bot_user_id and receiver == bot_user_id:
            errors["receiver"] = "The bot cannot own a case: pick a person."
        if not briefing:
            errors["briefing"] = "A warm handoff needs a briefing."
        command = f"handoff {ref} <@{receiver}> {_one_line(briefing)}"
        if v.get("tried"):
            command += f" tried={_quoted(v['tried'])}"
    elif callback == ids.VIEW_RESOLVE:
        if not v.get("resolution"):
            errors["resolution"] = "Say how the case was resolved."
        command = f"resolve {ref} {_one_line(v.get('resolution', ''))}"
    else:
        errors["_"] = f"unknown form {callback}"
    return Submission(None if errors else command, errors, channel, ref)
