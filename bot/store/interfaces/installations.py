"""Installations of the app by OAuth, and the one-time states of the Add to Slack links.

The store knows no platform and no secret: `sealed` is an opaque string the adapter has
encrypted (adapters/slack/installations.py); only the ids a lookup needs are in clear.
`enterprise_id` and `team_id` are "" where Slack gives none (an org-wide install has no
team; a workspace outside Enterprise Grid has no enterprise).
"""

from __future__ import annotations

from typing import Protocol


class Installations(Protocol):
    def save_bot(self, platform: str, enterprise_id: str, team_id: str, sealed: str,
                 at: str) -> None:
        """The workspace's (or org's) bot installation, replacing an earlier one."""
    def find_bot(self, platform: str, enterprise_id: str, team_id: str) -> str | None: ...
    def delete_bot(self, platform: str, enterprise_id: str, team_id: str) -> int: ...
    def save_user(self, platform: str, enterprise_id: str, team_id: str, user_id: str,
                  sealed: str, at: str) -> None:
        """One installer's installation (their user token, if any), replacing theirs."""
    def find_user(self, platform: str, enterprise_id: str, team_id: str,
                  user_id: str | None) -> str | None:
        """That user's installation; with user_id None, the latest of the workspace's."""
    def delete_users(self, platform: str, enterprise_id: str, team_id: str,
                     user_id: str | None) -> int:
        """That user's installation, or (user_id None) every one of the workspace's."""
    def issue_state(self, state: str, expires_at: str) -> None: ...
    def consume_state(self, state: str, at: str) -> bool:
        """True once for a state issued and not yet expired at `at`; it is gone after."""
    def take_refresh_lease(self, platform: str, installation: str, holder: str, at: str,
                           until: str) -> bool:
        """True when `holder` now holds the lease to refresh `installation`'s token (nobody
        held it, or the last holder's ran out at `at`): one replica refreshes at a time."""
    def end_refresh_lease(self, platform: str, installation: str, holder: str) -> None: ...
    def set_setting(self, platform: str, workspace: str, name: str, value: str, by: str,
                    at: str) -> int:
        """A workspace's setting changed in chat; every change is kept."""
    def settings(self, platform: str, workspace: str) -> dict[str, tuple[str, str, str]]:
        """name -> (value, who set it, when): the last change of each."""
    def workspaces(self, platform: str) -> list[tuple[str, str]]:
        """(team, org) of every workspace known on `platform` (installed, with settings, or
        with cases or people of its own), each team once, with its org where known."""
