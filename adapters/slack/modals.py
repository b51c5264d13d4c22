"""Forms as Slack modals, and modal submissions back as field values.

A modal renders a neutral `bot.forms.Form` (one input block per field, block_id = the field
name) and carries the form's command and context in `private_metadata`. On submit the values
go back to the core as they are (`Submitted`): no command text is composed, so nothing a
user typed in a field can change how the rest is read. Field errors come back from the core
keyed by field name, which is the block_id Slack's `response_action: errors` wants.
"""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from adapters.slack import ids
from adapters.slack.text import clip
from bot.forms import FieldKind, Form, FormField
from bot.i18n import _
from handlers.delivery import Submitted

TITLE = 24  # Slack's limit for a modal's title and its buttons
LABEL = 2000
PLACEHOLDER = 150
METADATA = 3000


def _element(f: FormField) -> Any:
    if f.kind is FieldKind.CHOICE:
        options = [Option(value=c.value, label=clip(c.label, 75)) for c in f.choices]
        initial = next((o for o in options if o.value == f.value), None)
        return StaticSelectElement(action_id=f.name, options=options, initial_option=initial)
    if f.kind is FieldKind.PERSON:
        # Slack's own picker: anyone in the workspace (the form's choices are a hint only).
        return UserSelectElement(action_id=f.name, initial_user=f.value or None)
    return PlainTextInputElement(
        action_id=f.name, multiline=f.kind is FieldKind.LONG_TEXT, max_length=f.max_length,
        placeholder=PlainTextObject(text=clip(f.hint, PLACEHOLDER)) if f.hint else None,
        initial_value=f.value or None)


# The field a form's draft fills (handlers/drafts.py); its block_id changes when the view is
# updated with the assistant's draft, as Slack keeps an input's old value under the same id.
_DRAFTED = {"handoff": "briefing", "resolve": "resolution"}


def view_for(form: Form, channel_id: str | None, revision: int = 0) -> View:
    """`revision` > 0: the same modal again (views.update) with a new draft in its field."""
    meta = json.dumps({"command": form.command, "context": form.context,
                       "channel": channel_id or ""})
    blocks: list[Block] = [ContextBlock(elements=[PlainTextObject(text=clip(form.note, 2000))])
                           ] if form.note else []
    drafted = _DRAFTED.get(form.context.get("draft_kind", ""))
    blocks += [InputBlock(block_id=f"{f.name}~{revision}" if revision and f.name == drafted
                          else f.name, label=PlainTextObject(text=clip(f.label, LABEL)),
                          optional=not f.required, element=_element(f)) for f in form.fields]
    return View(type="modal", callback_id=ids.VIEW_FORM,
                title=PlainTextObject(text=clip(form.title, TITLE)),
                submit=PlainTextObject(text=clip(form.submit, TITLE)),
                close=PlainTextObject(text=_("Cancel")), private_metadata=meta[:METADATA],
                blocks=blocks)


def state_values(view: dict[str, Any]) -> dict[str, str]:
    """view.state.values -> {block_id: text}, whatever the element type."""
    out: dict[str, str] = {}
    values = (view.get("state") or {}).get("values") or {}
    if not isinstance(values, dict):
        return out
    for block_id, actions in values.items():
        for element in (actions or {}).values() if isinstance(actions, dict) else ():
            if not isinstance(element, dict):
                continue
            value = element.get("value")
            if value is None and isinstance(element.get("selected_option"), dict):
                value = element["selected_option"].get("value")
            if value is None:
                value = element.get("selected_user")
            out[str(block_id).split("~")[0]] = str(value or "").strip()
    return out


def submitted(view: dict[str, Any]) -> tuple[Submitted, str | None]:
    """A view_submission -> the form's values for the core, and the channel it came from.

    A submission whose metadata is not ours (a foreign view, a form left open across a
    deploy) comes back with an empty command: the core answers it with one line."""
    try:
        loaded = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        loaded = None
    meta: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
    values = state_values(view)
    callback = str(view.get("callback_id") or "")
    command = meta.get("command") if callback == ids.VIEW_FORM else ids.OLD_VIEWS.get(callback)
    found = meta.get("context")
    context: dict[str, Any] = found if isinstance(found, dict) else {}
    if callback in ids.OLD_VIEWS:  # an earlier version's form: {"channel", "ref"}, "receiver"
        context = {"ref": str(meta.get("ref") or "")}
        if "receiver" in values:
            values["to"] = values.pop("receiver")
    channel = meta.get("channel") if isinstance(meta.get("channel"), str) else None
    return (Submitted(command=command if isinstance(command, str) else "", values=values,
                      context={str(k): str(v) for k, v in context.items()}),
            channel or None)


def field_errors(errors: dict[str, str], view: dict[str, Any]) -> dict[str, str]:
    """The core's errors by field -> Slack's by block_id; an error about the form as a whole
    goes to its first block (Slack shows errors only at blocks)."""
    named = [b.get("block_id") for b in view.get("blocks") or [] if isinstance(b, dict)]
    blocks = [str(b) for b in named if b] or list(state_values(view)) or ["_"]
    out: dict[str, str] = {}
    for name, message in errors.items():
        block = next((b for b in blocks if b.split("~")[0] == name), blocks[0])
        out[block] = clip(message, LABEL)
    return out
