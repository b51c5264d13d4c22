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
    return extract_enterprise_id(data), extract_team_id(data)
