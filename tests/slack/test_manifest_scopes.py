"""Issue 25: every Slack Web API method the adapter calls has its scope in the manifest
(on main `users.lookupByEmail` had none, so on a real workspace every helpdesk swarm asked
triage for an owner). Scopes are read from Slack's own OpenAPI spec (../shared/specs), whose
older names are mapped to the granular ones a manifest asks for."""

from __future__ import annotations

import json
import re

import pytest

from adapters.slack.manifest import BOT_SCOPES
from tests.conftest import REPO, SPECS

SPEC = SPECS / "slack_web_openapi_v2.json"
# The spec predates granular bot scopes: what each of its older names is called now.
NOW_CALLED = {"chat:write:bot": "chat:write", "chat:write:user": "chat:write",
              "channels:write": "channels:manage"}


def called_methods() -> set[str]:
    source = "\n".join(p.read_text() for p in (REPO / "adapters" / "slack").glob("*.py"))
    return set(re.findall(r'"((?:chat|conversations|users|files|views)\.[a-zA-Z]+)"', source))


def test_every_called_method_has_a_scope_in_the_manifest() -> None:
    if not SPEC.exists():
        pytest.skip(f"Slack's OpenAPI spec is not at {SPEC} (only in the project workspace)")
    paths = json.loads(SPEC.read_text())["paths"]
    methods = called_methods()
    assert {"users.lookupByEmail", "users.info", "chat.postMessage"} <= methods
    missing = {}
    for method in sorted(methods):
        op = next(iter(paths[f"/{method}"].values()))
        needs = {NOW_CALLED.get(s, s) for sec in op.get("security", [])
                 for s in sec.get("slackAuth", [])}
        if needs and not needs & set(BOT_SCOPES):
            missing[method] = sorted(needs)
    assert missing == {}
