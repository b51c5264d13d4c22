"""People matched across platforms at the edge (issue 29), before a delivery's unit of work.

With `[bridge] enabled` and more than one chat platform served, the sender of a delivery
(and each person its words name) is read as the one person their account belongs to. An
account not seen before is looked up once: its verified email from its platform's
directory (Slack users.info, the Teams roster), then that email on every other platform;
a match makes the accounts one person (bot/bridge/accounts.py). The look-ups are network
calls, made here on the event loop, never inside a transaction; what they found is
written in a short one of its own. A directory that fails leaves the account as it is
(looked up again next time), never guessed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bot.bridge import accounts
from bot.errors import PortError
from bot.helpdesk import ChatDirectory
from bot.people import TOKEN, mention, mentioned
from bot.services.base import Deps
from handlers.delivery import Delivery, Typed

log = logging.getLogger("swarmbot.bridge")
InThread = Callable[..., Awaitable[Any]]
MAX_NAMED = 5  # people looked up in one command's words, at most
MAILTO = re.compile(r"^<mailto:([^|<>\s]+)(?:\|[^<>]*)?>$")
EMAIL = re.compile(r"[^@\s<>]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}")


def stored(deps: Deps, delivery: Delivery) -> str:
    """The delivery as its inbox row keeps it: a chat message's words only where they are
    mirrored ([bridge] mirror_messages); the bot never kept them before the bridge."""
    config = deps.config.bridge
    return delivery.to_json(keep_words=config.enabled and config.mirror_messages)


def bridging(deps: Deps) -> bool:
    return deps.config.bridge.enabled and len(deps.ports) > 1


async def person(deps: Deps, in_thread: InThread, platform: str, account: str,
                 name: str | None = None, named: bool = False) -> str:
    """The person an account belongs to, matching it by email the first time it is seen.
    `name`: the account's name where the delivery says it; `named`: someone else named
    them (they are not the sender)."""
    store = deps.store
    found = await in_thread(accounts.known, store, platform, account)
    if found is not None:
        return str(found.get("person") or account)
    port = deps.ports.get(platform)
    if not isinstance(port, ChatDirectory):
        return account
    try:
        email = await port.email_of(account)
        matches: list[tuple[str, str]] = []
        for other, there in deps.ports.items():
            if email and other != platform and isinstance(there, ChatDirectory):
                match = await there.user_by_email(email)
                if match:
                    matches.append((other, match))
    except PortError as err:
        log.info("bridge: could not match %s account %s by email: %s", platform, account,
                 err.detail)
        return account
    if not matches:
        await in_thread(_checked, deps, platform, account, named)
        return account
    return str(await in_thread(accounts.link, store, [*matches, (platform, account)],
                               deps.now_iso(), name))


def _checked(deps: Deps, platform: str, account: str, named: bool) -> None:
    with deps.store.transaction():
        accounts.checked(deps.store, platform, account, deps.now_iso(), named)


async def canonical(deps: Deps, in_thread: InThread, delivery: Delivery) -> Delivery:
    """The delivery with its sender, and the people its words name, as persons."""
    if not bridging(deps) or delivery.source not in deps.ports:
        return delivery
    platform = delivery.source
    sender = await person(deps, in_thread, platform, delivery.sender.id,
                          delivery.sender.name)
    what = delivery.what
    if isinstance(what, Typed) and TOKEN.search(what.text):
        named = {pid: await person(deps, in_thread, platform, pid, named=True)
                 for pid in mentioned(what.text)[:MAX_NAMED]}
        text = TOKEN.sub(lambda m: mention(named.get(m.group(1), m.group(1))), what.text)
        what = Typed(text)
    if isinstance(what, Typed) and "@" in what.text:
        what = Typed(await _emails_named(deps, in_thread, platform, what.text))
    if sender == delivery.sender.id and what is delivery.what:
        return delivery
    return replace(delivery, sender=replace(delivery.sender, id=sender), what=what)


async def _emails_named(deps: Deps, in_thread: InThread, platform: str, text: str) -> str:
    """Someone on another platform cannot be @mentioned here: they are named by their
    email where a command names people (`handoff carol@example.com …`, `invite a@x b@y`):
    the email words right after the command (or after `<ref> <command>`) become that
    person, found in the directories of the platforms served (this one first)."""
    # Slack links an email it escapes (`<mailto:a@x.com|a@x.com>`): the address is inside.
    words = [MAILTO.sub(r"\1", w) for w in text.split(" ")]
    start = next((i for i in (1, 2) if i < len(words) and EMAIL.fullmatch(words[i])), None)
    if start is None:
        return text
    order = [platform, *(p for p in deps.ports if p != platform)]
    i = start
    while i < len(words) and i < start + MAX_NAMED and EMAIL.fullmatch(words[i]):
        for where in order:
            port = deps.ports[where]
            if not isinstance(port, ChatDirectory):
                continue
            try:
                account = await port.user_by_email(words[i])
            except PortError as err:
                log.info("bridge: could not look %s up: %s", words[i], err.detail)
                continue
            if account:
                words[i] = mention(await person(deps, in_thread, where, account,
                                                named=True))
                break
        i += 1
    return " ".join(words)
