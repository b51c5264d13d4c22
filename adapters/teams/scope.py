"""Whose data a Teams activity sees: its Entra tenant's (bot/tenancy.py).

Every Teams delivery carries its tenant (`channelData.tenant.id`) as its workspace (kept in
the inbox, so a replay knows it too). Whether it runs in that tenant's scope depends on what
the deployment keeps apart:

- Slack serving one workspace (SLACK_BOT_TOKEN) or no Slack at all: nothing. The activity
  runs unscoped, as before: one organisation, whose Teams and Slack cases see each other
  (a tenant scope would only hide what is the whole deployment's, such as the digest
  page's link). A single-tenant registration refuses other tenants at the door already.
- Slack serving several workspaces (`[slack.oauth]`): the activity runs as its tenant, one
  more workspace kept apart. The cases it opens and the people it records are the
  tenant's; it sees nothing of a Slack workspace's, unless the bridge is on
  (`[bridge] enabled`), which joins the tenant with SLACK_BOT_TOKEN's workspace, the
  deployment's own: a case of either is seen, worked on and mirrored from both, and the
  Slack calls a Teams command makes go with that workspace's token. Workspaces installed
  by OAuth never see a Teams case, nor Teams theirs. An activity naming no tenant sees
  nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import tenancy

PLATFORM = "teams"
NO_TENANT = "-"  # an activity that names none, where tenants are kept apart


@dataclass
class TeamsScope:
    # The deployment keeps workspaces apart (Slack with [slack.oauth]).
    apart: bool = False
    # The workspaces a Teams tenant is joined with (see above), where kept apart.
    joined: tuple[str, ...] = ()
    slack_team: str = ""  # SLACK_BOT_TOKEN's workspace, where Slack is served

    def tenant(self, tenant_id: str | None) -> tenancy.Tenant | None:
        if not self.apart:
            return None
        return tenancy.Tenant(tenant_id or NO_TENANT, platform=PLATFORM, also=self.joined)

    def earlier(self, tenant_id: str) -> tuple[str, ...]:
        """Where Teams rows kept before tenants were recorded are (they become the
        tenant's): unscoped, or claimed by SLACK_BOT_TOKEN's workspace when several Slack
        workspaces came to be served."""
        return tuple(dict.fromkeys(w for w in ("", self.slack_team) if w != tenant_id))


def scope_for(slack_served: bool, several_workspaces: bool, bridged: bool,
              slack_team: str) -> TeamsScope:
    """The scope of a deployment: Slack served or not, with [slack.oauth] or not, the bridge
    on or not, SLACK_BOT_TOKEN's workspace."""
    if not (slack_served and several_workspaces):
        return TeamsScope(apart=False, slack_team=slack_team)
    return TeamsScope(apart=True, joined=(slack_team,) if bridged and slack_team else (),
                      slack_team=slack_team)


def join_slack(scope: TeamsScope, joined: dict[str, tuple[str, ...]], tenant_id: str) -> None:
    """The other way round: SLACK_BOT_TOKEN's workspace sees the tenant's cases, where the
    bridge joins them (the tenant must be configured: MicrosoftAppTenantId)."""
    if scope.apart and scope.joined and tenant_id:
        joined[scope.slack_team] = (tenant_id,)
