"""`link`: one person's accounts on two platforms made one by hand (when their emails
differ, or a directory does not show them). The person asks for a code on one platform and
types it on the other within 15 minutes: only someone who holds both accounts can.

    ("bridge", "link_code", code) -> {"platform", "account", "expires"} (then {"used": at})
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from bot.bridge import accounts
from bot.bridge.effects import label
from bot.domain import iso, parse_iso
from bot.errors import CommandError
from bot.i18n import _
from bot.store import Store

CODES = "link_code"
WITHIN = timedelta(minutes=15)


def new_code(store: Store, platform: str, person: str, now: datetime) -> str:
    code = secrets.token_hex(3).upper()
    account = accounts.account_on(store, platform, person) or person
    store.refs.put("bridge", CODES, code, {"platform": platform, "account": account,
                                           "expires": iso(now + WITHIN)}, iso(now))
    return code


def confirm(store: Store, code: str, platform: str, person: str, now: datetime) -> str:
    """Link the account that asked for `code` with this one; the person's id."""
    found = store.refs.get("bridge", CODES, code.upper())
    if not found or found.get("used") or parse_iso(str(found["expires"])) < now:
        raise CommandError(_("No link code {code} is waiting (codes last 15 minutes): ask for "
                             "a new one with `link` on your other platform.").format(
            code=code[:12]))
    if found["platform"] == platform:
        raise CommandError(_("That code is for your account in {platform}: type it on the "
                             "other platform.").format(platform=label(platform)))
    account = accounts.account_on(store, platform, person) or person
    store.refs.put("bridge", CODES, code.upper(), {"used": iso(now)}, iso(now))
    return accounts.link(store, [(str(found["platform"]), str(found["account"])),
                                 (platform, account)], iso(now))
