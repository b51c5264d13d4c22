"""Platform-neutral forms: what a command needs asked, field by field.

A form is shown when a command needs more words than a click gives (open, hand off,
resolve). Slack renders it as a modal, Teams as a task module, the shell as a one-line hint.
What comes back is field values keyed by `FormField.name`, never command text: handlers turn
them into the typed command directly, so a user's words are never parsed twice. Errors are
per field (`Form.errors`), so each platform can show them where the field is.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class FieldKind(StrEnum):
    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # several lines
    CHOICE = "choice"  # one of `choices`
    PERSON = "person"  # a person on the platform (Slack user picker; Teams choices)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    hint: str = ""  # placeholder text
    value: str = ""  # initial value
    choices: tuple[Choice, ...] = ()
    max_length: int = 500


@dataclass(frozen=True)
class Form:
    command: str  # the canonical command the form submits, e.g. "handoff"
    title: str
    submit: str  # the submit button's label
    fields: tuple[FormField, ...]
    # Values the form carries unseen (the case ref a handoff form is for).
    context: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    hint: str = ""  # the command as typed text, for adapters that cannot show forms
    note: str = ""  # one line above the fields (an assistant that did not answer)

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)

    def with_errors(self, errors: dict[str, str], values: dict[str, str] | None = None) -> Form:
        """The same form again, showing `errors` at their fields and keeping what was typed."""
        values = values or {}
        fields = tuple(replace(f, value=values.get(f.name, f.value)) for f in self.fields)
        return replace(self, fields=fields, errors=dict(errors))
