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


def contact(at: str, function: str, what: str) -> str:
    """The customer's last contact, one way wherever it is shown (offer, catch-up):
    "2026-12-06 07:16 UTC support: called back"."""
    return f"{at[:16].replace('T', ' ')} UTC {function}: {what}"
