"""`[account_owners]`: who owns each customer account, added as a follower of its cases.

A support org's account owner (customer success, the account manager) wants to know when
their customer's case changes hands, turns sour or is resolved, without joining the swarm
(issue 26). The organisation comes from the helpdesk ticket, else the case's customer; keys
are matched without regard to case or surrounding spaces.

    [account_owners]
    "Acme Corp" = "U0ACCTOWNER"
    "Globex" = ["U0ONE", "U0TWO"]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def problems(table: Mapping[str, Any]) -> list[str]:
    """One line per entry that is not a person id or a list of them."""
    found = []
    for name, value in table.items():
        ids = [value] if isinstance(value, str) else value
        if not isinstance(ids, list) or not ids or \
                not all(isinstance(i, str) and i.strip() for i in ids):
            found.append(f"[account_owners] {name!r} must be a person id or a list of them, "
                         f'e.g. "{name}" = "U0123ABCD"')
    return found


def of(table: Mapping[str, Any], organisation: str | None) -> tuple[str, ...]:
    """The account owners of `organisation` (none when it is unknown or not listed)."""
    if not organisation or not table:
        return ()
    wanted = organisation.strip().casefold()
    for name, value in table.items():
        if name.strip().casefold() == wanted:
            ids = [value] if isinstance(value, str) else value
            return tuple(i.strip() for i in ids)
    return ()
