"""note, touch, mood, delight, decide, outcome, friction, promise, kept, thanks."""

from __future__ import annotations

from bot.domain import DECISION_OUTCOMES, MOODS, RISKS, parse_iso
from bot.errors import CommandError
from bot.replies import Reply
from bot.services import journal
from bot.services.base import mention
from bot.timeparse import local_text, parse_when
from handlers.parsing import Args
from handlers.registry import Ctx, command


def _text(ctx: Ctx, args: Args, what: str) -> str:
    text = args.rest()
    if not text:
        raise CommandError(f"{what}: {ctx.usage}")
    return text


@command("note", "<text>", "Add a note to the case timeline.")
async def note(ctx: Ctx, args: Args) -> list[Reply]:
    journal.note(ctx.deps, ctx.actor, ctx.need_case(), _text(ctx, args, "a note needs text"))
    return [ctx.ok("Noted.")]


@command("touch", "<function> <what happened>",
         "Record a touchpoint on the customer's journey (which function, what happened).")
async def touch(ctx: Ctx, args: Args) -> list[Reply]:
    function = args.take()
    what = args.rest()
    if not function or not what:
        raise CommandError(f"say which function and what happened: {ctx.usage}")
    journal.touch(ctx.deps, ctx.actor, ctx.need_case(), function, what)
    return [ctx.ok(f"Touchpoint recorded: {function.lower()}.")]


@command("mood", f"<{'|'.join(MOODS)}> [note]", "Record how the customer feels now.")
async def mood(ctx: Ctx, args: Args) -> list[Reply]:
    level = args.take()
    if not level:
        raise CommandError(f"say how the customer feels: {ctx.usage}")
    if level.lower() not in MOODS:
        raise CommandError(f"`{level}` is not a mood: {ctx.usage}")
    journal.mood(ctx.deps, ctx.actor, ctx.need_case(), level, args.rest() or None)
    return [ctx.ok(f"Mood recorded: {level.lower()}.")]


@command("delight", "<text>", "Say what would make this customer happy.", who="owner")
async def delight(ctx: Ctx, args: Args) -> list[Reply]:
    text = _text(ctx, args, "say what would delight this customer")
    journal.delight(ctx.deps, ctx.actor, ctx.need_case(), text)
    return [ctx.ok("Recorded what would delight them; it's in the brief and every handoff.")]


@command("decide", f"<{'|'.join(RISKS)}> <decision> [because <why>]",
         "Record a decision taken on the customer's behalf (an exception, a waiver).",
         who="owner")
async def decide(ctx: Ctx, args: Args) -> list[Reply]:
    risk = args.take()
    if not risk or risk.lower() not in RISKS:
        raise CommandError(f"start with the risk: {ctx.usage}")
    decision, _, why = args.rest().partition(" because ")
    if not decision.strip():
        raise CommandError(f"say what you decided: {ctx.usage}")
    did = journal.decide(ctx.deps, ctx.actor, ctx.need_case(), risk, decision, why or None)
    return [ctx.ok(f"Decision #{did} recorded ({risk.lower()} risk). Record how it turned out "
                   f"later: `{ctx.slash} outcome {did} <{'|'.join(DECISION_OUTCOMES)}>`.")]


@command("outcome", f"<id> <{'|'.join(DECISION_OUTCOMES)}>",
         "Record how an advocate decision turned out.", who="owner")
async def outcome(ctx: Ctx, args: Args) -> list[Reply]:
    did = args.take_int("decision", ctx.usage)
    result = args.take()
    if not result:
        raise CommandError(f"say how it turned out: {ctx.usage}")
    journal.outcome(ctx.deps, ctx.actor, ctx.need_case(), did, result)
    return [ctx.ok(f"Decision #{did}: {result.lower()}.")]


@command("friction", "<process>: <how it got in the way>",
         "Report a process that got in the way; the digest ranks them.", case="optional",
         who="anyone", any_platform=True)
async def friction(ctx: Ctx, args: Args) -> list[Reply]:
    text = args.rest()
    process, colon, how = text.partition(":")
    if not colon or not process.strip() or not how.strip():
        raise CommandError(f"name the process, a colon, then how it got in the way: {ctx.usage}")
    journal.friction(ctx.deps, ctx.actor, ctx.case, process, how)
    return [ctx.ok(f"Friction reported on {process.strip().lower()}. Thanks: the front line "
                   "reviews the processes.")]


@command("promise", "<when> <what>",
         "Record a promise to the customer (when: 17:00, in 30m, in 2h, or an ISO time).",
         who="owner")
async def promise(ctx: Ctx, args: Args) -> list[Reply]:
    words = args.words()
    tz = ctx.actor.tz or ctx.deps.config.people.timezone
    try:
        due, used = parse_when(words, ctx.deps.now(), tz)
    except CommandError as err:
        raise CommandError(f"{err.message}. {ctx.usage}") from None
    what = " ".join(words[used:])
    if not what:
        raise CommandError(f"say what you promised: {ctx.usage}")
    pid = journal.promise(ctx.deps, ctx.actor, ctx.need_case(), due, what)
    return [ctx.ok(f"Promise #{pid} recorded, due {local_text(due, tz)}. I'll remind you "
                   f"15 minutes before; `{ctx.slash} kept {pid}` when it's done.")]


@command("kept", "<id>", "Mark a promise to the customer kept.", who="owner")
async def kept(ctx: Ctx, args: Args) -> list[Reply]:
    pid = args.take_int("promise", ctx.usage)
    row = journal.kept(ctx.deps, ctx.actor, ctx.need_case(), pid)
    late = ctx.deps.now() > parse_iso(row.due)
    return [ctx.ok(f"Promise #{pid} kept" + (" (late)." if late else " on time."))]


@command("thanks", "@user <what they added>", "Thank a colleague for what they added.",
         case="optional", who="anyone", any_platform=True)
async def thanks(ctx: Ctx, args: Args) -> list[Reply]:
    to = args.take_mention(ctx.usage)
    what = args.rest()
    if not what:
        raise CommandError(f"say what they added: {ctx.usage}")
    journal.thanks(ctx.deps, ctx.actor, ctx.case, to, what, ctx.inv.platform)
    return [ctx.ok(f"Thanks to {mention(to)} recorded: the digest quotes it.", private=False,
                   mentions=(to,))]


COMMANDS = [note, touch, mood, delight, decide, outcome, friction, promise, kept, thanks]
