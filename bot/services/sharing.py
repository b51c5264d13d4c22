"""A case's room shared with another workspace of its Enterprise Grid org, or no longer
(Slack's channel_shared / channel_unshared events, docs/slack-oauth.md).

Shared, the case is seen from that workspace (`status`, `find`, `list`: bot/store/scope.py);
unshared, it is not any more. Shared with the org's enterprise id, every workspace of the
org sees it. The case is found by its room among the cases the delivery's workspace may
reach (its own, its org's): a room of another org, or of no case, changes nothing.
"""

from __future__ import annotations

import logging

from bot.services.base import Deps

log = logging.getLogger(__name__)


def room_shared(deps: Deps, platform: str, room: str, workspace: str, shared: bool) -> bool:
    """Mark (or unmark) the case of `room` shared with `workspace`; True when it changed."""
    store = deps.store
    with store.transaction():
        case = store.cases.by_room(room, lock=True)
        if case is None or not case.lives_on(platform) or not case.org or \
                workspace == case.workspace:
            return False
        changed = store.cases.share(case.id, workspace, deps.now_iso()) if shared \
            else store.cases.unshare(case.id, workspace) > 0
    if changed:
        log.info("%s: room %s %s %s", case.ref, room,
                 "shared with" if shared else "no longer shared with", workspace)
    return changed
