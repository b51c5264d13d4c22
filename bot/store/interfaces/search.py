"""Full-text search over cases (`find`, `similar`)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from bot.domain import CaseStatus


class Search(Protocol):
    """Full-text search over what each case says: its summary, what was tried, its notes,
    its decisions and its resolution. Words in, case ids out, best first (BM25 in SQLite,
    ts_rank in PostgreSQL); equal scores put the newest case first. The index follows every
    write in the same transaction."""

    def ranked(self, words: Sequence[str], *, every_word: bool = True,
               status: CaseStatus | None = None, platforms: Sequence[str] = (),
               customer: str | None = None, skill: str | None = None,
               exclude: int | None = None, limit: int = 10, offset: int = 0) -> list[int]:
        """`words` are plain lower-case words (no query syntax), or compounds: two words
        joined by one space (`log in`), found split or joined (`login`). Each word also
        matches its stem, its prefix (with `every_word`) and, when no case holds it, the
        words one typo away (bot/store/search_words.py). `every_word` asks for cases
        with all of them, else any of them; `platforms` () means every platform; `customer`
        matches whole, regardless of case; `skill` keeps cases that asked for it."""
    def suggestions(self, words: Sequence[str]) -> dict[str, list[str]]:
        """For each word no case holds (even stemmed, as a prefix, split or one typo
        away), the nearest words some case holds, as a case wrote them, nearest first."""
    def bulk_load(self) -> AbstractContextManager[None]:
        """Cases added inside (the demo's bulk load) are indexed once, on the way out."""
