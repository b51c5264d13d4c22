"""bot.replies.Reply -> Adaptive Card 1.5 (what Teams shows), plus the task-module forms.

Cards here are plain dicts that validate against the Adaptive Card 1.5 schema. That schema
forbids extra top-level properties, so Teams' `msteams.entities` (card mentions) cannot be
used: @mentions travel on the activity (text + mention entities, see `mention_entities`)
and the card shows the person's name in bold.

Buttons are `Action.Execute` (Universal Actions: Teams sends an `adaptiveCard/action`
invoke and shows the card we answer with). Buttons that need more words (`needs_input`)
become `Action.Submit` with `msteams.type = task/fetch`, which opens a task module (form).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

from bot.forms import FieldKind, Form, FormField
from bot.i18n import _
from bot.people import render_mentions
from bot.replies import Button, Reply, Tone

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
_TONE_COLOR = {Tone.ERROR: "attention", Tone.WARNING: "warning", Tone.SUCCESS: "good"}
_STYLE = {"primary": "positive", "danger": "destructive"}

Card = dict[str, Any]
# user id -> display name; unknown ids are shown as "someone" rather than a raw 29:... id.
Names = Callable[[str], str | None]


def _no_names(_: str) -> str | None:
    return None


def plain(text: str, names: Names = _no_names) -> str:
    """A person -> `**Ann**` (card text is Markdown; the real ping is on the activity)."""
    return render_mentions(text, lambda pid: f"**{names(pid) or _('someone')}**")


def at_text(text: str, names: Names = _no_names) -> str:
    """A person -> `<at>Ann</at>`: the activity-text form Teams turns into a ping."""
    return render_mentions(text, lambda pid: f"<at>{names(pid) or _('someone')}</at>")


def mention_entities(user_ids: tuple[str, ...] | list[str], names: Names = _no_names,
                     ) -> tuple[str, list[dict[str, Any]]]:
    """The activity text and `mention` entities that @mention `user_ids` in Teams."""
    parts, entities = [], []
    for uid in dict.fromkeys(user_ids):
        label = f"<at>{names(uid) or _('someone')}</at>"
        parts.append(label)
        entities.append({"type": "mention", "text": label,
                         "mentioned": {"id": uid, "name": names(uid) or _("someone")}})
    return " ".join(parts), entities


def button_action(button: Button) -> dict[str, Any]:
    if button.needs_input:
        return {"type": "Action.Submit", "title": button.label,
                "data": {"msteams": {"type": "task/fetch"}, "command": button.command}}
    action: dict[str, Any] = {"type": "Action.Execute", "title": button.label,
                              "verb": button.command.split()[0],
                              "data": {"command": button.command}}
    if button.style in _STYLE:
        action["style"] = _STYLE[button.style]
    return action


def _reply_body(reply: Reply, names: Names) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = []
    color = _TONE_COLOR.get(reply.tone)
    if reply.title:
        title = {"type": "TextBlock", "text": plain(reply.title, names), "weight": "Bolder",
                 "size": "Medium", "wrap": True}
        if color:
            title["color"] = color
        body.append(title)
    if reply.text:
        text = {"type": "TextBlock", "text": plain(reply.text, names), "wrap": True}
        if color and not reply.title:
            text["color"] = color
        body.append(text)
    if reply.fields:
        body.append({"type": "FactSet", "facts": [
            {"title": f.label, "value": plain(f.value, names)} for f in reply.fields]})
    return body


def card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None,
         fallback: str = "") -> Card:
    out: Card = {"type": "AdaptiveCard", "$schema": SCHEMA_URL, "version": "1.5",
                 "body": body or [{"type": "TextBlock", "text": " "}]}
    if actions:
        out["actions"] = actions
    if fallback:
        out["fallbackText"] = fallback
    return out


def image_card(png: bytes, title: str, alt: str = "") -> Card:
    """A picture (the digest's chart) as a card: Teams shows data: URIs, so no file host is
    needed; the chart is a couple of kilobytes, well inside a message's size limit."""
    data = base64.b64encode(png).decode("ascii")
    return card([{"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True},
                 {"type": "Image", "url": f"data:image/png;base64,{data}",
                  "altText": alt or title}],
                fallback=title)


def reply_card(reply: Reply, names: Names = _no_names) -> Card:
    return card(_reply_body(reply, names), [button_action(b) for b in reply.buttons],
                fallback=plain(reply.title or reply.text, names))


def replies_card(replies: list[Reply], names: Names = _no_names) -> Card:
    """Several replies in one card: what an Action.Execute click or a task submit answers."""
    body: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    for i, reply in enumerate(replies):
        part = _reply_body(reply, names)
        if i and part:
            part[0] = {**part[0], "separator": True}
        body += part
        actions += [button_action(b) for b in reply.buttons]
    return card(body, actions[:6], fallback=plain(replies[0].text, names) if replies else "")


def is_simple(reply: Reply) -> bool:
    """A one-liner without title, fields or buttons reads better as plain text in Teams."""
    return not (reply.title or reply.fields or reply.buttons) and "\n" not in reply.text


# -- task-module forms (task/fetch answers with one of these) ---------------------------
# A submitted task module's data holds the inputs by id plus the Action.Submit's data: the
# form's own keys are prefixed so that no field name can collide with them.
FORM_KEY, CONTEXT_KEY = "swarm_form", "swarm_context"


def _input(f: FormField) -> dict[str, Any]:
    base: dict[str, Any] = {"id": f.name, "label": f.label}
    if f.required:
        base.update(isRequired=True, errorMessage=_("{label} is required").format(label=f.label))
    choices = f.choices
    if f.kind is FieldKind.CHOICE or (f.kind is FieldKind.PERSON and choices):
        base.update(type="Input.ChoiceSet", style="compact",
                    choices=[{"title": c.label, "value": c.value} for c in choices])
        if f.value:
            base["value"] = f.value
        return base
    base.update(type="Input.Text", isMultiline=f.kind is FieldKind.LONG_TEXT,
                maxLength=f.max_length)
    hint = f.hint or ("@name" if f.kind is FieldKind.PERSON else "")
    if hint:
        base["placeholder"] = hint
    if f.value:
        base["value"] = f.value
    return base


def form_card(form: Form) -> Card:
    """A neutral form as a task-module card; errors are shown under their fields."""
    body: list[dict[str, Any]] = [{"type": "TextBlock", "text": form.title,
                                   "weight": "Bolder", "size": "Medium", "wrap": True}]
    if form.note:  # one line above the fields (an assistant that did not answer)
        body.append({"type": "TextBlock", "text": form.note, "isSubtle": True, "wrap": True})
    general = form.errors.get("")
    if general:
        body.append({"type": "TextBlock", "text": general, "color": "attention", "wrap": True})
    for f in form.fields:
        body.append(_input(f))
        if f.name in form.errors:
            body.append({"type": "TextBlock", "text": form.errors[f.name],
                         "color": "attention", "wrap": True, "spacing": "None"})
    return card(body, [{"type": "Action.Submit", "title": form.submit, "style": "positive",
                        "data": {FORM_KEY: form.command, CONTEXT_KEY: form.context}}])


def submitted_form(data: Mapping[str, Any]) -> tuple[str, dict[str, str], dict[str, str]]:
    """task/submit data -> (form command, field values, context). Unknown shapes give an
    empty command, which the core answers with one line."""
    command = data.get(FORM_KEY)
    context = data.get(CONTEXT_KEY)
    values = {str(k): " ".join(str(v).split()) if "\n" not in str(v) else str(v).strip()
              for k, v in data.items() if k not in (FORM_KEY, CONTEXT_KEY, "msteams")
              and isinstance(v, str | int | float)}
    return (command if isinstance(command, str) else "", values,
            {str(k): str(v) for k, v in context.items()} if isinstance(context, dict) else {})


def welcome_card() -> Card:
    return card([
        {"type": "TextBlock", "text": "swarmbot", "weight": "Bolder", "size": "Medium"},
        {"type": "TextBlock", "wrap": True,
         "text": _("Bring experts to the case, not the case to queues. Message me "
                   "`open ZD-4711 sev2 summary` or use the button; `help` lists every "
                   "command.")},
    ], [{"type": "Action.Submit", "title": _("Open a swarm…"),
         "data": {"msteams": {"type": "task/fetch"}, "command": "open"}}])
