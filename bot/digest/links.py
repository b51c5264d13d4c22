"""Signed, expiring links to the digest page: HMAC-SHA256 over the week and the expiry.

The page shows a team's figures and colleagues' words, so it is reachable only through a
link the bot made: `/digest/2026-W46?exp=<unix seconds>&sig=<hex>`. The secret comes from
the environment (SWARMBOT_LINK_SECRET); without it no link is made and every page is 403.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from datetime import datetime

from bot import tenancy
from bot.config import Config, require_secret
from bot.errors import ConfigError

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
    """The full link, on [server] public_url. Raises ConfigError without a secret, and
    for one workspace's digest (bot/tenancy.py: the page shows the whole deployment's)."""
    if tenancy.current() is not None:
        raise ConfigError("the digest page shows every workspace's figures")
    base = config.server.public_url.rstrip("/")
    return base + signed_path(require_link_secret(env), week, now, hours)


# What a link we make carries: the expiry as Unix seconds (12 digits last until year 33658)
# and the signature as SHA-256 hex. Anything else is refused before any arithmetic: int()
# raises past 4,300 digits, accepts "²" and "١٢"; compare_digest raises on non-ASCII text.
_EXP = re.compile(r"[0-9]{1,12}")
_SIG = re.compile(r"[0-9a-f]{64}")


def verify(secret: str | None, week: str, exp: str | None, sig: str | None,
           now: datetime) -> bool:
    """True only for a link signed with `secret` for `week`, not yet expired. Never raises
    for what a client can put in a URL (every refusal is the page's 403)."""
    if not secret or exp is None or sig is None:
        return False
    if not _EXP.fullmatch(exp) or not _SIG.fullmatch(sig):
        return False
    if int(exp) < now.timestamp():
        return False
    try:
        expected = signature(secret, week, int(exp))
    except UnicodeEncodeError:  # a path with lone surrogates: no link of ours looks so
        return False
    return hmac.compare_digest(expected, sig)


def case_subject(ref: str, workspace: str = "") -> str:
    """What a case's journey link signs (`/digest/case/<ref>`, or with several workspaces
    `/digest/case/<workspace>/<ref>`: a ref is unique per workspace): never a week's."""
    return f"case/{workspace}/{ref}" if workspace else f"case/{ref}"


def case_link(config: Config, ref: str, now: datetime, hours: float = DEFAULT_HOURS,
              env: Mapping[str, str] | None = None, workspace: str = "") -> str:
    """The journey chart of a case (of `workspace`, the case's), on [server] public_url.
    Raises ConfigError without a secret."""
    base = config.server.public_url.rstrip("/")
    return base + signed_path(require_link_secret(env), case_subject(ref, workspace), now,
                              hours)
