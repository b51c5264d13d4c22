"""open, status, journey, list, catchup, resolve."""

from __future__ import annotations

from bot.domain import SEVERITIES, Case
from bot.errors import CommandError
from bot.replies import Button, Field, Reply, Tone
from bot.services import cases as case_service
from bot.services.base import mention
from bot.services.membership import need, normalise_skills
from handlers.format import case_line, event_line
from handlers.parsing import Args
from handlers.registry import Ctx, command
from handlers.swarm import suggestion_text


@command("open", "<ref> [sev1..sev4] [customer=\"…\"] <summary>",
         "Open a case and its swarm room; you are its owner.", case="none", who="agents",
         options=("customer", "delight", "skills"),
         details="Options: customer=\"Acme\" delight=\"what would make them happy\" "
                 "skills=\"sso saml\" (asks triage at once).")
async def open_(ctx: Ctx, args: Args) -> list[Reply]:
    ref = args.take()
    if ref is None:
        raise CommandError(f"give the case ref and a summary: {ctx.usage}")
    severity = 3
    word = args.peek()
    if word and word.lower().startswith("sev"):
        level = word[3:]
        if not level.isdigit() or int(level) not in SEVERITIES:
            raise CommandError(f"`{word}` is not a severity: use sev1..sev4. {ctx.usage}")
        severity = int(level)
        args.take()
    summary = args.rest()
    if not summary:
        raise CommandError(f"a case needs a summary: {ctx.usage}")
    skills = normalise_skills(args.options.get("skills", "").replace(",", " ").split())
    opened = await case_service.open_case(
        ctx.deps, ctx.actor, ctx.inv.platform, ref, summary, severity,
        args.options.get("customer", ""), args.options.get("delight") or None, skills)
    case = opened.case
    where = f" in #{opened.room.name}" if opened.room else ""
    replies = [ctx.ok(f"Opened {case.ref}{where}. You own it: bring the experts to the case.",
                      private=False)]
    if skills:
        needed = await need(ctx.deps, ctx.actor, case, skills, None)
        replies.append(Reply(text=suggestion_text(needed.suggestion)))
        replies += ctx.failures(needed.failures)
    return replies + ctx.failures(opened.failures)


def status_reply(case: Case, ctx: Ctx) -> Reply:
    store = ctx.deps.store
    people = store.cases.participants(case.id, active_only=True)
    mood = store.journal.last_mood(case.id)
    pending = store.cases.pending_handoff(case.id)
    promises = store.journal.open_promises(case.id)
    fields = [Field("Owner", mention(case.owner)),
              Field("Customer", case.customer or "not given"),
              Field("In the swarm", ", ".join(f"{mention(p.person)} ({p.role.value})"
                                              for p in people) or "nobody yet"),
              Field("Customer mood", mood.level if mood else "no reading yet")]
    if case.delight:
        fields.append(Field("What would delight them", case.delight))
    if promises:
        fields.append(Field("Open promises", "\n".join(f"#{p.id} by {p.due}: {p.what}"
                                                       for p in promises)))
    if pending:
        fields.append(Field("Handoff waiting", f"to {mention(pending.to_id)}"))
    if case.resolution:
        fields.append(Field("Resolution", case.resolution))
    buttons = (Button("Join", f"join {case.ref}", style="primary"),) if case.is_open else ()
    return Reply(title=case_line(case), text=f"Opened {case.opened_at}.", fields=tuple(fields),
                 buttons=buttons)


@command("status", "", "Show a case: owner, swarm, mood, promises.", who="anyone",
         any_platform=True)
async def status(ctx: Ctx, args: Args) -> list[Reply]:
    return [status_reply(ctx.need_case(), ctx)]


@command("journey", "", "The customer's journey: touchpoints and mood over time.",
         who="anyone", any_platform=True)
async def journey(ctx: Ctx, args: Args) -> list[Reply]:
    case, store = ctx.need_case(), ctx.deps.store
    steps = [(t.at, f"{t.function}: {t.what}") for t in store.journal.touchpoints(case.id)]
    steps += [(m.at, f"mood {m.level}" + (f" ({m.note})" if m.note else ""))
              for m in store.journal.moods(case.id)]
    steps.sort()
    if not steps:
        return [Reply(text=f"No touchpoints or moods on {case.ref} yet: "
                           "`touch <function> <what happened>`, `mood <level>`.")]
    lines = [f"{at[:16].replace('T', ' ')} {what}" for at, what in steps]
    return [Reply(title=f"Journey of {case.ref}", text="\n".join(lines))]


@command("list", "[mine|open|all]", "List swarms (default: open).", case="none", who="anyone")
async def list_(ctx: Ctx, args: Args) -> list[Reply]:
    which = (args.take() or "open").lower()
    if which not in ("mine", "open", "all"):
        raise CommandError(f"`{which}` is not a list: {ctx.usage}")
    found = case_service.list_cases(ctx.deps, ctx.actor, which)
    if not found:
        return [Reply(text=f"No {which} swarms.")]
    return [Reply(title=f"{which.capitalize()} swarms", text="\n".join(case_line(c)
                                                                       for c in found))]


@command("catchup", "", "What happened since you last looked (only you see it).", who="anyone")
async def catchup(ctx: Ctx, args: Args) -> list[Reply]:
    case = ctx.need_case()
    events = case_service.catchup(ctx.deps, ctx.actor, case)
    if not events:
        return [Reply(text=f"Nothing new on {case.ref} since you last looked.")]
    return [Reply(title=f"Catch-up on {case.ref}", text="\n".join(event_line(e) for e in events))]


@command("resolve", "<resolution>", "Close the case, credit the swarm, archive the room.",
         who="owner or manager")
async def resolve(ctx: Ctx, args: Args) -> list[Reply]:
    resolution = args.rest()
    if not resolution:
        raise CommandError(f"say how it was resolved: {ctx.usage}")
    done = await case_service.resolve_case(ctx.deps, ctx.actor, ctx.need_case(), resolution)
    credit = (" Credited: " + ", ".join(mention(p) for p in done.contributors) + "."
              if done.contributors else "")
    return [Reply(text=f"Resolved {done.case.ref}.{credit}", tone=Tone.SUCCESS, private=False)
            ] + ctx.failures(done.failures)


COMMANDS = [open_, status, journey, list_, catchup, resolve]
