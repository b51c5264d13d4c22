"""People and the skills directory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.domain import Person


class People(Protocol):
    """People (as each platform names them) and the skills directory."""

    def ensure(self, person: str, platform: str, name: str | None, tz: str | None, at: str
               ) -> Person:
        """The person, created on first sight; a time zone learnt later is filled in."""
    def get(self, person: str) -> Person | None: ...
    def many(self, persons: Sequence[str]) -> dict[str, Person]:
        """`get` of many people in one go: the ones that exist, by id."""
    def workspace_of(self, person: str) -> str:
        """The workspace the person was first seen in ('' where there is one)."""
    def platform_of(self, person: str) -> str | None: ...
    def set_manager(self, person: str, manager: bool) -> None: ...
    def set_available(self, person: str, available: bool) -> None: ...
    def set_function(self, person: str, function: str | None) -> None: ...
    def skills_of(self, person: str) -> list[str]: ...
    def add_skills(self, person: str, skills: Sequence[str]) -> None: ...
    def remove_skills(self, person: str, skills: Sequence[str]) -> None: ...
    def with_skills(self, skills: Sequence[str]) -> dict[str, list[str]]:
        """Person id -> which of `skills` they have, for everyone with at least one."""
