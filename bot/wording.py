"""Small helpers for texts people read: "1 swarm", "2 swarms"."""

from __future__ import annotations

from bot.domain import CaseStatus
from bot.i18n import _


def count(n: int, word: str, many: str | None = None) -> str:
    """`n` and the noun, singular for exactly one (`many` for irregular plurals). English
    only (the command-line tools); a text a person reads in their language uses
    `bot.i18n.ngettext` with the whole phrase."""
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


def status_word(status: CaseStatus | str) -> str:
    """A case's status as a word in the reader's language ("open", "resolved", "cancelled")."""
    words = {CaseStatus.OPEN.value: _("open"), CaseStatus.RESOLVED.value: _("resolved"),
             CaseStatus.CANCELLED.value: _("cancelled")}
    return words.get(str(status), str(status))


def promise_line(no: int, due: str, what: str) -> str:
    """One open promise: "#2 by 17:00 UTC: call back"."""
    return _("#{no} by {due}: {what}").format(no=no, due=due, what=what)
