"""Which workspaces a case belongs to and is shared with (issue 27): the rows kept before
several workspaces (or a platform's tenants) were told apart are claimed, and a Grid room's
shares are recorded. Part of the cases repository (bot/store/cases.py)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.store.base import BaseQueries


class CaseWorkspaces(BaseQueries):
    def claim_unscoped(self, workspace: str) -> int:
        """Rows kept before several workspaces were served (workspace '') become
        `workspace`'s; the cases claimed."""
        moved = self.db.execute("UPDATE cases SET workspace = ? WHERE workspace = ''",
                                (workspace,)).rowcount
        for table in ("people", "frictions", "thanks"):
            # The table names are this method's constants, never caller input.
            self.db.execute(f"UPDATE {table} SET workspace = ? WHERE workspace = ''",
                            (workspace,))
        return int(moved)

    def claim_platform(self, platform: str, earlier: Sequence[str], workspace: str) -> int:
        """`platform`'s cases and people kept in the workspaces `earlier` (before its
        tenants were recorded) become `workspace`'s; the cases claimed. A ref `workspace`
        has already stays where it is (refs are unique per workspace)."""
        if not earlier:
            return 0
        marks = ", ".join("?" for _ in earlier)
        moved = self.db.execute(
            f"UPDATE cases SET workspace = ? WHERE platform = ? AND workspace IN ({marks}) "
            "AND NOT EXISTS (SELECT 1 FROM cases o WHERE o.workspace = ? AND "
            "lower(o.ref) = lower(cases.ref))",
            (workspace, platform, *earlier, workspace)).rowcount
        self.db.execute(f"UPDATE people SET workspace = ? WHERE platform = ? AND workspace IN "
                        f"({marks})", (workspace, platform, *earlier))
        return int(moved)

    def share(self, case_id: int, workspace: str, at: str) -> bool:
        """On Enterprise Grid: the case's room is shared with `workspace` (a team, or the
        org's enterprise id: every workspace of the org), whose people then see the case
        too (bot/store/scope.py). True when it was not shared with it before."""
        added = self.db.execute(
            "INSERT INTO case_shares (case_id, workspace, at) VALUES (?, ?, ?) "
            "ON CONFLICT (case_id, workspace) DO NOTHING", (case_id, workspace, at)).rowcount
        self.db.execute("UPDATE cases SET shared = 1 WHERE id = ?", (case_id,))
        return bool(added)

    def unshare(self, case_id: int, workspace: str) -> int:
        """The room is no longer shared with `workspace`: its share goes, and the org's
        (the room is not the whole org's any more); unshared from the org, every share.
        The shares removed."""
        gone = self.db.execute(
            "DELETE FROM case_shares WHERE case_id = ? AND (workspace = ? OR workspace = "
            "(SELECT org FROM cases WHERE id = ?) OR ? = (SELECT org FROM cases WHERE id = ?))",
            (case_id, workspace, case_id, workspace, case_id)).rowcount
        self.db.execute("UPDATE cases SET shared = CASE WHEN EXISTS (SELECT 1 FROM case_shares "
                        "WHERE case_id = ?) THEN 1 ELSE 0 END WHERE id = ?", (case_id, case_id))
        return int(gone)

    def shared_with(self, case_id: int) -> list[str]:
        return [str(r["workspace"]) for r in self._all(
            "SELECT workspace FROM case_shares WHERE case_id = ? ORDER BY workspace",
            (case_id,))]
