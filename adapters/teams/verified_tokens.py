"""Bot Framework tokens already verified, remembered until they expire (botbuilder_fixes
defect 8).

The Bot Connector sends the same token with every activity for as long as it is valid.
Verifying one costs ~0.7 ms before the body is read (`verify_token`) and ~1.4 ms more in
botbuilder's own validation (`authenticate_request`), measured with a loopback issuer's
token on the 2-core machine: PyJWT 2.15 checks each base64url segment character by
character in Python (a security fix), and botbuilder decodes the token about ten times a
request. The answer is the same for the same inputs until the token expires, so it is
kept: keyed by the whole Authorization header and, for botbuilder's validation, by the
activity fields it checks the token against (channel id, service URL). A different
token, a different service URL or an expired token is verified in full again.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

MAX_TOKENS = 1024  # distinct (header, channel, service URL) kept; the oldest go first


class VerifiedTokens:
    def __init__(self, clock: Callable[[], float] = time.time,
                 size: int = MAX_TOKENS) -> None:
        self._clock = clock
        self._size = size
        self._seen: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def get(self, key: Hashable) -> Any | None:
        """What verifying `key` gave, if it was verified and its token has not expired."""
        hit = self._seen.get(key)
        if hit is None:
            return None
        expires, value = hit
        if self._clock() >= expires:
            del self._seen[key]
            return None
        return value

    def put(self, key: Hashable, claims: dict[str, Any], value: Any) -> None:
        """Keep `value` until the token's `exp` claim (a token without one is not kept)."""
        expires = claims.get("exp")
        if not isinstance(expires, int | float) or isinstance(expires, bool):
            return
        self._seen[key] = (float(expires), value)
        self._seen.move_to_end(key)
        while len(self._seen) > self._size:
            self._seen.popitem(last=False)
