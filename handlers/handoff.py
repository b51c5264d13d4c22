"""handoff, accept, decline: ownership moves only by an accepted warm handoff."""

from __future__ import annotations

from bot.errors import CommandError
from bot.replies import Reply
from bot.services import cases as case_service
from bot.services import handoffs
from bot.services.base import mention
from handlers.format import event_line
from handlers.parsing import Args
from handlers.registry import Ctx, command


@command("handoff", "@user <briefing> [tried=\"…\"]",
         "Offer the case to a new owner with a briefing; you stay owner until they accept.",
         who="owner", options=("tried",))
async def handoff(ctx: Ctx, args: Args) -> list[Reply]:
    to = args.take_mention(ctx.usage)
    briefing = args.rest()
    if not briefing:
        raise CommandError(handoffs.BRIEFING_NEEDED)
    done = await handoffs.offer(ctx.deps, ctx.actor, ctx.need_case(), to, briefing,
                                args.options.get("tried"))
    replaced = (f" (replaces the offer to {mention(done.replaced.to_id)})"
                if done.replaced else "")
    return [ctx.ok(f"Offered {ctx.need_case().ref} to {mention(to)}{replaced}. You stay owner "
                   "until they accept.")] + ctx.failures(done.failures)


@command("accept", "", "Accept a handoff offered to you: you become the owner.",
         who="the receiver")
async def accept(ctx: Ctx, args: Args) -> list[Reply]:
    done = await handoffs.accept(ctx.deps, ctx.actor, ctx.need_case())
    events = case_service.catchup(ctx.deps, ctx.actor, done.case)
    catch = "\n".join(event_line(e) for e in events)
    return [ctx.ok(f"You now own {done.case.ref} (from {mention(done.previous_owner)}). "
                   f"Catch-up:\n{catch}")] + ctx.failures(done.failures)


@command("decline", "[why]", "Decline a handoff offered to you; the owner stays owner.",
         who="the receiver")
async def decline(ctx: Ctx, args: Args) -> list[Reply]:
    case = ctx.need_case()
    failures = await handoffs.decline(ctx.deps, ctx.actor, case, args.rest() or None)
    return [ctx.ok(f"Declined {case.ref}; {mention(case.owner)} stays owner.")] + ctx.failures(
        failures)


COMMANDS = [handoff, accept, decline]
