"""`admin set <key> <value>`, `admin settings`: a workspace's own settings, changed in chat by
its managers and recorded with who and when (bot/workspace_settings.py)."""

from __future__ import annotations

from bot import tenancy, workspace_settings
from bot.domain import Person
from bot.errors import CommandError, NotAllowed
from bot.i18n import _
from bot.services.base import Deps

NOT_HERE = ("`admin` changes one workspace's settings where a deployment serves several "
            "(docs/slack-oauth.md); here, change config.toml")


def _team() -> str:
    team = tenancy.team()
    if not team:
        raise CommandError(NOT_HERE)
    return team


def set_setting(deps: Deps, actor: Person, platform: str, key: str, value: str) -> str:
    """The value as kept; only a manager of the workspace may change it."""
    team = _team()
    if not deps.is_manager(actor):
        raise NotAllowed(_("only a manager of this workspace changes its settings"))
    try:
        kept = workspace_settings.checked(key, value)
    except ValueError as err:
        raise CommandError(str(err)) from None
    deps.store.installations.set_setting(platform, team, key, kept, actor.id, deps.now_iso())
    return kept


def settings(deps: Deps, actor: Person, platform: str) -> dict[str, tuple[str, str, str]]:
    """name -> (value, who, when) of what was set in chat; the section's as (value, '', '')."""
    team = _team()
    if not deps.is_manager(actor):
        raise NotAllowed(_("only a manager of this workspace reads its settings"))
    section = workspace_settings.effective(deps.config, team, {})
    found = {k: (str(v), "", "") for k, v in section.items() if k != "types"}
    found.update(deps.store.installations.settings(platform, team))
    return found
