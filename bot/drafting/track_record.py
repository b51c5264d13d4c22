"""What happened last time (issue 30): how decisions of one kind and risk turned out before.

A decision's kind is its first word (`refund`, `extend`, `waive`): `decide high refund the
March invoice` is a high-risk refund. Its record counts the earlier such decisions with an
outcome, by outcome (kept, lost, escalated) and by the customer's mood when the outcome was
recorded (the case's last reading then), from the decision log.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bot.domain import Decision
from bot.i18n import _, ngettext
from bot.store import Store

OUTCOMES = ("kept", "lost", "escalated")


def kind_of(decision: str) -> str:
    """The decision's first word, lowercased, without punctuation ('' when none)."""
    m = re.match(r"\s*([^\W_]+)", decision.lower())
    return m.group(1) if m else ""


@dataclass(frozen=True)
class Record:
    kind: str
    risk: str
    outcomes: dict[str, int]  # kept/lost/escalated -> count
    moods: dict[str, int]  # the customer's mood at the outcome -> count ("no reading")

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())


def record_for(store: Store, decision: Decision) -> Record:
    """Earlier decisions like this one (not itself) that have an outcome."""
    kind = kind_of(decision.decision)
    rows = store.drafts.decision_record(decision.risk, kind, decision.id) if kind else []
    outcomes = Counter(o for o, _ in rows)
    moods = Counter(m or "no reading" for _, m in rows)
    return Record(kind, decision.risk, {o: outcomes[o] for o in OUTCOMES if outcomes[o]},
                  dict(moods.most_common()))


def record_line(risk: str, rec: Record) -> str:
    """'10 earlier high-risk refund decisions: 6 kept, 3 lost, 1 escalated; customer mood
    at the outcome: 5 satisfied, 3 frustrated, 2 angry.'"""
    if not rec.total:
        return _("No earlier {risk}-risk {kind} decision has an outcome yet.").format(
            risk=risk, kind=rec.kind)
    outcomes = ", ".join(f"{n} {o}" for o, n in rec.outcomes.items())
    moods = ", ".join(f"{n} {m}" for m, n in rec.moods.items())
    return ngettext("{n} earlier {risk}-risk {kind} decision: {outcomes}; customer mood at the "
                    "outcome: {moods}.",
                    "{n} earlier {risk}-risk {kind} decisions: {outcomes}; customer mood at the "
                    "outcome: {moods}.", rec.total).format(
        n=rec.total, risk=risk, kind=rec.kind, outcomes=outcomes, moods=moods)
