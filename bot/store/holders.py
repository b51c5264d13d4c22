"""Holders on a store with one process (SQLite): nobody else holds anything, so every row
is this process's and nothing is ever taken over (bot/store/interfaces/holders.py)."""

from __future__ import annotations

from bot.store.interfaces.holders import TakenOver


class OneProcess:
    def several(self) -> bool:
        return False

    def me(self) -> int | None:
        return None

    def hold(self) -> bool:
        return True

    def take_over(self, at: str) -> TakenOver:
        return TakenOver()

    def close(self) -> None:
        return None
