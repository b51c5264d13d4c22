"""Errors whose message is meant for the user, shown as written (errbot's CommandError)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class CommandError(Exception):
    """Bad input or a refused action. `str(err)` is one line for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # The form field the error is about (shown next to it when the command came from a
        # form); None when it is about the command as a whole.
        self.field = field
        self.command: str | None = None  # set by the router: the command that refused


class NotFound(CommandError):
    pass


class NotAllowed(CommandError):
    pass


class PortError(Exception):
    """A chat platform call failed (invite, post, archive…). Told to the user, never hidden."""

    def __init__(self, action: str, detail: str, *, transient: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(f"{action} failed: {detail}")
        self.action = action
        self.detail = detail
        # Transient: the platform may well do it if asked again later (429, 5xx, a dropped
        # connection); the outbox retries only these. Permanent refusals (channel_not_found,
        # not_authed, restricted_action) would fail the same way every time.
        self.transient = transient
        self.retry_after = retry_after  # seconds the platform asked us to wait, if it said


class ConfigError(Exception):
    """Start-up cannot go on: a missing secret or a bad config key. Names the key.

    It can carry several problems (every one found in a config is reported at once, one
    line each); `str(err)` is those lines joined."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header in seconds, from either of its forms (RFC 9110: a number of
    seconds or an HTTP-date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
