"""What every repository's interface shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.errors import CommandError


class SchemaError(CommandError):
    """The database's schema is not the one this release runs on: one line saying what to do
    (a newer schema is never written to by an older release)."""


Row = Sequence[Any]  # one positional row of a bulk load, in the order the bulk method documents
