"""The drafts table (issue 30): what an assistant drafted, by which model and prompt."""

from __future__ import annotations

from typing import Any

from bot.store.base import BaseQueries
from bot.store.interfaces.drafts import Draft


class _SqlDrafts(BaseQueries):
    def add(self, case_id: int, kind: str, asked_by: str, at: str, model: str,
            prompt_version: str, text: str, tokens: int) -> int:
        return self._insert(
            "INSERT INTO drafts (case_id, kind, asked_by, made_at, model, prompt_version, "
            "text, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (case_id, kind, asked_by, at, model, prompt_version, text, tokens))

    def get(self, draft_id: int) -> Draft | None:
        r = self._one("SELECT * FROM drafts WHERE id = ?", (draft_id,))
        return _draft(r) if r else None

    def of_case(self, case_id: int) -> list[Draft]:
        return [_draft(r) for r in self._all(
            "SELECT * FROM drafts WHERE case_id = ? ORDER BY id", (case_id,))]


def _draft(r: dict[str, Any]) -> Draft:
    return Draft(id=r["id"], case_id=r["case_id"], kind=r["kind"], asked_by=r["asked_by"],
                 made_at=r["made_at"], model=r["model"], prompt_version=r["prompt_version"],
                 text=r["text"], tokens=r["tokens"])


class SqlDecisionRecord(BaseQueries):
    """Mixed into SqlDrafts: the decision log read for a decision's track record."""

    def decision_record(self, risk: str, kind: str, but: int) -> list[tuple[str, str | None]]:
        rows = self._all(
            "SELECT d.outcome AS outcome, (SELECT m.level FROM moods m "
            "WHERE m.case_id = d.case_id AND m.at <= d.outcome_at "
            "ORDER BY m.at DESC, m.id DESC LIMIT 1) AS mood "
            "FROM decisions d WHERE d.risk = ? AND d.outcome IS NOT NULL AND d.id <> ? "
            "AND (lower(d.decision) = ? OR lower(d.decision) LIKE ?) ORDER BY d.id",
            (risk, but, kind, kind + " %"))
        return [(r["outcome"], r["mood"]) for r in rows]


class SqlDrafts(_SqlDrafts, SqlDecisionRecord):
    """The drafts repository (bot/store/interfaces/drafts.py)."""
