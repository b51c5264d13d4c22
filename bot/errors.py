"""Errors whose message is meant for the user, shown as written (errbot's CommandError)."""


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

    def __init__(self, action: str, detail: str) -> None:
        super().__init__(f"{action} failed: {detail}")
        self.action = action
        self.detail = detail


class ConfigError(Exception):
    """Start-up cannot go on: a missing secret or a bad config key. Names the key.

    It can carry several problems (every one found in a config is reported at once, one
    line each); `str(err)` is those lines joined."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)
