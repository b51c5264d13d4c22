"""The parts every outbox performer is made of (bot/services/performers.py has the kinds;
bot/services/bridge_performers.py the bridge's)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from bot.bridge import accounts
from bot.domain import Case, HelpRequest
from bot.errors import PortError
from bot.i18n import shared
from bot.replies import Reply
from bot.services import knowledge, messages, sla
from bot.services.base import Deps
from bot.store.interfaces import OutboxItem

# While a case's room is still being made, calls into it wait this long between looks.
_ROOM_WAIT = timedelta(seconds=0.2)
_GAVE_UP_WAIT = timedelta(minutes=10)
Result = dict[str, str] | None


def _nothing(*_: Any) -> None:
    return None


@dataclass(frozen=True)
class Performer:
    """A kind's three steps: `read` on a store thread when the row is claimed (what the call
    needs from the store: the room, the brief as the case stands), `act` on the event loop
    (the platform call itself, which never touches the store), and `record` on a store
    thread, in the transaction that marks the row done (what the call's result tells the
    case: its room, where its brief is)."""

    act: Callable[[Deps, OutboxItem, Case | None, Any], Awaitable[Result]]
    read: Callable[[Deps, OutboxItem, Case | None], Any] = _nothing
    record: Callable[[Deps, OutboxItem, Case | None, Result], None] = _nothing

    @property
    def records(self) -> bool:
        """Whether `record` writes anything (else the row's done mark is all there is)."""
        return self.record is not _nothing


class NotYet(Exception):
    """The call cannot be made yet (its room is not there): try later, not counted."""

    def __init__(self, wait: timedelta) -> None:
        super().__init__("not yet")
        self.wait = wait


def _field(item: OutboxItem, name: str, kind: type) -> Any:
    """A payload field, checked as it is read: a row this release cannot read is refused
    once (not retried) instead of failing the same way at every try."""
    value = item.payload.get(name)
    if not isinstance(value, kind):
        raise PortError(item.kind, f"its recorded {name} is unreadable ({type(value).__name__})")
    return value


def brief_now(deps: Deps, case: Case, skills: list[str],
              helps: Sequence[HelpRequest] | None = None, platform: str | None = None
              ) -> Reply:
    """The brief as the case stands when it is posted (or updated): its ticket, its open
    promises, and what was solved before that looks like it (`helps`: the case's help
    requests, if read already). People in it are named as `platform` (default: the
    case's) knows them, where the bridge is on."""
    return brief_found(deps, case, skills, helps, platform)[0]


def brief_found(deps: Deps, case: Case, skills: list[str],
                helps: Sequence[HelpRequest] | None = None, platform: str | None = None,
                kept: Sequence[int] | None = None) -> tuple[Reply, list[int]]:
    """`brief_now`, and the cases its "Solved before" names (kept with where the brief
    is posted); `kept`: those found when it was first posted, named again without a
    search (knowledge.similar_found)."""
    store = deps.store
    with shared():  # the room reads it: the deployment's language
        lines, similar = knowledge.similar_found(deps, case, helps, kept)
        brief = messages.brief(case, deps.phrases, skills, store.helpdesk.link_of(case.id),
                               similar=lines, promises=store.journal.open_promises(case.id))
        # The SLA's due times (docs/sla.md), as they stand when the brief is written.
        brief = replace(brief, fields=brief.fields + tuple(sla.fields(deps, case, live=False)))
    if deps.config.bridge.enabled:
        brief = accounts.local(store, platform or case.platform, brief)
    return brief, similar


def similar_kept(where: dict[str, Any] | None) -> list[int] | None:
    """The cases a posted brief's "Solved before" named, as kept with where it is (None:
    a brief recorded before they were kept, or by a path that keeps none: search again)."""
    kept = (where or {}).get("similar")
    if not isinstance(kept, list) or not all(isinstance(i, int) for i in kept):
        return None
    return kept


def similar_result(ids: Sequence[int]) -> str:
    """The cases a brief names, as a call's result carries them to its record step."""
    return ",".join(str(i) for i in ids)


def keep_similar(where: dict[str, Any], result: Result) -> dict[str, Any]:
    """Where a brief is, with the cases its "Solved before" named when the call's result
    carries them (else none kept: its updates search again)."""
    text = (result or {}).get("similar")
    if text is None:
        return where
    return {**where, "similar": [int(i) for i in text.split(",") if i.isdigit()]}


