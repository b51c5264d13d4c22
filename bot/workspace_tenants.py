"""A workspace's tenant with its own settings, outside a delivery (issue 27).

A delivery from a workspace runs with its settings (the adapter reads them first). What
runs on no delivery (the scheduler's nudges, a helpdesk's intake) asks the platform's port
here, so it uses the case's workspace's triage channel, types and managers too
(bot/workspace_settings.py), not the deployment's.
"""

from __future__ import annotations

import asyncio

from bot import tenancy
from bot.ports import WorkspaceSettingsReader
from bot.services.base import Deps


async def with_settings(deps: Deps, platform: str, tenant: tenancy.Tenant | None
                        ) -> tenancy.Tenant | None:
    """`tenant` with its workspace's settings where `platform` serves several workspaces."""
    port = deps.ports.get(platform)
    if tenant is None or not isinstance(port, WorkspaceSettingsReader) or \
            not port.several_workspaces:
        return tenant
    return await port.with_settings(tenant)


async def known(deps: Deps) -> dict[tuple[str, str], tenancy.Tenant]:
    """(platform, team) -> the tenant with its settings, for every workspace known on each
    platform that serves several (none elsewhere)."""
    found: dict[tuple[str, str], tenancy.Tenant] = {}
    for platform, port in deps.ports.items():
        if not isinstance(port, WorkspaceSettingsReader) or not port.several_workspaces:
            continue
        teams = await asyncio.to_thread(deps.store.installations.workspaces, platform)
        for team, org in teams:
            found[platform, team] = await port.with_settings(tenancy.Tenant(team, org))
    return found
