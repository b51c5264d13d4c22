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
import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.replies import Button, Reply, Tone

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
_MENTION = re.compile(r"<@([^>|]+)(?:\|([^>]*))?>")
_TONE_COLOR = {Tone.ERROR: "attention", Tone.WARNING: "warning", Tone.SUCCESS: "good"}
_STYLE = {"primary": "positive", "danger": "destructive"}

Card = dict[str, Any]
# user id -> display name; unknown ids are shown as "someone" rather than a raw 29:... id.
Names = Callable[[str], str | None]


def _no_names(_: str) -> str | None:
    return None


def plain(text: str, names: Names = _no_names) -> str:
    """`<@29:abc>` -> `**Ann**` (card text is Markdown; the real ping is on the activity)."""
    def name(m: re.Match[str]) -> str:
        return f"**{m.group(2) or names(m.group(1)) or 'someone'}**"
    return _MENTION.sub(name, text)


def at_text(text: str, names: Names = _no_names) -> str:
    """`<@29:abc>` -> `<at>Ann</at>`: the activity-text form Teams turns into a ping."""
    def name(m: re.Match[str]) -> str:
        return f"<at>{m.group(2) or names(m.group(1)) or 'someone'}</at>"
    return _MENTION.sub(name, text)


def mention_entities(user_ids: tuple[str, ...] | list[str], names: Names = _no_names,
                     ) -> tuple[str, list[dict[str, Any]]]:
    """The activity text and `mention` entities that @mention `user_ids` in Teams."""
    parts, entities = [], []
    for uid in dict.fromkeys(user_ids):
        label = f"<at>{names(uid) or 'someone'}</at>"
        parts.append(label)
        entities.append({"type": "mention", "text": label,
                         "mentioned": {"id": uid, "name": names(uid) or "someone"}})
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


def image_card(png: bytes, title: str) -> Card:
    """A picture (the digest's chart) as a card: Teams shows data: URIs, so no file host is
    needed; the chart is a couple of kilobytes, well inside a message's size limit."""
    data = base64.b64encode(png).decode("ascii")
    return card([{"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True},
                 {"type": "Image", "url": f"data:image/png;base64,{data}", "altText": title}],
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

def _text_input(id_: str, label: str, *, required: bool = False, multiline: bool = False,
                placeholder: str = "", value: str = "") -> dict[str, Any]:
    field: dict[str, Any] = {"type": "Input.Text", "id": id_, "label": label,
                             "isMultiline": multiline}
    if required:
        field.update(isRequired=True, errorMessage=f"{label} is required")
    if placeholder:
        field["placeholder"] = placeholder
    if value:
        field["value"] = value
    return field


def _submit(title: str, command: str) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": title, "style": "positive",
            "data": {"command": command}}


def open_form() -> Card:
    return card([
        {"type": "TextBlock", "text": "Open a swarm", "weight": "Bolder", "size": "Medium"},
        _text_input("ref", "Case reference", required=True, placeholder="ZD-4711"),
        {"type": "Input.ChoiceSet", "id": "severity", "label": "Severity", "value": "sev3",
         "choices": [{"title": f"sev{n}", "value": f"sev{n}"} for n in range(1, 5)]},
        _text_input("customer", "Customer"),
        _text_input("summary", "What is wrong", required=True, multiline=True),
        _text_input("delight", "What would delight this customer"),
        _text_input("skills", "Skills needed (space separated)", placeholder="sso saml"),
    ], [_submit("Open", "open")])


def handoff_form(command: str, people: Mapping[str, str]) -> Card:
    """`people`: user id -> name of the case's participants (the likely receivers)."""
    receiver: dict[str, Any]
    if people:
        receiver = {"type": "Input.ChoiceSet", "id": "receiver", "label": "Hand off to",
                    "isRequired": True, "errorMessage": "Choose the next owner",
                    "style": "compact",
                    "choices": [{"title": n, "value": uid} for uid, n in people.items()]}
    else:
        receiver = _text_input("receiver", "Hand off to", required=True,
                               placeholder="@name (nobody has joined the swarm yet)")
    return card([
        {"type": "TextBlock", "text": command.replace("handoff", "Hand off", 1),
         "weight": "Bolder", "size": "Medium"},
        receiver,
        _text_input("briefing", "Briefing for the next owner", required=True, multiline=True),
        _text_input("tried", "What was tried", multiline=True),
    ], [_submit("Offer hand-off", command)])


def resolve_form(command: str) -> Card:
    return card([
        {"type": "TextBlock", "text": command.replace("resolve", "Resolve", 1),
         "weight": "Bolder", "size": "Medium"},
        _text_input("resolution", "Resolution", required=True, multiline=True),
    ], [_submit("Resolve", command)])


def _quoted(key: str, value: str) -> str:
    return f'{key}="{value.replace(chr(34), chr(39))}"'


def compose_command(data: Mapping[str, Any]) -> str:
    """task/submit data -> the command text the core understands (see the contract)."""
    command = str(data.get("command", "")).strip()
    verb = command.split()[0] if command else ""

    def get(key: str) -> str:
        return " ".join(str(data.get(key) or "").split())

    if verb == "open":
        parts = ["open", get("ref"), get("severity") or "sev3"]
        parts += [_quoted(k, get(k)) for k in ("customer", "delight", "skills") if get(k)]
        return " ".join(p for p in parts + [get("summary")] if p)
    if verb == "handoff":
        receiver = get("receiver")
        who = receiver if receiver.startswith(("<@", "@")) else f"<@{receiver}>"
        tried = f" {_quoted('tried', get('tried'))}" if get("tried") else ""
        return f"{command} {who} {get('briefing')}{tried}".strip()
    if verb == "resolve":
        return f"{command} {get('resolution')}".strip()
    return command


def form_for(command: str, people: Mapping[str, str]) -> tuple[str, Card] | None:
    verb = command.split()[0] if command else ""
    if verb == "open":
        return "Open a swarm", open_form()
    if verb == "handoff":
        return "Hand off", handoff_form(command, people)
    if verb == "resolve":
        return "Resolve", resolve_form(command)
    return None


def welcome_card() -> Card:
    return card([
        {"type": "TextBlock", "text": "swarmbot", "weight": "Bolder", "size": "Medium"},
        {"type": "TextBlock", "wrap": True,
         "text": "Bring experts to the case, not the case to queues. Message me "
                 "`open ZD-4711 sev2 summary` or use the button; `help` lists every command."},
    ], [{"type": "Action.Submit", "title": "Open a swarm…",
         "data": {"msteams": {"type": "task/fetch"}, "command": "open"}}])
