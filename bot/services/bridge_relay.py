"""The case's entries shown in every room of a case with several (issue 29).

A command's entries (a note, a touchpoint, a mood, a decision, a promise …) are recorded
once, in the timeline. While a case has a mirror room, each such entry is also posted into
the home room and every mirror, marked with the platform it came from, in the command's
transaction (outbox rows, in the order recorded). Entries the services post themselves (a
handoff, the resolution) reach the mirrors with those posts (bot/bridge/effects.py).
How far a case's entries were shown is kept per case, so each is posted once.
"""

from __future__ import annotations

from contextvars import ContextVar, Token

from bot.bridge import rooms
from bot.bridge.effects import ORIGIN
from bot.bridge.rooms import SHOWN
from bot.domain import Case
from bot.i18n import _
from bot.people import mention
from bot.replies import Reply
from bot.services.base import Deps, Effects

RELAYED = frozenset({"note", "touch", "mood", "delight", "decision", "outcome", "promise",
                     "promise_kept", "thanks", "help_requested", "friction", "corrected",
                     "retracted"})
_TOUCHED: ContextVar[set[int] | None] = ContextVar("swarmbot_bridge_touched", default=None)


def begin(origin: str) -> tuple[Token[str | None], Token[set[int] | None]]:
    """Around one command: where it came from, and the cases it changes."""
    return ORIGIN.set(origin), _TOUCHED.set(set())


def end(tokens: tuple[Token[str | None], Token[set[int] | None]]) -> None:
    ORIGIN.reset(tokens[0])
    _TOUCHED.reset(tokens[1])


def touched(case: Case) -> None:
    cases = _TOUCHED.get()
    if cases is not None:
        cases.add(case.id)


def show(deps: Deps) -> None:
    """Post the entries the command recorded on its bridged cases (after it ran, in its
    transaction)."""
    if not deps.config.bridge.enabled:
        return
    store = deps.store
    for case_id in sorted(_TOUCHED.get() or ()):
        case = store.cases.by_id(case_id)
        if case is None or not rooms.mirrors(store, case, list(deps.ports)):
            continue
        shown = store.refs.get(case.platform, SHOWN, str(case.id)) or {"event": 0}
        events = store.timeline.events(case.id, after_id=int(shown["event"]))
        if not events:
            continue
        effects = Effects(deps, case)
        for e in events:
            if e.kind in RELAYED:
                by = f"{mention(e.by)} " if e.by else ""
                effects.post(Reply(text=f"{by}{e.kind.replace('_', ' ')}: {e.text}",
                                   private=False, mentions=(e.by,) if e.by else ()),
                             _("show the {kind} in the swarm's rooms").format(
                                 kind=e.kind.replace('_', ' ')))
        store.refs.put(case.platform, SHOWN, str(case.id), {"event": events[-1].id},
                       deps.now_iso())
