"""Signed, expiring links to the digest page: HMAC-SHA256 over the week and the expiry.

The page shows a team's figures and colleagues' words, so it is reachable only through a
link the bot made: `/digest/2026-W46?exp=<unix seconds>&sig=<hex>`. The secret comes from
the environment (SWARMBOT_LINK_SECRET); without it no link is made and every page is 403.

Where one deployment serves several workspaces (bot/tenancy.py), a link made with a tenant
in scope is one workspace's page: `/digest/2026-W46?ws=T0002&org=E01&exp=..&sig=..`, the
workspace signed with the week (`workspace_subject`). Editing `ws` (or dropping it, for the
deployment's page) breaks the signature: a manager of A never reads B's page.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote

from bot import tenancy
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


def signed_path(secret: str, week: str, now: datetime, hours: float = DEFAULT_HOURS,
                tenant: tenancy.Tenant | None = None) -> str:
    """The page's path and query; `tenant`: one workspace's page (signed with it)."""
    exp = int(now.timestamp() + hours * 3600)
    if tenant is None:
        return f"/digest/{week}?exp={exp}&sig={signature(secret, week, exp)}"
    subject = workspace_subject(week, tenant.team, tenant.org)
    org = f"&org={quote(tenant.org, safe='')}" if tenant.org else ""
    return (f"/digest/{week}?ws={quote(tenant.team, safe='')}{org}&exp={exp}"
            f"&sig={signature(secret, subject, exp)}")


def workspace_subject(week: str, team: str, org: str = "") -> str:
    """What one workspace's page link signs: never a week's or a case's subject ('|')."""
    return f"{week}|{org}/{team}"


def digest_link(config: Config, week: str, now: datetime, hours: float = DEFAULT_HOURS,
                env: Mapping[str, str] | None = None) -> str:
    """The full link, on [server] public_url: the page of the workspace in scope
    (bot/tenancy.py), else the deployment's. Raises ConfigError without a secret."""
    base = config.server.public_url.rstrip("/")
    return base + signed_path(require_link_secret(env), week, now, hours,
                              tenancy.current())


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
