"""Which workspace a request comes from (team id, and enterprise id on Enterprise Grid), as
Bolt reads it. With [slack.oauth] every installed workspace is served, each with its own
cases (bot/tenancy.py, docs/slack-oauth.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt.request.internals import extract_enterprise_id, extract_team_id


def workspace_of(body: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(enterprise id, team id) of a command, interaction or event, as Bolt reads them."""
    data = dict(body)
    team = extract_team_id(data)
    if not team:
        # An org-wide install's request: Bolt names the org's installation (no team); the
        # workspace it came from is still in the payload.
        event: dict[str, Any] = data["event"] if isinstance(data.get("event"), dict) else {}
        found: dict[str, Any] = data["team"] if isinstance(data.get("team"), dict) else {}
        team = next((t for t in (data.get("team_id"), found.get("id"), event.get("team"),
                                 event.get("user_team")) if isinstance(t, str) and t), None)
    return extract_enterprise_id(data), team
