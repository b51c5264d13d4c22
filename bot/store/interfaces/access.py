"""Who takes part and who may see (issue 26): roles granted in chat, followers, and whether a
case is confidential."""

from __future__ import annotations

from typing import Protocol

from bot.domain import Ask, RoleGrant


class Access(Protocol):
    """Roles granted in chat (a history), the people following cases, confidential cases."""

    # roles: at most one active grant per person
    def grant_role(self, person: str, role: str, by: str, why: str | None, at: str) -> int:
        """A new active grant; the caller renounces the one before it first."""
    def renounce_role(self, person: str, by: str, why: str | None, at: str) -> RoleGrant | None:
        """End the person's active grant; the grant as it was, or None if there was none."""
    def role_of(self, person: str) -> RoleGrant | None:
        """The person's active grant, if any."""
    def roles(self, active_only: bool = True) -> list[RoleGrant]:
        """Grants, oldest first (with `active_only` False: the whole history)."""

    # followers: watching a case without taking part
    def follow(self, case_id: int, person: str, at: str, by: str | None,
               why: str | None) -> bool:
        """False if they were following it already."""
    def unfollow(self, case_id: int, person: str, at: str) -> bool:
        """False if they were not following it."""
    def followers(self, case_id: int) -> list[str]:
        """Who follows the case now, in the order they started."""
    def following(self, person: str) -> list[int]:
        """The cases the person follows now, by id."""

    # direct asks: one person asked to help, the next one if they decline
    def add_ask(self, case_id: int, person: str, skill: str | None, by: str, at: str,
                first_id: int | None) -> int: ...
    def pending_ask(self, case_id: int, person: str) -> Ask | None: ...
    def pending_asks(self) -> list[Ask]:
        """Every ask still waiting for its answer, oldest first."""
    def asks(self, case_id: int) -> list[Ask]:
        """The case's asks, oldest first."""
    def decide_ask(self, ask_id: int, state: str, at: str, reason: str | None) -> bool:
        """Answer a pending ask; False if it was answered already (by another replica)."""

    # confidential cases
    def set_confidential(self, case_id: int, confidential: bool) -> None: ...
