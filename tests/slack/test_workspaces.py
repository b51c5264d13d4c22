"""Issue 27: every Slack delivery carries its workspace (team id, and enterprise id on
Enterprise Grid), kept in the inbox row so that a replay has it too."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack.deliveries import delivery_of
from handlers.delivery import Delivery, Workspace
from testkit.slack.signing import payload


def grid(body: dict[str, Any]) -> dict[str, Any]:
    """The same payload from workspace T0202 of the Grid org E0001."""
    body = dict(body)
    if "team_id" in body:
        body.update(team_id="T0202", enterprise_id="E0001")
    if isinstance(body.get("team"), dict):
        body["team"] = {"id": "T0202", "enterprise_id": "E0001"}
    if "authorizations" in body:
        body["authorizations"] = [{"enterprise_id": "E0001", "team_id": "T0202",
                                   "user_id": "UBOT", "is_bot": True,
                                   "is_enterprise_install": False}]
    return body


@pytest.mark.parametrize(("kind", "body"), [
    ("command", payload("slash_command.json")),
    ("action", {**payload("block_actions.json"),
                "actions": [{"action_id": "swarm_run:0", "value": "join ZD-1"}]}),
    ("event", {**payload("event_callback.json"),
               "event": {"type": "member_joined_channel", "user": "U1", "channel": "C1"}}),
])
def test_each_kind_of_delivery_carries_its_workspace(kind: str, body: dict[str, Any]) -> None:
    delivery = delivery_of(kind, body, "k1")
    assert delivery is not None and delivery.workspace == Workspace("T0001")
    on_grid = delivery_of(kind, grid(body), "k2")
    assert on_grid is not None and on_grid.workspace == Workspace("T0202", "E0001")
    # The inbox keeps it: a replay (from the row's JSON) has the same workspace.
    assert Delivery.from_json(on_grid.to_json()) == on_grid


def test_a_delivery_without_a_workspace_reads_back_without_one() -> None:
    delivery = delivery_of("command", {**payload("slash_command.json"), "team_id": ""}, "k")
    assert delivery is not None and delivery.workspace is None
    assert "workspace" not in delivery.to_json()
    assert Delivery.from_json(delivery.to_json()) == delivery
