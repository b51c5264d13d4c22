"""People in text, platform-neutral.

The core writes a person into a message as a mention token (`mention(pid)`); each adapter
turns tokens into its own markup (Slack `<@U123>`, Teams `<at>Ann</at>` + a mention entity,
`@name` in the shell) with `render_mentions`. Adapters translate their platform's mentions
in what people type into the same tokens, so the command parser reads people one way.

The token is two private-use characters around the id: nobody types them (user input is
cleaned of them first, see `clean_text`), so a token in stored text was put there by an
adapter's translation, never forged by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OPEN, CLOSE = "\ue000", "\ue001"
TOKEN = re.compile(f"{OPEN}([^{OPEN}{CLOSE}\\s]{{1,128}}){CLOSE}")


@dataclass(frozen=True)
class Mention:
    """A person named in a command: their platform id (and display name when known)."""

    id: str
    name: str | None = None


def mention(pid: str) -> str:
    """A person, in text the core writes."""
    return f"{OPEN}{pid}{CLOSE}"


def mention_of(word: str) -> str | None:
    """The id in a word that is exactly one token (trailing punctuation allowed), else None."""
    m = TOKEN.fullmatch(word.strip(",.;:"))
    return m.group(1) if m else None


def mentioned(text: str) -> list[str]:
    """Every person named in `text`, in order, each once."""
    return list(dict.fromkeys(TOKEN.findall(text)))


def render_mentions(text: str, render: Callable[[str], str]) -> str:
    """Replace each token by the adapter's markup for that person."""
    return TOKEN.sub(lambda m: render(m.group(1)), text)


def plain(text: str) -> str:
    """Tokens as `@id`: logs, exports, plain-text fallbacks."""
    return render_mentions(text, lambda pid: f"@{pid}")


def plain_data(value: Any) -> Any:
    """JSON-ready data with every token in its strings shown as `@id` (exports, digests)."""
    if isinstance(value, str):
        return plain(value) if OPEN in value else value
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items()}
    return value
