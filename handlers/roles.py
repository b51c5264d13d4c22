"""role, roles: roles granted in chat and who holds which (issue 26)."""

from __future__ import annotations

from dataclasses import dataclass

from bot import permissions
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
        raise ctx.bad("name one person with @")
    word = (args.take() or "").lower()
    if not word:
        raise ctx.bad("say which role: manager, lead, observer or none")
    if word not in _CHOICES:
        raise ctx.bad(f"`{word[:20]}` is not a role (manager, lead, observer or none)")
    why = bounded(args.rest(), "why")
    if not why:
        raise ctx.bad("say why (it is recorded)")
    return SetRole(people[0], None if word == "none" else word, why)


@command("role", "@user manager|lead|observer|none <why>",
         "Grant a role, or take it back with `none`; recorded with who, when and why.",
         parse=parse_role, case="none", who="managers",
         details="A manager " + permissions.MEANING["manager"] + "; a lead "
                 + permissions.MEANING["lead"] + "; an observer " + permissions.MEANING["observer"]
                 + ". Granted roles count at once; `[people] managers`, `leads` and `observers` "
                 "in the config seed roles that only the config changes. A new role replaces "
                 "the one before; the export keeps the whole history.")
def role(ctx: Ctx, cmd: SetRole) -> list[Reply]:
    done = role_service.set_role(ctx.deps, ctx.actor, ctx.inv.platform, cmd.person, cmd.role,
                                 cmd.why)
    was = f" (was {done.before})" if done.before else ""
    if done.role is None:
        return [ctx.ok(f"{mention(done.person)} has no role now{was}: {cmd.why}")]
    return [ctx.ok(f"{mention(done.person)} is {_a(done.role)} now{was}: {cmd.why}")]


def _a(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


@dataclass(frozen=True)
class ListRoles:
    pass


def parse_roles(ctx: Ctx, args: Args) -> ListRoles:
    if args.rest():
        raise ctx.bad("`roles` takes no words")
    return ListRoles()


_SOURCE = {"config": "by config", "directory": "by the people directory"}


@command("roles", "", "Who holds which role, and who granted it.", parse=parse_roles,
         case="none", who="managers", reads_only=True)
def roles(ctx: Ctx, cmd: ListRoles) -> list[Reply]:
    held = role_service.listing(ctx.deps, ctx.actor)
    if not held:
        grant = ctx.deps.phrases.command("role", "@user manager <why>")
        return [Reply(text=f"Nobody holds a role yet: {grant} grants one.")]
    granted = {g.person: g for g in ctx.deps.store.access.roles()}
    lines = []
    for h in held:
        g = granted.get(h.person)
        how = (f"granted by {mention(g.granted_by)} {g.assumed_at}" + (f": {g.why}" if g.why
                                                                       else "")
               if h.source == "chat" and g else _SOURCE.get(h.source, h.source))
        lines.append(f"{mention(h.person)}: {h.role} ({how})")
    return [Reply(title="Roles", text="\n".join(lines))]


COMMANDS = [role, roles]
