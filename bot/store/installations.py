"""Installations and OAuth states (bot/store/interfaces/installations.py): portable SQL."""

from __future__ import annotations

from bot.store.base import BaseQueries

# Issue 27: installations of the app by OAuth (their tokens sealed by the adapter: only
# the ids a lookup needs are in clear; user_id '' is the bot's installation) and the
# one-time states of the Add to Slack links.
APP_INSTALLATIONS = """
CREATE TABLE app_installations (
    platform TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    team_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    sealed TEXT NOT NULL,
    installed_at TEXT NOT NULL,
    PRIMARY KEY (platform, enterprise_id, team_id, user_id)
);
CREATE TABLE oauth_states (
    state TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
)
"""


class SqlInstallations(BaseQueries):
    def save_bot(self, platform: str, enterprise_id: str, team_id: str, sealed: str,
                 at: str) -> None:
        self.db.execute(
            "INSERT INTO app_installations (platform, enterprise_id, team_id, user_id, sealed, "
            "installed_at) VALUES (?, ?, ?, '', ?, ?) ON CONFLICT (platform, enterprise_id, "
            "team_id, user_id) DO UPDATE SET sealed = excluded.sealed, "
            "installed_at = excluded.installed_at", (platform, enterprise_id, team_id, sealed, at))

    def find_bot(self, platform: str, enterprise_id: str, team_id: str) -> str | None:
        r = self._one("SELECT sealed FROM app_installations WHERE platform = ? AND "
                      "enterprise_id = ? AND team_id = ? AND user_id = ''",
                      (platform, enterprise_id, team_id))
        return str(r["sealed"]) if r else None

    def delete_bot(self, platform: str, enterprise_id: str, team_id: str) -> int:
        return self.db.execute(
            "DELETE FROM app_installations WHERE platform = ? AND enterprise_id = ? AND "
            "team_id = ? AND user_id = ''", (platform, enterprise_id, team_id)).rowcount

    def save_user(self, platform: str, enterprise_id: str, team_id: str, user_id: str,
                  sealed: str, at: str) -> None:
        assert user_id, "a user installation has a user (the bot's has user_id '')"
        self.db.execute(
            "INSERT INTO app_installations (platform, enterprise_id, team_id, user_id, sealed, "
            "installed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, enterprise_id, "
            "team_id, user_id) DO UPDATE SET sealed = excluded.sealed, "
            "installed_at = excluded.installed_at",
            (platform, enterprise_id, team_id, user_id, sealed, at))

    def find_user(self, platform: str, enterprise_id: str, team_id: str,
                  user_id: str | None) -> str | None:
        where = "platform = ? AND enterprise_id = ? AND team_id = ? AND user_id "
        if user_id:
            r = self._one(f"SELECT sealed FROM app_installations WHERE {where}= ?",
                          (platform, enterprise_id, team_id, user_id))
        else:
            r = self._one(f"SELECT sealed FROM app_installations WHERE {where}<> '' "
                          "ORDER BY installed_at DESC, user_id LIMIT 1",
                          (platform, enterprise_id, team_id))
        return str(r["sealed"]) if r else None

    def delete_users(self, platform: str, enterprise_id: str, team_id: str,
                     user_id: str | None) -> int:
        where = "platform = ? AND enterprise_id = ? AND team_id = ? AND user_id "
        if user_id:
            return self.db.execute(f"DELETE FROM app_installations WHERE {where}= ?",
                                   (platform, enterprise_id, team_id, user_id)).rowcount
        return self.db.execute(f"DELETE FROM app_installations WHERE {where}<> ''",
                               (platform, enterprise_id, team_id)).rowcount

    def issue_state(self, state: str, expires_at: str) -> None:
        self.db.execute("INSERT INTO oauth_states (state, expires_at) VALUES (?, ?)",
                        (state, expires_at))

    def consume_state(self, state: str, at: str) -> bool:
        # One DELETE: of two callbacks racing with the same state (a replay), one deletes
        # the row and the other finds nothing. An expired state is deleted too, and refused.
        row = self._one("DELETE FROM oauth_states WHERE state = ? RETURNING expires_at",
                        (state,))
        return row is not None and str(row["expires_at"]) > at

    def take_refresh_lease(self, platform: str, installation: str, holder: str, at: str,
                           until: str) -> bool:
        # One statement: of two replicas asking at once, one inserts (or takes over a lease
        # run out) and the other's conflicting row matches no WHERE.
        return self.db.execute(
            "INSERT INTO token_refresh_leases (platform, installation, holder, until) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (platform, installation) DO UPDATE SET "
            "holder = excluded.holder, until = excluded.until "
            "WHERE token_refresh_leases.until <= ? OR token_refresh_leases.holder = "
            "excluded.holder", (platform, installation, holder, until, at)).rowcount == 1

    def end_refresh_lease(self, platform: str, installation: str, holder: str) -> None:
        self.db.execute("DELETE FROM token_refresh_leases WHERE platform = ? AND "
                        "installation = ? AND holder = ?", (platform, installation, holder))

    # a workspace's settings changed in chat (`admin set`): every change kept, the last wins
    def set_setting(self, platform: str, workspace: str, name: str, value: str, by: str,
                    at: str) -> int:
        return self._insert(
            "INSERT INTO workspace_settings (platform, workspace, name, value, by_id, at) "
            "VALUES (?, ?, ?, ?, ?, ?)", (platform, workspace, name, value, by, at))

    def settings(self, platform: str, workspace: str) -> dict[str, tuple[str, str, str]]:
        """name -> (value, by, at), the last change of each."""
        found: dict[str, tuple[str, str, str]] = {}
        for r in self._all("SELECT name, value, by_id, at FROM workspace_settings WHERE "
                           "platform = ? AND workspace = ? ORDER BY id", (platform, workspace)):
            found[r["name"]] = (r["value"], r["by_id"], r["at"])
        return found

    def workspaces(self, platform: str) -> list[tuple[str, str]]:
        """(team, org) of every workspace known on `platform`: installed, with settings set
        in chat, or with cases or people of its own; a team once, with its org if known."""
        found: dict[str, str] = {}
        for r in self._all(
                "SELECT team_id AS team, enterprise_id AS org FROM app_installations "
                "WHERE platform = ? AND team_id <> '' AND user_id = '' "
                "UNION SELECT workspace AS team, '' AS org FROM workspace_settings "
                "WHERE platform = ? "
                "UNION SELECT DISTINCT workspace AS team, org FROM cases WHERE platform = ? "
                "AND workspace NOT IN ('', '-') "
                "UNION SELECT DISTINCT workspace AS team, '' AS org FROM people "
                "WHERE platform = ? AND workspace NOT IN ('', '-')",
                (platform, platform, platform, platform)):
            team, org = str(r["team"]), str(r["org"] or "")
            if org or team not in found:
                found[team] = org
        return sorted(found.items())
