"""Replies as terminal text. Buttons print as the command they stand for."""

from __future__ import annotations

import re

from bot.replies import Reply, Tone

_MENTION = re.compile(r"<@([^>|]+)(?:\|[^>]*)?>")


def plain(text: str) -> str:
    return _MENTION.sub(lambda m: "@" + m.group(1), text)


def render(reply: Reply, slash: str) -> list[str]:
    head = {Tone.ERROR: "error: ", Tone.WARNING: "warning: "}.get(reply.tone, "")
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
        lines.append(f"  [{b.label}] -> {slash} {b.command}{hint}")
    return lines
