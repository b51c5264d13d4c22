"""What may leave for an assistant, and in what form (issue 30).

`may_send(case)` is the one check point deciding whether a case's facts may be sent to an
assistant at all. `Placeholders` replaces the customer's names, the ticket's requester and
organization, and every email address and phone number with placeholders before anything
leaves (`[assistant] send_customer_data = false`, the default), and puts the real values
back in what comes back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.domain import Case
from bot.helpdesk import TicketLink

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number: an optional +, then at least 7 digits with spaces, dots, dashes, brackets.
PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{5,}\d(?!\w)")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Words of a company name too common to stand for it alone ("Acme Corp" -> "Acme").
_COMMON = {"corp", "corporation", "inc", "ltd", "llc", "gmbh", "plc", "co", "the", "and",
           "company", "group", "sa", "ag", "bv"}


def may_send(case: Case) -> bool:
    """Whether this case's facts may be sent to an assistant at all: a confidential case
    (issue 26) never is (its drafts come from the timeline alone); any other case is, its
    customer data as placeholders."""
    return not case.confidential


@dataclass
class Placeholders:
    """Real value -> placeholder, and back."""

    names: dict[str, str] = field(default_factory=dict)  # real (lowercased) -> placeholder
    real: dict[str, str] = field(default_factory=dict)  # placeholder -> real
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, case: Case, link: TicketLink | None) -> Placeholders:
        p = cls()
        for kind, value in (("CUSTOMER", case.customer),
                            ("REQUESTER", link.requester if link else ""),
                            ("ORGANIZATION", link.organization if link else "")):
            if value.strip():
                p._name(kind, value.strip())
        return p

    def _placeholder(self, kind: str, real: str) -> str:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        n = self.counts[kind]
        holder = f"[{kind}]" if n == 1 else f"[{kind}{n}]"
        self.real[holder] = real
        return holder

    def _name(self, kind: str, value: str) -> None:
        if EMAIL.fullmatch(value):
            self.names.setdefault(value.lower(), self._placeholder("EMAIL", value))
            return
        holder = self.names.get(value.lower()) or self._placeholder(kind, value)
        self.names[value.lower()] = holder
        for word in re.findall(r"[^\W_][\w'-]*", value):
            if len(word) >= 3 and word.lower() not in _COMMON:
                self.names.setdefault(word.lower(), holder)

    def hide(self, text: str) -> str:
        """`text` with every known name, email and phone number as a placeholder."""
        def email(m: re.Match[str]) -> str:
            found = m.group(0)
            if found.lower() not in self.names:
                self.names[found.lower()] = self._placeholder("EMAIL", found)
            return self.names[found.lower()]

        def phone(m: re.Match[str]) -> str:
            found = m.group(0)
            if sum(c.isdigit() for c in found) < 7 or DATE.match(found):
                return found  # a date and time ("2026-11-16 11:19") is not a phone
            key = re.sub(r"\D", "", found)
            if key not in self.names:
                self.names[key] = self._placeholder("PHONE", found)
            return self.names[key]

        text = EMAIL.sub(email, text)
        text = PHONE.sub(phone, text)
        for real in sorted((n for n in self.names if not n.isdigit() and "@" not in n),
                           key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(real)}(?!\w)", self.names[real], text,
                          flags=re.IGNORECASE)
        return text

    def restore(self, text: str) -> str:
        """Placeholders in what came back as the real values again."""
        for holder in sorted(self.real, key=len, reverse=True):
            text = text.replace(holder, self.real[holder])
        return text
