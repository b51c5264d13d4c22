"""The helpdesk port: what the core needs from a ticketing system (Zendesk, Jira Service
Management, a generic signed webhook). Adapters in `adapters/helpdesk/<name>/` implement it.

Platform-neutral values only: a `Ticket` read from the helpdesk, a `TicketLink` kept with the
case. Calls raise `HelpdeskError`; `transient` says whether trying again may help (429, 5xx,
a dropped connection), `retry_after` what the helpdesk asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from bot.errors import PortError

# Helpdesk priorities -> severities (Zendesk's four; Jira's five names fold into them).
_SEVERITY = {"urgent": 1, "highest": 1, "critical": 1, "blocker": 1, "high": 2,
             "normal": 3, "medium": 3, "low": 4, "lowest": 4, "minor": 4, "trivial": 4}


def severity_of(priority: str | None, default: int = 3) -> int:
    """urgent sev1, high sev2, normal sev3, low sev4; anything else the default."""
    return _SEVERITY.get((priority or "").strip().lower(), default)


@dataclass(frozen=True)
class Ticket:
    helpdesk: str  # the adapter's name: "zendesk" | "jira" | "webhook"
    id: str  # the helpdesk's own id ("123", "SUP-7")
    ref: str  # the case ref ("ZD-123", "SUP-7")
    subject: str
    url: str
    priority: str | None = None
    requester: str = ""
    organization: str = ""
    assignee_email: str | None = None
    tags: tuple[str, ...] = ()
    callback_url: str | None = None  # the generic webhook: where write-backs go
    requester_tz: str = ""  # the requester's IANA zone, when the delivery carries it

    @property
    def customer(self) -> str:
        """The organization, else the requester."""
        return self.organization or self.requester


@dataclass(frozen=True)
class TicketLink:
    """A case's ticket, as kept in the store."""

    helpdesk: str
    ticket_id: str
    url: str
    requester: str = ""
    organization: str = ""
    callback_url: str | None = None


def stands_in(link: TicketLink | None, person: str) -> bool:
    """Whether `person` is the helpdesk's own name standing in as a swarm's owner: a ticket
    whose assignee was not found opens its swarm owned by "zendesk" (say) until a manager
    hands it off. That id is no chat user: it is never invited, messaged or nudged."""
    return link is not None and person == link.helpdesk


@dataclass(frozen=True)
class WriteBack:
    """A write-back owed to a case's ticket (recorded before it is attempted)."""

    id: int
    case_id: int
    # "opened" | "handoff" | "resolved" | "cancelled" | "reopened" | "changed"
    kind: str
    payload: dict[str, Any]
    attempts: int
    done_at: str | None
    last_error: str | None


class HelpdeskError(PortError):
    def __init__(self, action: str, detail: str, *, transient: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(action, detail)
        self.transient = transient
        self.retry_after = retry_after


@dataclass(frozen=True)
class Note:
    """An internal note; `marker` is a stable token written into it, so that a retry can
    look for it before writing the note again."""

    text: str
    marker: str


@dataclass
class Agent:
    id: str
    email: str
    extra: dict[str, str] = field(default_factory=dict)


class HelpdeskPort(Protocol):
    name: str  # "zendesk" …
    title: str  # "Zendesk", for messages

    def ticket_id_of(self, ref: str) -> str | None:
        """The ticket id a case ref names on this helpdesk (`ZD-123` -> `123`), else None."""

    async def fetch_ticket(self, ticket_id: str) -> Ticket: ...

    async def add_note(self, link: TicketLink, note: Note) -> None:
        """Add an internal note (never a public comment)."""

    async def has_note(self, link: TicketLink, marker: str) -> bool:
        """Whether a note carrying `marker` is on the ticket already."""

    async def find_agent(self, link: TicketLink, email: str) -> Agent | None: ...

    async def assignee(self, link: TicketLink) -> str | None:
        """The current assignee's id (None: unassigned or not knowable)."""

    async def set_assignee(self, link: TicketLink, agent: Agent) -> None: ...

    def link(self, ticket_id: str) -> str:
        """The ticket's address for people."""

    # -- the ticket's life (issue 25): each read first, so a retry never acts twice -------
    async def status(self, link: TicketLink) -> str:
        """The ticket's status as the helpdesk names it ("open", "Waiting for support")."""

    async def status_target(self, link: TicketLink, wanted: str) -> str:
        """The status that setting `wanted` leads to: Zendesk's is `wanted` itself; Jira's is
        the status its transition named `wanted` (or leading to `wanted`) moves to."""

    async def set_status(self, link: TicketLink, wanted: str, marker: str) -> None:
        """Set the status (Jira: make the transition). `marker` names this write-back."""

    async def priority(self, link: TicketLink) -> str | None: ...

    async def set_priority(self, link: TicketLink, severity: int, marker: str) -> None:
        """The helpdesk's priority for a severity (sev1 urgent … sev4 low)."""

    def priority_for(self, severity: int) -> str:
        """The priority name `set_priority` writes for a severity (to compare with a read)."""


@runtime_checkable
class ChatDirectory(Protocol):
    """Optional chat-port capability: people by email, for a ticket's assignee (Slack
    users.lookupByEmail and users.info; Teams the roster). Never guessed: None when unknown."""

    async def user_by_email(self, email: str) -> str | None: ...

    async def email_of(self, user_id: str) -> str | None: ...


@runtime_checkable
class RoomLinks(Protocol):
    """Optional chat-port capability: an address for a room, written into the ticket."""

    def room_link(self, room_id: str) -> str: ...
