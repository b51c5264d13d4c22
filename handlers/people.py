"""skills: the expertise directory (and whether you are available to be pulled in)."""

from __future__ import annotations

from bot.errors import CommandError, NotAllowed
from bot.replies import Reply
from bot.services.base import mention
from bot.services.membership import normalise_skills
from handlers.parsing import Args
from handlers.registry import Ctx, command

_VERBS = ("add", "remove", "away", "back", "function")


@command("skills", "[@user] [add|remove <skill>…] | away | back | function <name>",
         "Show or change skills; `away`/`back` says whether you can be pulled in.",
         case="none", who="self, or a manager for others")
async def skills(ctx: Ctx, args: Args) -> list[Reply]:
    store, deps = ctx.deps.store, ctx.deps
    target = ctx.actor.id
    mentioned = args.take_mentions()
    if mentioned:
        target = mentioned[0]
        store.people.ensure(target, ctx.inv.platform, None, None, deps.now_iso())
    verb = (args.take() or "").lower()
    if verb and verb not in _VERBS:
        raise CommandError(f"`{verb}` is not a skills action: {ctx.usage}")
    if verb and target != ctx.actor.id and not deps.is_manager(ctx.actor):
        raise NotAllowed("Only a manager can change someone else's skills.")
    who = "Your" if target == ctx.actor.id else f"{mention(target)}'s"
    if verb in ("add", "remove"):
        names = normalise_skills(args.rest().replace(",", " ").split())
        if not names:
            raise CommandError(f"name the skills to {verb}: {ctx.usage}")
        (store.people.add_skills if verb == "add" else store.people.remove_skills)(target, names)
    elif verb in ("away", "back"):
        store.people.set_available(target, verb == "back")
    elif verb == "function":
        function = args.rest().lower()
        if not function:
            raise CommandError(f"name the function (billing, networking…): {ctx.usage}")
        store.people.set_function(target, function)
    person = store.people.get(target)
    assert person is not None
    have = store.people.skills_of(target)
    state = "available" if person.available else "away (not suggested for swarms)"
    listing = ", ".join(have) if have else "none yet (`skills add <skill>…`)"
    team = f" Function: {person.function}." if person.function else ""
    return [ctx.ok(f"{who} skills: {listing}. {state.capitalize()}.{team}")]


COMMANDS = [skills]
