"""role, roles: roles granted in chat and who holds which (issue 26)."""

from __future__ import annotations

from dataclasses import dataclass

from bot import permissions
from bot.i18n import N_, _
from bot.people import mention
from bot.replies import Reply
from bot.services import roles as role_service
from handlers.parsing import Args
from handlers.registry import Ctx, command
from handlers.validate import bounded

_CHOICES = (*permissions.ROLES, "none")


@dataclass(frozen=True)
class SetRole:
    person: str
    role: str | None  # None: take it back
    why: str


def parse_role(ctx: Ctx, args: Args) -> SetRole:
    role_service.require_granter(ctx.deps, ctx.actor)
    people = args.take_mentions()
    if len(people) != 1:
        raise ctx.bad(_("name one person with @"))
    word = (args.take() or "").lower()
    if not word:
        raise ctx.bad(_("say which role: manager, lead, observer or none"))
    if word not in _CHOICES:
        raise ctx.bad(_("`{word}` is not a role (manager, lead, observer or none)")
            .format(word=word[:20]))
    why = bounded(args.rest(), "why")
    if not why:
        raise ctx.bad(_("say why (it is recorded)"))
    return SetRole(people[0], None if word == "none" else word, why)


@command("role", "@user manager|lead|observer|none <why>",
         N_("Grant a role, or take it back with `none`; recorded with who, when "
            "and why."),
         parse=parse_role, case="none", who="managers",
         details=N_("A manager may do everything: act for any owner, read the digest, grant "
                    "roles, see confidential swarms; a lead changes other people's skills and "
                    "sees confidential swarms; an observer sees confidential swarms (reads, "
                    "follows) and changes nothing more. Granted roles count at once; "
                    "`[people] managers`, `leads` and `observers` in the config seed roles that "
                    "only the config changes. A new role replaces the one before; the export "
                    "keeps the whole history."))
def role(ctx: Ctx, cmd: SetRole) -> list[Reply]:
    done = role_service.set_role(ctx.deps, ctx.actor, ctx.inv.platform, cmd.person, cmd.role,
                                 cmd.why)
    was = " " + _("(was {before})").format(before=done.before) if done.before else ""
    if done.role is None:
        return [ctx.ok(_("{mention} has no role now{was}: {why}")
            .format(mention=mention(done.person), was=was, why=cmd.why))]
    return [ctx.ok(_("{mention} is {a} now{was}: {why}")
        .format(mention=mention(done.person), a=_a(done.role), was=was, why=cmd.why))]


def _a(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


@dataclass(frozen=True)
class ListRoles:
    pass


def parse_roles(ctx: Ctx, args: Args) -> ListRoles:
    if args.rest():
        raise ctx.bad(_("`roles` takes no words"))
    return ListRoles()


_SOURCE = {"config": N_("by config"), "directory": N_("by the people directory")}


@command("roles", "", N_("Who holds which role, and who granted it."), parse=parse_roles,
         case="none", who="managers", reads_only=True)
def roles(ctx: Ctx, cmd: ListRoles) -> list[Reply]:
    held = role_service.listing(ctx.deps, ctx.actor)
    if not held:
        grant = ctx.deps.phrases.command("role", "@user manager <why>")
        return [Reply(text=_("Nobody holds a role yet: {grant} grants one.").format(grant=grant))]
    granted = {g.person: g for g in ctx.deps.store.access.roles()}
    lines = []
    for h in held:
        g = granted.get(h.person)
        how = (_("granted by {person} {at}").format(person=mention(g.granted_by),
                                                    at=g.assumed_at)
               + (f": {g.why}" if g.why else "")
               if h.source == "chat" and g else _(_SOURCE.get(h.source, h.source)))
        lines.append(f"{mention(h.person)}: {h.role} ({how})")
    return [Reply(title=_("Roles"), text="\n".join(lines))]


COMMANDS = [role, roles]
