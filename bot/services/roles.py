"""Roles by command (issue 26): `role @user manager|lead|observer|none`, by managers, kept as
a history (who granted it, when, why; who took it back, when, why), as Netflix Dispatch keeps
its participants' roles (assumed_at/renounced_at). What each role may do is bot/permissions.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import permissions
from bot.domain import Person
from bot.errors import CommandError, NotAllowed
from bot.i18n import _
from bot.people import mention
from bot.services.base import Deps


@dataclass(frozen=True)
class Changed:
    person: str
    role: str | None  # None: no role any more
    before: str | None  # the role granted in chat it replaced, if any


def set_role(deps: Deps, actor: Person, platform: str, person: str, role: str | None,
             why: str | None) -> Changed:
    """Grant `role` (None: take the person's role back), recorded with who, when and why."""
    require_granter(deps, actor)
    if role is not None and role not in permissions.ROLES:
        raise CommandError(_("`{role}` is not a role: use manager, lead, observer or none.")
                           .format(role=role[:20]))
    store, now = deps.store, deps.now_iso()
    seeded = permissions.from_config(deps.config, person)
    if seeded is not None:
        raise NotAllowed(_("{who} is {role} by the config ([people] or [digest]); change it "
                           "there.").format(who=mention(person), role=seeded))
    known = store.people.get(person)
    if known is not None and known.manager:
        raise NotAllowed(_("{who} is a manager by the people directory (the demo's seed); "
                           "that stays as it is.").format(who=mention(person)))
    current = store.access.role_of(person)
    if current is not None and current.role == role:
        raise CommandError(_("{who} is {role} already (granted by {by} {at}).").format(
            who=mention(person), role=role, by=mention(current.granted_by),
            at=current.assumed_at))
    if current is None and role is None:
        raise CommandError(_("{who} has no role granted in chat to take back.").format(
            who=mention(person)))
    with store.transaction():
        store.people.ensure(person, platform, None, None, now)
        if current is not None:
            store.access.renounce_role(person, actor.id, why, now)
        if role is not None:
            store.access.grant_role(person, role, actor.id, why, now)
    return Changed(person, role, current.role if current else None)


def require_granter(deps: Deps, actor: Person) -> None:
    """Checked before the words are read: anyone else gets this one line, whatever they
    typed."""
    if not deps.can(actor, permissions.Can.GRANT):
        raise NotAllowed(_("Only a manager can grant or take back roles; managers are listed "
                           "in the config or granted by a manager."))


def listing(deps: Deps, actor: Person) -> list[permissions.Held]:
    if not deps.can(actor, permissions.Can.GRANT):
        raise NotAllowed(_("Only a manager can list the roles."))
    return permissions.everyone(deps.config, deps.store)
