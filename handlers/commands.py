"""Every command module's commands, in the order help lists them: the one list the entrance
(and the checks of a config's renames) start from.

This module sits above the command modules and the registry they import; nothing they
import imports it, so assembling the list is explicit and cycle-free.
"""

from __future__ import annotations

from handlers import (
    asks,
    cases,
    desk,
    digest,
    following,
    handoff,
    help_command,
    journal,
    knowledge,
    lifecycle,
    people,
    retry,
    roles,
    swarm,
)
from handlers.registry import Command

MODULES = (cases, lifecycle, swarm, asks, handoff, journal, knowledge, people, following,
           roles, digest, retry, desk, help_command)


def all_commands() -> list[Command]:
    """A new list each call (the entrance appends extra commands to its own)."""
    return [c for module in MODULES for c in module.COMMANDS]
