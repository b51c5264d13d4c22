"""Reading command text: words, `key="value"` options and mentions, keeping free text whole.

Adapters have already turned their platform's mentions into `bot.people` tokens, so a person
is read here one way whatever the platform.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.errors import CommandError
from bot.i18n import _
from bot.people import mention_of

# key="value" with straight or typographic quotes (Slack and phones turn " into “ ”).
_OPTION = re.compile(r"""(?<!\S)([a-z_]+)=(?:"([^"]*)"|“([^”]*)”|'([^']*)'|(\S+))""")
# Ids are SQLite integers; anything longer than this is not one (and would overflow).
_MAX_ID_DIGITS = 15


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
            if key in options:
                # The second would silently replace the first (or eat a summary's words).
                raise CommandError(_("`{key}=` is given twice: give it once, and reword any "
                                     "other `{key}=` in the text.").format(key=key))
            bare = m.group(5)
            if bare is not None and bare[0] in "\"“”'‘’":
                # A quote never closed: the value would keep the quote (and lose the words).
                raise CommandError(_("`{key}=` opens a quote that is never closed: put the "
                                     "value between two quotes, e.g. {key}=\"Acme Corp\".")
                                   .format(key=key))
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
        while (word := self.peek()) is not None and (pid := mention_of(word)):
            found.append(pid)
            self.take()
        return found

    def take_mention(self, usage: str) -> str:
        word = self.peek()
        pid = mention_of(word) if word else None
        if pid is None:
            raise CommandError(_("name a person with @: {usage}").format(usage=usage))
        self.take()
        return pid

    def take_choice(self, options: Iterable[str], usage: str, missing: str,
                    wrong: str) -> str:
        """The next word, lower-cased, which must be one of `options`.

        `wrong` names what the word should have been, as in "`x` is not a mood".
        """
        word = (self.take() or "").lower()
        if not word:
            raise CommandError(f"{missing}: {usage}")
        if word not in options:
            raise CommandError(f"`{word[:20]}` {wrong}: {usage}")
        return word

    def take_int(self, what: str, usage: str) -> int:
        word = self.take()
        if word is None:
            raise CommandError(_("give the {what} number: {usage}").format(what=what, usage=usage))
        return read_id(word, what, usage)


def read_id(word: str, what: str, usage: str) -> int:
    digits = word.lstrip("#")
    if not digits.isascii() or not digits.isdigit() or len(digits) > _MAX_ID_DIGITS \
            or int(digits) == 0:
        raise CommandError(_("`{word}` is not a {what} number: {usage}")
            .format(word=word[:20], what=what, usage=usage))
    return int(digits)
