"""People across platforms: each platform account is one person's (kept as platform refs).

    (platform, "bridge_person", account) -> {"person": id, "checked": at}
    (platform, "bridge_account", person) -> {"id": account}

A person's id is the id of the account first known to the store; an account matched to
them later (the same verified email on another platform, or `link`) maps to that id, so
the person has one skills list, one load and one place in the expert finder. Matching
needs the platforms' directories (network): it is done at the edge (handlers/bridge.py),
and only what it found is written here, in a short transaction of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.people import OPEN, TOKEN, mention
from bot.replies import Reply
from bot.store import Store

PERSON, ACCOUNT = "bridge_person", "bridge_account"


def known(store: Store, platform: str, account: str) -> dict[str, str] | None:
    """What the bridge knows of an account: its person, and when it was last checked."""
    return store.refs.get(platform, PERSON, account)


def person_of(store: Store, platform: str, account: str) -> str:
    """The person an account belongs to (the account's own id when not matched)."""
    found = known(store, platform, account)
    return str(found["person"]) if found and found.get("person") else account


def account_on(store: Store, platform: str, person: str) -> str | None:
    """The person's account on `platform`; None when they have none there that is known
    (a person the store has never seen is taken as the platform's own id)."""
    found = store.refs.get(platform, ACCOUNT, person)
    if found:
        return str(found["id"])
    home = store.people.platform_of(person)
    return person if home is None or home.casefold() == platform.casefold() else None


def platforms_of(store: Store, person: str, served: Sequence[str]) -> list[str]:
    """The platforms among `served` where the person has an account, home first."""
    home = store.people.platform_of(person)
    out = [home] if home is not None and home in served else []
    return out + [p for p in served if p != home and store.refs.get(p, ACCOUNT, person)]


def checked(store: Store, platform: str, account: str, at: str, named: bool = False) -> None:
    """An account looked up and matched to nobody: not looked up again at every message.
    `named`: someone else named them (they have not written yet): known from now on, on
    their platform, so they are reached there, not taken for someone of the platform that
    named them."""
    if known(store, platform, account) is None:
        store.refs.put(platform, PERSON, account, {"person": account, "checked": at}, at)
        if named:
            store.people.ensure(account, platform, None, None, at)


def link(store: Store, accounts: Sequence[tuple[str, str]], at: str,
         name: str | None = None) -> str:
    """Make `accounts` ((platform, id) pairs) one person; return that person's id.

    The person is the first of them the store knows (else the first account); the
    skills another of them had are added to that person's, so nothing typed is lost.
    `name`: the person's name where known (the one writing), for a person new here."""
    people = [(p, a, person_of(store, p, a)) for p, a in accounts]
    seen = store.people.many([pid for _, _, pid in people])
    person = next((pid for _, _, pid in people if pid in seen), people[0][2])
    with store.transaction():
        if person not in seen:
            store.people.ensure(person, next(p for p, _, pid in people if pid == person),
                                name, None, at)
        for platform, account, before in people:
            store.refs.put(platform, PERSON, account, {"person": person, "checked": at}, at)
            store.refs.put(platform, ACCOUNT, person, {"id": account}, at)
            if before != person:
                skills = store.people.skills_of(before)
                if skills:  # moved, so the finder sees one person, not two halves
                    store.people.add_skills(person, skills)
                    store.people.remove_skills(before, skills)
    return person


def local(store: Store, platform: str, reply: Reply) -> Reply:
    """A reply as it is posted on `platform`: each person named by their account there, or
    by name where they have none (a mention the platform could not show)."""
    if not reply.mentions and OPEN not in reply.text and \
            not any(OPEN in f.value for f in reply.fields):
        return reply
    cache: dict[str, str | None] = {}

    def there(pid: str) -> str | None:
        if pid not in cache:
            cache[pid] = account_on(store, platform, pid)
        return cache[pid]

    def word(pid: str) -> str:
        account = there(pid)
        if account is not None:
            return mention(account)
        person = store.people.get(pid)
        return "@" + (person.name if person else pid)

    def words(text: str) -> str:
        return TOKEN.sub(lambda m: word(m.group(1)), text)

    mentions = tuple(a for a in (there(p) for p in reply.mentions) if a is not None)
    return replace(reply, text=words(reply.text), mentions=mentions,
                   fields=tuple(replace(f, value=words(f.value)) for f in reply.fields))
