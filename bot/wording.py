"""Small helpers for texts people read: "1 swarm", "2 swarms"."""

from __future__ import annotations


def count(n: int, word: str, many: str | None = None) -> str:
    """`n` and the noun, singular for exactly one (`many` for irregular plurals)."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def sentence(text: str) -> str:
    """`text` ending in a full stop (unless it already ends a sentence), for a reason a
    person typed that another sentence follows."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."
