"""People by email on Teams, for a helpdesk ticket's assignee (bot.helpdesk.ChatDirectory).

The team roster comes from the Bot Connector (GET v3/conversations/{teamId}/members, what
botbuilder's TeamsInfo.get_team_members reads): each member has its Teams id (29:…), its
Entra ID object id, and `email` / `userPrincipalName`. An email is matched against both.
Where Graph is configured, an email the roster does not show is looked up there
(GET /users/{email}) and matched to the roster by object id: the Teams id is what a swarm
needs (to mention, to message), and only the roster has it. Nothing is guessed: a person
not found is None, and the swarm asks triage for an owner.

Not cached, on purpose: a lookup happens once per ticket webhook or accepted handoff, far
below the connector's limits, and a cached roster would miss whoever joined the team since
(or keep whoever left). Names learned on the way are kept, so mentions render.
"""

from __future__ import annotations

from typing import Any

from adapters.teams.connector import BotConnector
from adapters.teams.directory import Directory
from adapters.teams.graph import GraphClient
from bot.config import TeamsConfig

ACTION = "look people up in the team"


def team_conversation(config: TeamsConfig) -> str:
    """The conversation whose members are the team: the team's id, else a channel of it
    (a channel's conversation answers with the whole team's roster)."""
    for cid in (config.swarm_team_id, config.swarm_channel_id, config.triage_channel_id):
        if cid:
            return cid.split(";")[0]
    return ""


def _emails(member: dict[str, Any]) -> set[str]:
    return {str(member.get(k) or "").strip().lower() for k in ("email", "userPrincipalName")
            } - {""}


class Roster:
    def __init__(self, config: TeamsConfig, connector: BotConnector, directory: Directory,
                 graph: GraphClient | None = None) -> None:
        self.config = config
        self.connector = connector
        self.directory = directory
        self.graph = graph

    async def user_by_email(self, email: str) -> str | None:
        wanted = email.strip().lower()
        team = team_conversation(self.config)
        if not wanted or not team:
            return None
        members = await self.connector.members(ACTION, await self.directory.service_url(team),
                                              team)
        found = next((m for m in members if wanted in _emails(m)), None)
        if found is None and self.graph is not None:
            user = await self.graph.find_user(email.strip())
            if user is not None:
                found = next((m for m in members if m.get("aadObjectId") == user.id), None)
        if found is None or not found.get("id"):
            return None
        if found.get("name"):
            self.directory.names[str(found["id"])] = str(found["name"])
        return str(found["id"])

    async def email_of(self, user_id: str) -> str | None:
        team = team_conversation(self.config)
        if not team:
            return None
        member = await self.connector.member(ACTION, await self.directory.service_url(team), team,
                                             user_id)
        if member is None:
            return None
        return str(member.get("email") or member.get("userPrincipalName") or "") or None

    async def object_id(self, user_id: str) -> str | None:
        """A team member's Entra ID object id (what Graph knows them by), or None."""
        team = team_conversation(self.config)
        if not team:
            return None
        member = await self.connector.member(ACTION, await self.directory.service_url(team), team,
                                             user_id)
        return str(member.get("aadObjectId") or "") or None if member else None
