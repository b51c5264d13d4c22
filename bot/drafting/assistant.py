"""The assistant port and the prompts it is given (issue 30).

An assistant is any OpenAI-compatible chat endpoint (the port: bot/drafting/port.py; the
client: adapters/assistant/). It is asked for a draft a person will edit; it never speaks to
anyone. `Ask` is what one request carries: the facts with customer data already replaced by
placeholders (bot/drafting/privacy.py), and the timeline's own draft, kept for when the
assistant does not answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.drafting.facts import Facts
from bot.drafting.privacy import Placeholders
from bot.people import plain

PROMPT_VERSION = "drafts-1"

_SYSTEM = (
    "You help a customer-support agent write. You draft; the agent edits and decides; "
    "nothing you write reaches the customer without the agent. Use only the facts given. "
    "Keep every placeholder in square brackets exactly as written. Plain text, no markdown.")

_ASK = {
    "handoff": ("Draft the briefing the current owner gives the next owner of this case at a "
                "warm handoff: how the customer feels and how that moved, what was tried, each "
                "open promise with its due time, the last customer contact, open decisions, "
                "what would delight the customer. At most 8 short lines."),
    "catchup": ("Summarise this case for a colleague joining it now, in two or three "
                "sentences: where it stands, how the customer feels, what is promised."),
    "resolve": ("Draft the resolution note for this case in one or two sentences: what "
                "fixed it and how the customer was left."),
}
KINDS = tuple(_ASK)


@dataclass(frozen=True)
class Ask:
    kind: str  # handoff | catchup | resolve
    case_id: int
    case_ref: str
    asked_by: str
    system: str
    user: str  # customer data already as placeholders unless the config says otherwise
    fallback: str  # the timeline's draft, shown when the assistant does not answer
    placeholders: Placeholders


def facts_text(f: Facts) -> str:
    lines = [f"Case {f.case.ref}, severity {f.case.severity}: {f.case.summary}"]
    if f.customer:
        lines.append(f"Customer: {f.customer}")
    for label, value in (("Customer mood", f.mood), ("Mood moved", f.mood_shift),
                         ("Tried", f.tried), ("Last customer contact", f.last_contact),
                         ("What would delight them", f.case.delight)):
        if value:
            lines.append(f"{label}: {value}")
    for label, many in (("Open promise", f.promises), ("Decision", f.decisions),
                        ("Track record", f.records), ("Note", f.notes)):
        lines += [f"{label}: {v}" for v in many]
    # Similar cases are left out: their customers are other customers.
    return plain("\n".join(lines))


def ask(kind: str, facts: Facts, asked_by: str, fallback: str, placeholders: Placeholders,
        send_customer_data: bool) -> Ask:
    user = f"{_ASK[kind]}\n\n{facts_text(facts)}"
    return Ask(kind=kind, case_id=facts.case.id, case_ref=facts.case.ref, asked_by=asked_by,
               system=_SYSTEM, user=user if send_customer_data else placeholders.hide(user),
               fallback=fallback, placeholders=placeholders)
