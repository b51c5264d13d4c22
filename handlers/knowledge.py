"""similar, find, history, catchup, journey, and `friction top` / `friction reviewed`:
what the team already knows, given back in chat (issue 13)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, replace

from bot.digest.links import case_link
from bot.drafting.assistant import Ask
from bot.drafting.service import Drafted, ask_for, record, timeline_draft
from bot.errors import CommandError, ConfigError
from bot.i18n import N_, _, ngettext
from bot.people import mention
from bot.replies import Reply
from bot.services import friction as friction_service
from bot.services import knowledge, messages
from bot.services.journey_map import duration, journey_map
from handlers.drafts import assisted
from handlers.parsing import Args, read_id
from handlers.registry import Ctx, command
from handlers.validate import bounded

MAX_WEEKS = 52


@dataclass(frozen=True)
class Similar:
    """similar [ref]: the case comes from the room or the ref."""


@command("similar", "", N_("Resolved cases most like this one (who helped, how it was solved)."),
         parse=lambda ctx, args: Similar() if not args.rest() else _no_words(ctx),
         who="anyone", any_platform=True, reads_only=True)
def similar(ctx: Ctx, cmd: Similar) -> list[Reply]:
    case = ctx.need_case()
    found = knowledge.similar(ctx.deps, case, ctx.inv.platform, viewer=ctx.actor)
    if not found:
        return [Reply(text=_("No resolved case like {ref} yet.").format(ref=case.ref))]
    now = ctx.deps.now()
    return [Reply(title=_("Solved before, like {ref}").format(ref=case.ref),
                  text="\n".join(k.line(now) for k in found))]


def _no_words(ctx: Ctx) -> Similar:
    raise ctx.bad(_("this command takes no words besides the case ref"))


@dataclass(frozen=True)
class Find:
    words: str
    customer: str | None = None
    skill: str | None = None
    status: str = "all"
    page: int = 1


def parse_find(ctx: Ctx, args: Args) -> Find:
    opts = args.options
    words = bounded(args.rest(), "words")
    if not words:
        raise ctx.bad(_("say what to look for"))
    status = opts.get("status", "all").lower()
    if status not in knowledge.STATUSES:
        raise ctx.bad(_("`{status}` is not a status (open, resolved or all)")
            .format(status=status[:20]))
    page = read_id(opts["page"], "page", ctx.usage) if "page" in opts else 1
    return Find(words, bounded(opts.get("customer", ""), "customer") or None,
                bounded(opts.get("skill", ""), "skill") or None, status, page)


@command("find", "<words> [customer=\"…\"] [skill=…] [status=open|resolved|all] [page=N]",
         N_("Search every case (summary, what was tried, notes, decisions, "
            "resolution)."),
         parse=parse_find, case="none", who="anyone",
         options=("customer", "skill", "status", "page"),
         details=N_("Best matches first, 10 a page; cases with every word you give. A word "
                    "also finds its other forms, words it starts, its compound written "
                    "split or joined (login, log in, log-in) and, when no case has it, the "
                    "words one typo away; a miss names the nearest words that would match."),
         reads_only=True)
def find(ctx: Ctx, cmd: Find) -> list[Reply]:
    found = knowledge.find(ctx.deps, ctx.inv.platform, cmd.words, cmd.customer, cmd.skill,
                           cmd.status, cmd.page, viewer=ctx.actor)
    if not found.items:
        text = _("No case matches `{words}` on that page.") if cmd.page > 1 else \
            _("No case matches `{words}`.")
        return [Reply(text=text.format(words=cmd.words[:80]) + _nearest(found))]
    now = ctx.deps.now()
    first = (cmd.page - 1) * knowledge.FIND_PAGE
    lines = [f"{first + i}. {k.line(now)}" for i, k in enumerate(found.items, 1)]
    if found.more:
        lines.append(_("More") + ": " + ctx.deps.phrases.command(
            "find", f"{cmd.words} {_options(cmd)}page={cmd.page + 1}"))
    return [Reply(title=_("Cases matching `{words}` (page {page})")
        .format(words=cmd.words[:80], page=cmd.page),
                  text="\n".join(lines))]


def _nearest(found: knowledge.Found) -> str:
    """On a miss, the nearest words that would match, per word no case holds."""
    said = [_("instead of `{word}`: {near}").format(
        word=word[:40], near=", ".join(f"`{w}`" for w in near))
            for word, near in found.nearest.items() if near]
    lacking = [f"`{word[:40]}`" for word, near in found.nearest.items() if not near]
    out = " " + _("Nearest words that would match: {words}.").format(
        words="; ".join(said)) if said else ""
    return out + (" " + _("No case has {words}.").format(words=", ".join(lacking))
                  if lacking else "")


def _options(cmd: Find) -> str:
    out = f'customer="{cmd.customer}" ' if cmd.customer else ""
    out += f"skill={cmd.skill} " if cmd.skill else ""
    return out + (f"status={cmd.status} " if cmd.status != "all" else "")


@dataclass(frozen=True)
class History:
    page: int = 1


def parse_history(ctx: Ctx, args: Args) -> History:
    word = args.take()
    if args.rest():
        raise ctx.bad(_("give at most a page number"))
    return History(read_id(word, "page", ctx.usage) if word else 1)


@command("history", "[page]", N_("Every timeline entry of a case, 20 a page, oldest first."),
         parse=parse_history, who="anyone", any_platform=True)
def history(ctx: Ctx, cmd: History) -> list[Reply]:
    case = ctx.need_case()
    page = knowledge.history(ctx.deps, ctx.actor, case, cmd.page)
    lines = [messages.event_line(e) for e in page.events]
    if page.page < page.pages:
        lines.append("Next: " + ctx.deps.phrases.command("history",
                                                         f"{case.ref} {page.page + 1}"))
    return [Reply(title=_("History of {ref}, page {page} of {pages} ({total} entries)")
        .format(ref=case.ref, page=page.page, pages=page.pages, total=page.total),
        text="\n".join(lines) or _("No entries."))]


@dataclass(frozen=True)
class ShowCase:
    """catchup, journey: read the case in context."""


@dataclass(frozen=True)
class CatchUp:
    ask: Ask | None = None  # what to ask the assistant for the summary (None: no assistant)
    drafted: Drafted | None = None  # its answer, asked at the edge


def parse_catchup(ctx: Ctx, args: Args) -> CatchUp:
    return CatchUp(ask_for(ctx.deps, ctx.need_case(), "catchup", ctx.actor.id))


async def summary_at_edge(ctx: Ctx, cmd: CatchUp) -> CatchUp:
    """With an assistant, the summary is asked here, before the unit of work."""
    return replace(cmd, drafted=await assisted(ctx.deps, cmd.ask)) if cmd.ask else cmd


@command("catchup", "", N_("The case as it stands and what you haven't seen (only you see it)."),
         parse=parse_catchup, who="anyone", prepare=summary_at_edge,
         details=N_("It starts with a short summary, drafted from the timeline (or by the "
                    "assistant, where one is configured)."))
def catchup(ctx: Ctx, cmd: CatchUp) -> list[Reply]:
    case = ctx.need_case()
    caught = knowledge.catch_up(ctx.deps, ctx.actor.id, case)
    drafted = cmd.drafted
    if drafted is not None and drafted.by_assistant:
        record(ctx.deps, case.id, "catchup", ctx.actor.id, drafted)
        summary = _("Summary by the assistant ({model}): {text}").format(
            model=drafted.model, text=drafted.text)
    else:
        summary = timeline_draft(ctx.deps, case, "catchup", len(caught.events)).text
        if drafted is not None and drafted.note:
            summary = f"{drafted.note}\n{summary}"
    return [messages.catchup(caught, ctx.deps.phrases, summary=summary)]


@command("journey", "", N_("The customer's journey map: functions met, time in each, moods."),
         parse=lambda ctx, args: ShowCase(), who="anyone", any_platform=True, reads_only=True)
def journey(ctx: Ctx, cmd: ShowCase) -> list[Reply]:
    case = ctx.need_case()
    stops = journey_map(ctx.deps, case)
    if not stops:
        return [Reply(text=_("No touchpoints or moods on {ref} yet: {touch}, {mood}.")
            .format(ref=case.ref,
                    touch=ctx.deps.phrases.command('touch', '<function> <what happened>'),
                    mood=ctx.deps.phrases.command('mood', '<level>')))]
    lines = []
    moods = [m.level for s in stops for m in s.moods]
    if moods:
        lines.append(_("Mood on the way: {moods}").format(moods=" → ".join(moods)))
    n = 0
    for stop in stops:
        if stop.touches:
            n += 1
            lines.append(f"{n}. {stop.function} · {duration(stop.seconds)} · " + ngettext(
                "{count} touchpoint", "{count} touchpoints", len(stop.touches)).format(
                    count=len(stop.touches)))
        else:
            lines.append(stop.function)
        entries = [(t.at, 0, t.id, f"{t.what} ({mention(t.by)})") for t in stop.touches]
        entries += [(m.at, 1, m.id, _("mood {level}").format(level=m.level)
                     + (f" ({m.note})" if m.note else ""))
                    for m in stop.moods]
        lines += [f"   {at[:16].replace('T', ' ')} {what}"
                  for at, _who, _kind, what in sorted(entries)]
    # Without a link secret there is no chart page to link to; the text says it all.
    with suppress(ConfigError):
        lines.append("Chart: " + case_link(ctx.deps.config, case.ref, ctx.deps.now(),
                                           workspace=case.workspace))
    return [Reply(title=_("Journey of {ref}: {summary}")
        .format(ref=case.ref, summary=case.summary), text="\n".join(lines))]


# `friction top` and `friction reviewed` share the `friction` command (handlers/journal.py):
# these are their typed commands and runners.
@dataclass(frozen=True)
class FrictionTop:
    weeks: int = 4


@dataclass(frozen=True)
class FrictionReviewed:
    process: str
    note: str


def parse_friction_top(ctx: Ctx, words: list[str]) -> FrictionTop:
    if len(words) > 1:
        raise ctx.bad(_("`friction top` takes at most a number of weeks"))
    if not words:
        return FrictionTop()
    weeks = read_id(words[0], "weeks", ctx.usage)
    if weeks > MAX_WEEKS:
        raise ctx.bad(_("look back at most {most} weeks").format(most=MAX_WEEKS))
    return FrictionTop(weeks)


def parse_friction_reviewed(ctx: Ctx, text: str) -> FrictionReviewed:
    process, colon, note = text.partition(":")
    if not colon or not process.strip() or not note.strip():
        raise CommandError(_("Name the process, a colon, then what was done: {form}").format(
            form=ctx.deps.phrases.command("friction", "reviewed <process>: <note>")))
    return FrictionReviewed(bounded(process.strip(), "process"), bounded(note.strip(), "note"))


def run_friction_top(ctx: Ctx, cmd: FrictionTop) -> list[Reply]:
    ranked = friction_service.top(ctx.deps, cmd.weeks)
    if not ranked:
        return [Reply(text=_("No friction reported in the last {weeks} weeks.")
            .format(weeks=cmd.weeks))]
    lines = []
    for i, r in enumerate(ranked, 1):
        lines.append(f"{i}. {r.process}: " + ngettext(
            "{count} report", "{count} reports", r.reports).format(count=r.reports) + " "
            + ngettext("by {count} person", "by {count} people", r.reporters).format(
                count=r.reporters) + " · " + _("latest: “{quote}”").format(
                    quote=knowledge.one_line(r.latest.how, 120)))
        if r.review:
            lines.append("   " + _("reviewed {at} by {person}: {note}").format(
                at=r.review.at[:10], person=mention(r.review.by),
                note=knowledge.one_line(r.review.note, 120)))
    return [Reply(title=_("Friction, last {weeks} weeks (most reported first)")
        .format(weeks=cmd.weeks),
                  text="\n".join(lines))]


def run_friction_reviewed(ctx: Ctx, cmd: FrictionReviewed) -> list[Reply]:
    done = friction_service.review(ctx.deps, ctx.actor, cmd.process, cmd.note)
    told = (" Told " + ", ".join(mention(p) for p in done.told) + ".") if done.told else ""
    return [ctx.ok(_("Marked {process} reviewed.{told}")
        .format(process=done.process, told=told))] + ctx.failures(done.failures)


COMMANDS = [similar, find, history, catchup, journey]
