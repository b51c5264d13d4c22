"""Which workspace a request comes from, and the one this deployment serves cases for.

With `[slack.oauth]`, any workspace can install the app, but the core has no workspace
column yet (docs/slack-oauth.md, "Several workspaces"): cases, people, search, the digest
and exports are one pool. So that nothing of one workspace is ever shown in another, the
core takes deliveries from the served workspace only (SLACK_BOT_TOKEN's, found by auth.test
at start-up); a slash command from any other is answered with one line, its buttons and
events are acknowledged and dropped, and nothing of it is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt.request.internals import extract_enterprise_id, extract_team_id


def workspace_of(body: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(enterprise id, team id) of a command, interaction or event, as Bolt reads them."""
    data = dict(body)
    return extract_enterprise_id(data), extract_team_id(data)


def other_workspace(body: Mapping[str, Any], served: str | None) -> str | None:
    """The team id of a request from a workspace other than `served`, else None (also
    when nothing is served apart, or the request names no team)."""
    if not served:
        return None
    _, team = workspace_of(body)
    return team if team and team != served else None


def not_served_text(slash: str) -> str:
    return (f"swarmbot is installed here, but this deployment keeps cases for one other "
            f"workspace only, so {slash} does nothing in this one yet. Ask your swarmbot "
            "admin (docs/slack-oauth.md).")
