"""What every service needs: the store, the chat ports, the clock, the config, and the guards."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from bot import permissions, tenancy
from bot.bridge import effects as bridge
from bot.config import Config
from bot.domain import Case, Person, iso, utcnow
from bot.drafting.port import AssistantPort
from bot.errors import CommandError, NotAllowed, NotFound
from bot.helpdesk import HelpdeskPort, stands_in
from bot.i18n import _
from bot.people import mention
from bot.phrases import Phrases
from bot.ports import ChatPort
from bot.presence_cache import PresenceCache
from bot.replies import Button, Field, Reply, Tone
from bot.store import Store
from bot.store.interfaces import OutboxItem
from bot.wording import status_word

log = logging.getLogger("swarmbot")


@dataclass
class Deps:
    store: Store
    ports: dict[str, ChatPort]
    config: Config
    clock: Callable[[], datetime] = utcnow
    # Connected helpdesks by name (issue 11); the composition root fills it.
    helpdesks: dict[str, HelpdeskPort] = field(default_factory=dict)
    # An OpenAI-compatible endpoint drafting for people ([assistant], issue 30); None: drafts
    # come from the timeline alone.
    assistant: AssistantPort | None = None
    # What the platforms say of people, looked up at the edge and kept briefly (issue 26).
    presence: PresenceCache | None = None

    def __post_init__(self) -> None:
        if self.presence is None:
            self.presence = PresenceCache(float(self.config.availability.cache_seconds))

    @property
    def phrases(self) -> Phrases:
        return Phrases(self.config.commands)

    def now(self) -> datetime:
        return self.clock()

    def now_iso(self) -> str:
        return iso(self.clock())

    def port(self, platform: str) -> ChatPort:
        try:
            return self.ports[platform]
        except KeyError:
            raise CommandError(_("swarmbot is not connected to {platform} here").format(
                platform=platform)) from None

    def is_manager(self, person: Person | str) -> bool:
        return self.can(person, permissions.Can.MANAGE)

    def can(self, person: Person | str, what: permissions.Can) -> bool:
        """Every permission check reads bot/permissions.py: config, then chat's roles."""
        return permissions.can(self.config, self.store, person, what)


def _tenant_config(self: Deps) -> Config:
    """The config a command reads: its workspace's settings applied, while a workspace with
    settings of its own is in scope (bot/tenancy.py, bot/workspace_settings.py)."""
    tenant = tenancy.current()
    if tenant is not None and tenant.config is not None:
        return tenant.config
    found: Config = self.__dict__["_config"]
    return found


def _set_config(self: Deps, config: Config) -> None:
    self.__dict__["_config"] = config


# Set after the dataclass is made, so that its __init__ (config=...) goes through the setter.
Deps.config = property(_tenant_config, _set_config)  # type: ignore[assignment]


# The outbox rows the running command added (set by the entrance around one command), so
# the entrance can try them at once after the commit and tell the invoker what failed.
Enqueued = list[OutboxItem]
ENQUEUED: ContextVar[Enqueued | None] = ContextVar("swarmbot_enqueued", default=None)


@dataclass
class Effects:
    """The platform calls a command needs, recorded as outbox rows in its transaction.

    Nothing here calls a platform: bot/services/outbox.py performs the rows after the
    commit (retried on transient errors, told to the owner when they give up). `what` says
    in a few words what the call is for ("invite you to the room"): it is the line the owner
    reads if it cannot be done. `room=None` means the case's own room, which the create
    before it may still be making."""

    deps: Deps
    case: Case | None  # None: calls about no case (a friction review's messages)
    failures: list[str] = field(default_factory=list)
    platform: str = ""  # where calls about no case go

    def _add(self, kind: str, what: str, on: str | None = None, **payload: Any) -> None:
        """`on`: the platform the call is for, where not the case's (the bridge's)."""
        case_id, platform = (self.case.id, self.case.platform) if self.case else (
            None, self.platform)
        tenant = tenancy.current()
        if tenant is not None:  # the worker calls with this workspace's token
            payload["tenant"] = tenant.key()
        body, at = {"what": what, **payload}, self.deps.now_iso()
        item = self.deps.store.outbox.add(case_id, on or platform, kind, body, at)
        rows = ENQUEUED.get()
        if rows is not None:  # the row as written: tried after the commit without a read
            rows.append(OutboxItem(id=item, case_id=case_id, platform=on or platform,
                                   kind=kind, payload=body, state="pending", tries=0,
                                   next_at=at, last_error=None, result=None))

    def create_room(self, skills: list[str]) -> None:
        self._add("create_room", _("create the swarm room"), skills=skills)

    def _stand_in(self, person: str) -> bool:
        """The helpdesk's name owning a ticket's swarm until it has an owner: no chat user."""
        return self.case is not None and stands_in(
            self.deps.store.helpdesk.link_of(self.case.id), person)

    def _bridged(self) -> Case | None:
        """The case, where its calls reach every platform served ([bridge] enabled)."""
        return self.case if self.deps.config.bridge.enabled else None

    def invite(self, people: list[str], what: str) -> None:
        people = [p for p in people if not self._stand_in(p)]
        if (case := self._bridged()) is not None:
            people = bridge.invite(self.deps.store, list(self.deps.ports), case, people, what,
                                   self.deps.now_iso(), self)
        if people:
            self._add("invite", what, people=people)

    def post(self, reply: Reply, what: str, room: str | None = None) -> None:
        if any(self._stand_in(p) for p in reply.mentions):  # no chat user to ping
            reply = replace(reply, mentions=tuple(p for p in reply.mentions
                                                  if not self._stand_in(p)))
        if (case := self._bridged()) is not None:
            reply = bridge.post(self.deps.store, list(self.deps.ports), case, reply, what,
                                self) if room is None else bridge.local(self.deps.store,
                                                                        case.platform, reply)
        self._add("post", what, room=room, reply=reply_to_json(reply))

    def brief(self, skills: list[str]) -> None:
        """The case brief, written when it is posted (so it shows the case as it is then)."""
        self._add("brief", _("post the case brief"), skills=skills)

    def direct_message(self, person: str, reply: Reply, what: str) -> None:
        if self._stand_in(person):  # triage was asked for an owner; nobody to tell
            return
        on = None
        if (case := self._bridged()) is not None:
            on, person = bridge.direct(self.deps.store, list(self.deps.ports), case.platform,
                                       person)
            reply = bridge.local(self.deps.store, on, reply)
        self._add("dm", what, on=on, person=person, reply=reply_to_json(reply))

    def archive(self) -> None:
        self._add("archive", _("archive the swarm room"))
        if (case := self._bridged()) is not None:
            bridge.archive(self.deps.store, list(self.deps.ports), case, self.deps.now_iso(),
                           self)

    def set_topic(self, topic: str) -> None:
        self._add("set_topic", _("update the room topic"), topic=topic)

    def update_brief(self) -> None:
        """The brief posted in the case's room, rewritten as the case now stands."""
        self._add("update_brief", _("update the case brief"))
        if (case := self._bridged()) is not None:
            bridge.update_brief(self.deps.store, list(self.deps.ports), case, self)

    def bookmark(self, title: str, url: str) -> None:
        """A link kept at the top of the case's room (bot.ports.RoomBookmarks)."""
        self._add("bookmark", _("show the link in the room"), title=title, url=url)

    def helpdesk(self, write_id: int, what: str) -> None:
        """A write-back to the case's helpdesk ticket, recorded by bot/services/helpdesk.py."""
        self._add("helpdesk", what, write_id=write_id)


def reply_to_json(reply: Reply) -> dict[str, Any]:
    return asdict(reply)


def reply_from_json(data: dict[str, Any]) -> Reply:
    return Reply(text=data["text"], title=data.get("title"),
                 fields=tuple(Field(**f) for f in data.get("fields", ())),
                 buttons=tuple(Button(**b) for b in data.get("buttons", ())),
                 tone=Tone(data.get("tone", "info")), private=data.get("private", True),
                 mentions=tuple(data.get("mentions", ())))


def find_case(store: Store, ref: str) -> Case:
    case = store.cases.by_ref(ref)
    if case is None:
        raise NotFound(_("No case {ref}.").format(ref=ref))
    return case


def require_open(case: Case) -> None:
    if not case.is_open:
        # Cancelled or resolved: `reopen` is the way back (issue 12).
        raise NotAllowed(_("{ref} is {status} ({resolution}); nothing more can change until "
                           "it is reopened.").format(ref=case.ref, status=status_word(case.status),
                                                     resolution=case.resolution))


def require_owner(deps: Deps, case: Case, actor: Person, action: str) -> None:
    if case.owner != actor.id and not deps.is_manager(actor):
        raise NotAllowed(_("Only the owner of {ref} ({owner}) or a manager can {action}.").format(
            ref=case.ref, owner=mention(case.owner), action=action))


def require_participant(deps: Deps, case: Case, actor: Person) -> None:
    if case.owner == actor.id or deps.is_manager(actor):
        return
    if deps.store.cases.participant(case.id, actor.id) is None:
        raise NotAllowed(_("You're not in the swarm for {ref}: {join} first.").format(
            ref=case.ref, join=deps.phrases.command('join', case.ref)))


