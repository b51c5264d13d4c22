"""Signed, expiring links to the digest page: HMAC-SHA256 over the week and the expiry.

The page shows a team's figures and colleagues' words, so it is reachable only through a
link the bot made: `/digest/2026-W46?exp=<unix seconds>&sig=<hex>`. The secret comes from
the environment (SWARMBOT_LINK_SECRET); without it no link is made and every page is 403.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from datetime import datetime

from bot.config import Config, require_secret

SECRET_ENV = "SWARMBOT_LINK_SECRET"
DEFAULT_HOURS = 7 * 24


def link_secret(env: Mapping[str, str] | None = None) -> str | None:
    value = (env if env is not None else os.environ).get(SECRET_ENV, "").strip()
    return value or None


def require_link_secret(env: Mapping[str, str] | None = None) -> str:
    return require_secret(SECRET_ENV, "digest links, which are signed with it", env)


def signature(secret: str, week: str, exp: int) -> str:
    return hmac.new(secret.encode(), f"digest:{week}:{exp}".encode(),
                    hashlib.sha256).hexdigest()


def signed_path(secret: str, week: str, now: datetime, hours: float = DEFAULT_HOURS) -> str:
    exp = int(now.timestamp() + hours * 3600)
    return f"/digest/{week}?exp={exp}&sig={signature(secret, week, exp)}"


def digest_link(config: Config, week: str, now: datetime, hours: float = DEFAULT_HOURS,
                env: Mapping[str, str] | None = None) -> str:
    """The full link, on [server] public_url. Raises ConfigError without a secret."""
    base = config.server.public_url.rstrip("/")
    return base + signed_path(require_link_secret(env), week, now, hours)


def verify(secret: str | None, week: str, exp: str | None, sig: str | None,
           now: datetime) -> bool:
    if not secret or not exp or not sig or not exp.isdigit():
        return False
    if int(exp) < now.timestamp():
        return False
    return hmac.compare_digest(signature(secret, week, int(exp)), sig)
