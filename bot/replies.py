"""Platform-neutral replies: each adapter renders these (Block Kit, Adaptive Cards, plain text)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Tone(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Button:
    """A button is only a shortcut: `command` is the equivalent text command.

    `command` is written without the slash command, e.g. ``join ZD-4711``. When
    `needs_input` is true the command needs more words from the user (a receiver,
    a briefing); adapters open a form (Slack modal, Teams task module) or, in the
    shell, print `command` followed by `input_hint`.
    """

    label: str
    command: str
    style: str | None = None  # "primary" | "danger" | None
    needs_input: bool = False
    input_hint: str = ""
    # The command as the team types it (slash command, renames): what the shell prints.
    shown: str = ""


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Reply:
    text: str
    title: str | None = None
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    tone: Tone = Tone.INFO
    # Private replies go only to the person who typed the command (Slack ephemeral).
    private: bool = True
    # Mentions the adapter should turn into real @mentions (platform user ids).
    mentions: tuple[str, ...] = ()

    @staticmethod
    def error(text: str) -> Reply:
        return Reply(text=text, tone=Tone.ERROR, private=True)


@dataclass
class Outcome:
    """What a handled command produced for the person who typed it."""

    replies: list[Reply] = field(default_factory=list)

    def add(self, reply: Reply) -> Outcome:
        self.replies.append(reply)
        return self
