"""Whose data a unit of work sees: the workspace (tenant) a delivery came from.

With several Slack workspaces served by one deployment (docs/slack-oauth.md), every case,
person, friction report and thanks is recorded with the workspace it was made in, and every
read the store makes while a tenant is in scope is limited to it (bot/store/scope.py): a
user of workspace A never sees a case, a person, a search hit, a digest figure or an export
row of workspace B. On Enterprise Grid (`org`), a case is also seen from another workspace
of the same org when its room is shared there.

No tenant in scope (the single-workspace SLACK_BOT_TOKEN path, Teams beside it or alone,
the shell, the CLI) means no limit: the deployment holds one workspace's data.

Where several Slack workspaces are served, a Teams delivery runs as its Entra tenant
(`channelData.tenant.id`, `platform` "teams"), which also sees the cases of the workspaces
it is joined with (`also`): SLACK_BOT_TOKEN's workspace when the bridge is on
(adapters/teams/scope.py, docs/install-teams.md).

The tenant is a context variable set at the edge (the Slack adapter around a delivery and
around the outbox rows it performs); `Units.in_thread` carries it onto the unit thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from bot.config import Config


@dataclass(frozen=True)
class Tenant:
    team: str  # the Slack workspace (team id)
    org: str = ""  # its Enterprise Grid org (enterprise id), if any
    # The deployment's config with the workspace's own settings (bot/workspace_settings.py):
    # what the core reads as `Deps.config` while the tenant is in scope. None: the config.
    config: Config | None = field(default=None, compare=False, hash=False, repr=False)
    # Its triage room's id, where it differs from the port's.
    triage_room: str | None = field(default=None, compare=False, hash=False)
    # The platform it is a tenant of, where not Slack's workspace ("teams": an Entra tenant).
    platform: str = ""
    # Other workspaces whose cases (and people) it sees as its own: those it is joined with.
    also: tuple[str, ...] = ()

    def key(self) -> str:
        """How the tenant is written where one text names it (outbox payloads, caches)."""
        key = f"{self.org}/{self.team}" if self.org else self.team
        return f"{self.platform}:{key}" if self.platform else key

    @classmethod
    def from_key(cls, key: str) -> Tenant | None:
        if not key:
            return None
        platform, _, key = key.rpartition(":")
        org, _, team = key.rpartition("/")
        return cls(team=team, org=org, platform=platform)

    def workspaces(self) -> tuple[str, ...]:
        """Its own workspace first, then those it is joined with."""
        return (self.team, *(w for w in self.also if w != self.team))


def of(workspace: str, org: str = "", platform: str = "") -> Tenant | None:
    """The tenant a row recorded (a case's workspace and org); None for '' (no tenancy).
    `platform`: the case's (a port calls for a tenant of another platform with the
    deployment's own credentials)."""
    return Tenant(workspace, org, platform=platform) if workspace else None


_SCOPE: ContextVar[Tenant | None] = ContextVar("swarmbot_tenant", default=None)


def current() -> Tenant | None:
    return _SCOPE.get()


def team() -> str:
    """The current tenant's workspace, '' when none is in scope (what new rows record)."""
    found = _SCOPE.get()
    return found.team if found else ""


def org() -> str:
    found = _SCOPE.get()
    return found.org if found else ""


@contextmanager
def scoped(tenant: Tenant | None) -> Iterator[None]:
    """Everything run inside sees `tenant`'s data only (None: no limit)."""
    token = _SCOPE.set(tenant)
    try:
        yield
    finally:
        _SCOPE.reset(token)
