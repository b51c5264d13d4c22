"""Replies and forms as terminal text. Buttons print as the command they stand for."""

from __future__ import annotations

import re

from bot.forms import Form
from bot.i18n import _
from bot.people import mention, plain
from bot.replies import Reply, Tone

# `@name` typed in the shell is the shell's mention markup.
_AT_NAME = re.compile(r"(?<!\S)@([\w.\-:]+)")


def mentions_in(text: str) -> str:
    """Typed text -> text with `bot.people` tokens for each `@name`."""
    return _AT_NAME.sub(lambda m: mention(m.group(1)), text)


def render(reply: Reply, slash: str) -> list[str]:
    head = {Tone.ERROR: _("error") + ": ", Tone.WARNING: _("warning") + ": "}.get(
        reply.tone, "")
    lines = []
    if reply.title:
        lines.append(f"{head}{plain(reply.title)}")
        head = ""
    lines += [f"{head}{plain(line)}" if i == 0 else plain(line)
              for i, line in enumerate(reply.text.splitlines() or [""])]
    for f in reply.fields:
        value = plain(f.value).splitlines() or [""]
        lines.append(f"  {f.label}: {value[0]}")
        lines += [f"    {more}" for more in value[1:]]
    for b in reply.buttons:
        hint = f" {b.input_hint}" if b.needs_input and b.input_hint else ""
        lines.append(f"  [{b.label}] -> {b.shown or f'{slash} {b.command}'}{hint}")
    return lines


def render_form(form: Form) -> list[str]:
    """The shell has no forms: the command to type instead, any draft the form holds (to
    copy and edit), and any field errors."""
    lines = [_("{title}: type {hint}").format(title=form.title, hint=form.hint)]
    if form.note:
        lines.append(_("note") + f": {form.note}")
    drafted = form.field({"handoff": "briefing", "resolve": "resolution"}.get(
        form.context.get("draft_kind", ""), ""))
    if drafted is not None and drafted.value:
        lines.append("  " + _("Draft {label} (nothing was sent):").format(
            label=drafted.label.lower()))
        lines += [f"    {line}" for line in drafted.value.splitlines()]
    lines += [_("error") + f": {err}" for err in form.errors.values()]
    return lines
