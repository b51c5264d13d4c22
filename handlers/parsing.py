"""Reading command text: words, `key="value"` options and @mentions, keeping free text whole."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.errors import CommandError

# key="value" with straight or typographic quotes (Slack and phones turn " into “ ”).
_OPTION = re.compile(r"""(?<!\S)([a-z_]+)=(?:"([^"]*)"|“([^”]*)”|'([^']*)'|(\S+))""")
_MENTION = re.compile(r"^<@([^>|]+)(?:\|[^>]*)?>$|^@([\w.\-:]+)$")


def mention_id(token: str) -> str | None:
    """`<@U123>`, `<@U123|name>` or `@name` → the user id; anything else → None."""
    m = _MENTION.match(token.strip(",.;:"))
    if not m:
        return None
    return m.group(1) or m.group(2)


@dataclass
class Args:
    """The words after the command name, consumed left to right."""

    text: str
    options: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str, allowed: frozenset[str] = frozenset()) -> Args:
        options: dict[str, str] = {}

        def take(m: re.Match[str]) -> str:
            key = m.group(1)
            if key not in allowed:
                return m.group(0)
            options[key] = next(g for g in m.groups()[1:] if g is not None).strip()
            return ""

        rest = _OPTION.sub(take, text) if allowed else text
        return cls(text=" ".join(rest.split()), options=options)

    def peek(self) -> str | None:
        parts = self.text.split(maxsplit=1)
        return parts[0] if parts else None

    def take(self) -> str | None:
        parts = self.text.split(maxsplit=1)
        if not parts:
            return None
        self.text = parts[1] if len(parts) > 1 else ""
        return parts[0]

    def words(self) -> list[str]:
        return self.text.split()

    def rest(self) -> str:
        text, self.text = self.text.strip(), ""
        return text

    def take_mentions(self) -> list[str]:
        found = []
        while (word := self.peek()) is not None and (pid := mention_id(word)):
            found.append(pid)
            self.take()
        return found

    def take_mention(self, usage: str) -> str:
        word = self.peek()
        pid = mention_id(word) if word else None
        if pid is None:
            raise CommandError(f"name a person with @: {usage}")
        self.take()
        return pid

    def take_int(self, what: str, usage: str) -> int:
        word = self.take()
        if word is None:
            raise CommandError(f"give the {what}: {usage}")
        try:
            return int(word.lstrip("#"))
        except ValueError:
            raise CommandError(f"`{word}` is not a {what} number: {usage}") from None
