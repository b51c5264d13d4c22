"""Every action_id and callback_id the adapter renders, in one place.

A test checks that each id rendered in blocks, views and the manifest has a listener in
`adapters.slack.app`, and that each listener has something that renders its id.
"""

from __future__ import annotations

import re

# Buttons rendered from Reply.buttons. Slack wants action_ids unique within a block, so a
# button's id is the prefix plus its index ("swarm_run:0"); listeners match the prefix.
ACTION_RUN = "swarm_run"  # value = command text, run as is
ACTION_FORM = "swarm_form"  # value = command text that needs a form (handoff, resolve, open)

ACTION_PATTERNS = {
    ACTION_RUN: re.compile(rf"^{ACTION_RUN}(:\d+)?$"),
    ACTION_FORM: re.compile(rf"^{ACTION_FORM}(:\d+)?$"),
}

# Modals (view_submission callback ids). Every form is rendered with VIEW_FORM and names
# its command in private_metadata; the other three are the ids of forms an earlier version
# opened, still answered so a form left open across a deploy is not lost.
VIEW_FORM = "swarm_form"
VIEW_OPEN = "swarm_open"
VIEW_HANDOFF = "swarm_handoff"
VIEW_RESOLVE = "swarm_resolve"
VIEWS = (VIEW_FORM, VIEW_OPEN, VIEW_HANDOFF, VIEW_RESOLVE)
OLD_VIEWS = {VIEW_OPEN: "open", VIEW_HANDOFF: "handoff", VIEW_RESOLVE: "resolve"}

# Events the app subscribes to (manifest bot_events) and listens for.
EVENTS = (
    "member_joined_channel",
    "member_left_channel",
    "message.channels",
    "message.groups",
    "app_home_opened",
    # Enterprise Grid: a case's room shared with another workspace of the org, or no longer.
    "channel_shared",
    "channel_unshared",
)


def action_id(prefix: str, index: int) -> str:
    return f"{prefix}:{index}"
