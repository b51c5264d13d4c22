"""Who gets a workspace's weekly digest where one deployment serves several (issue 27).

Each workspace's managers, from its `[slack.workspaces.<team id>]` section, its Grid org's
section and `/swarm admin set managers` (bot/workspace_settings.py, what was set in chat
wins), get that workspace's digest, with its figures only (bot/tenancy.py) and a link to its
own page. Each (manager, workspace) is its own sent-marker (`slack:dm:<manager>@<team>`), so
a manager of two workspaces gets both, each once a week across replicas and restarts. A
`[digest] managers` person already gets the digest of the workspace they are known in: no
second one of it.
"""

from __future__ import annotations

from bot import workspace_settings
from bot.config import Config
from bot.digest.managers import Recipient
from bot.store import Store

PLATFORM = "slack"  # the only platform with several workspaces in one deployment


def serves_workspaces(config: Config) -> bool:
    """[slack.oauth] on: every installed workspace is served (docs/slack-oauth.md)."""
    return bool(config.slack.oauth.enabled)


def recipients(config: Config, store: Store) -> list[Recipient]:
    """Every workspace manager's digest, one per (manager, workspace) (on a store thread;
    `config` the deployment's, no tenant in scope)."""
    deployment = set(config.digest.managers)
    found: list[Recipient] = []
    for team, org in store.installations.workspaces(PLATFORM):
        chat = {name: value for name, (value, _, _) in
                store.installations.settings(PLATFORM, team).items()}
        managers = str(workspace_settings.effective(config, team, chat, org)
                       .get("managers") or "")
        for manager in dict.fromkeys(m for m in managers.split(",") if m):
            if manager in deployment and store.people.workspace_of(manager) == team:
                continue  # their [digest] managers digest is this workspace's already
            found.append(Recipient(manager, PLATFORM, f"{PLATFORM}:dm:{manager}@{team}",
                                   team, org))
    return found
