"""Who may do what: the one place every permission check reads (issue 26).

A person's role comes from the config first (`[people] managers`, `leads`, `observers`, and
`[digest] managers`, which seed the roles and cannot be taken back from chat), then from the
people table's manager flag (set by `demo`), then from a role granted in chat with
`role @user <role>` (bot/store/access.py keeps its history: who, when, why). A role granted in
chat counts from the next statement on: nothing is cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot import tenancy
from bot.config import Config
from bot.domain import Case, Person
from bot.store import Store

ROLES = ("manager", "lead", "observer")


class Can(StrEnum):
    MANAGE = "manage"  # act for any case's owner, the digest, resolve, cancel, reopen
    GRANT = "grant"  # `role @user …`, `roles`
    SEE_ALL = "see all"  # confidential swarms, as if a member
    SKILLS_OF_OTHERS = "skills of others"  # `skills @user add|remove …`


# What each role may do beyond what everyone may.
POWERS: dict[str, frozenset[Can]] = {
    "manager": frozenset(Can),
    "lead": frozenset({Can.SEE_ALL, Can.SKILLS_OF_OTHERS}),
    "observer": frozenset({Can.SEE_ALL}),
}
# What `help role` and `roles` say each role is.
MEANING = {
    "manager": "everything: acts for any owner, the digest, grants roles, sees confidential "
               "swarms",
    "lead": "changes other people's skills and sees confidential swarms",
    "observer": "sees confidential swarms (reads, follows), changes nothing more",
}


@dataclass(frozen=True)
class Held:
    """A person's role now, and where it comes from."""

    person: str
    role: str
    source: str  # "config" | "directory" (the people table's flag) | "chat"


def from_config(config: Config, person: str) -> str | None:
    """The role the config gives the person (it wins over chat)."""
    if person in config.people.managers or person in config.digest.managers:
        return "manager"
    if person in config.people.leads:
        return "lead"
    if person in config.people.observers:
        return "observer"
    return None


def held(config: Config, store: Store, person: Person | str) -> Held | None:
    pid = person if isinstance(person, str) else person.id
    role = from_config(config, pid)
    if role is not None:
        return Held(pid, role, "config")
    flagged = person.manager if isinstance(person, Person) else False
    if isinstance(person, str):
        found = store.people.get(pid)
        flagged = bool(found and found.manager)
    if flagged:
        return Held(pid, "manager", "directory")
    granted = store.access.role_of(pid)
    return Held(pid, granted.role, "chat") if granted else None


def can(config: Config, store: Store, person: Person | str, what: Can) -> bool:
    """The one permission check: does the person's role allow `what`?"""
    now = held(config, store, person)
    return now is not None and what in POWERS.get(now.role, frozenset())


def managers(config: Config, store: Store) -> list[str]:
    """Everyone who is a manager now (config first, then granted in chat), once each."""
    found = list(config.people.managers) + list(config.digest.managers)
    found += [g.person for g in store.access.roles() if g.role == "manager"]
    return [p for p in dict.fromkeys(found) if can(config, store, p, Can.MANAGE)]


def everyone(config: Config, store: Store) -> list[Held]:
    """Every role held now: the config's, then those granted in chat."""
    pids = (list(config.people.managers) + list(config.digest.managers)
            + list(config.people.leads) + list(config.people.observers)
            + [g.person for g in store.access.roles()])
    team = tenancy.team()
    if team:  # one workspace's roles: nobody known to be of another (bot/tenancy.py)
        pids = [p for p in pids if store.people.workspace_of(p) in ("", team)]
    return [h for p in dict.fromkeys(pids) if (h := held(config, store, p)) is not None]


def member(store: Store, case: Case, person: str) -> bool:
    """In the swarm now (the owner always is)."""
    return case.owner == person or store.cases.participant(case.id, person) is not None


def asked_in(store: Store, case: Case, person: str) -> bool:
    """Waiting to answer: a handoff offered to them, or an `ask` (they read the case first)."""
    offer = store.cases.pending_handoff(case.id)
    return (offer is not None and offer.to_id == person) or \
        store.access.pending_ask(case.id, person) is not None


def may_see(config: Config, store: Store, person: Person | str, case: Case) -> bool:
    """A confidential case is seen by its members and those whose role sees all; any other
    case by everyone."""
    if not case.confidential:
        return True
    pid = person if isinstance(person, str) else person.id
    return member(store, case, pid) or can(config, store, person, Can.SEE_ALL) or \
        asked_in(store, case, pid) or _its_helpdesk(store, case, pid)


def _its_helpdesk(store: Store, case: Case, pid: str) -> bool:
    """The helpdesk whose ticket the case is (its intake acts as the helpdesk's name, after
    the webhook was authenticated): it may reopen the swarm when the ticket is tagged again.
    No chat platform's user id is a helpdesk's name (Slack's are U…, Teams' 29:…)."""
    link = store.helpdesk.link_of(case.id)
    return link is not None and link.helpdesk == pid
