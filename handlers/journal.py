"""note, touch, mood, delight, decide, outcome, friction, promise, kept, thanks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.domain import DECISION_OUTCOMES, MOODS, RISKS, parse_iso
from bot.drafting.track_record import record_for, record_line
from bot.errors import CommandError
from bot.i18n import N_, _
from bot.people import mention
from bot.replies import Reply
from bot.services import journal, lifecycle
from bot.services import sla as sla_service
from bot.timeparse import local_text, parse_when
from handlers.knowledge import (
    FrictionReviewed,
    FrictionTop,
    parse_friction_reviewed,
    parse_friction_top,
    run_friction_reviewed,
    run_friction_top,
)
from handlers.parsing import Args
from handlers.registry import Ctx, command
from handlers.validate import bounded


@dataclass(frozen=True)
class Note:
    text: str


def required_text(ctx: Ctx, args: Args, field: str, missing: str) -> str:
    """The rest of the words, which the command cannot do without, within `field`'s limit."""
    text = args.rest()
    if not text:
        raise ctx.bad(missing)
    return bounded(text, field)


def parse_note(ctx: Ctx, args: Args) -> Note:
    return Note(required_text(ctx, args, "note", _("a note needs text")))


@command("note", "<text>", N_("Add a note to the case timeline."), parse=parse_note)
def note(ctx: Ctx, cmd: Note) -> list[Reply]:
    journal.note(ctx.deps, ctx.actor, ctx.need_case(), cmd.text)
    return [ctx.ok(_("Noted."))]


@dataclass(frozen=True)
class Touch:
    function: str
    what: str


def parse_touch(ctx: Ctx, args: Args) -> Touch:
    function = (args.take() or "").lower()
    what = args.rest()
    if not function or not what:
        raise ctx.bad(_("say which function and what happened"))
    return Touch(bounded(function, "function"), bounded(what, "what"))


@command("touch", "<function> <what happened>",
         N_("Record a touchpoint on the customer's journey (which function, what "
            "happened)."),
         parse=parse_touch)
def touch(ctx: Ctx, cmd: Touch) -> list[Reply]:
    case = ctx.need_case()
    journal.touch(ctx.deps, ctx.actor, case, cmd.function, cmd.what)
    # A customer contact moves an SLA's due times (docs/sla.md): the brief shows them anew.
    failures = lifecycle.brief_changed(ctx.deps, case) \
        if sla_service.policy_of(ctx.deps, case) else []
    return [ctx.ok(_("Touchpoint recorded: {function}.")
        .format(function=cmd.function))] + ctx.failures(failures)


@dataclass(frozen=True)
class Mood:
    level: str
    note: str | None = None


def parse_mood(ctx: Ctx, args: Args) -> Mood:
    level = args.take_choice(MOODS, ctx.usage, _("say how the customer feels"),
                             _("is not a mood"))
    return Mood(level, bounded(args.rest(), "mood note") or None)


@command("mood", f"<{'|'.join(MOODS)}> [note]", N_("Record how the customer feels now."),
         parse=parse_mood)
def mood(ctx: Ctx, cmd: Mood) -> list[Reply]:
    journal.mood(ctx.deps, ctx.actor, ctx.need_case(), cmd.level, cmd.note)
    return [ctx.ok(_("Mood recorded: {level}.").format(level=cmd.level))]


@dataclass(frozen=True)
class Delight:
    text: str


def parse_delight(ctx: Ctx, args: Args) -> Delight:
    return Delight(required_text(ctx, args, "delight",
                                 _("say what would delight this customer")))


@command("delight", "<text>", N_("Say what would make this customer happy."), parse=parse_delight,
         who="owner")
def delight(ctx: Ctx, cmd: Delight) -> list[Reply]:
    journal.delight(ctx.deps, ctx.actor, ctx.need_case(), cmd.text)
    failures = lifecycle.brief_changed(ctx.deps, ctx.need_case())
    return [ctx.ok(_("Recorded what would delight them; it's in the brief and every handoff."))
            ] + ctx.failures(failures)


@dataclass(frozen=True)
class Decide:
    risk: str
    decision: str
    why: str | None = None


def _because(text: str) -> tuple[str, bool, str]:
    """The decision, whether `because` was said, and the reason after it."""
    parts = re.split(r"(?:^|\s)because(?:\s|$)", text, maxsplit=1, flags=re.IGNORECASE)
    if len(parts) == 1:
        return text, False, ""
    return parts[0], True, parts[1]


def parse_decide(ctx: Ctx, args: Args) -> Decide:
    risk = args.take_choice(RISKS, ctx.usage, _("start with the risk"), _("is not a risk"))
    decision, said, why = _because(args.rest())
    if not decision.strip():
        raise ctx.bad(_("say what you decided"))
    if said and not why.strip():
        raise ctx.bad(_("say why after `because`, or leave `because` out"))
    return Decide(risk, bounded(decision.strip(), "decision"),
                  bounded(why.strip(), "reason") or None)


@command("decide", f"<{'|'.join(RISKS)}> <decision> [because <why>]",
         N_("Record a decision taken on the customer's behalf (an exception, a "
            "waiver)."),
         parse=parse_decide, who="owner")
def decide(ctx: Ctx, cmd: Decide) -> list[Reply]:
    case = ctx.need_case()
    did = journal.decide(ctx.deps, ctx.actor, case, cmd.risk, cmd.decision, cmd.why)
    later = ctx.deps.phrases.command("outcome", f"{did} <{'|'.join(DECISION_OUTCOMES)}>")
    # What happened last time (issue 30): decisions of this kind and risk, from the log.
    made = ctx.deps.store.journal.decision_no(case.id, did)
    before = record_line(cmd.risk, record_for(ctx.deps.store, made)) if made else ""
    return [ctx.ok(_("Decision #{did} recorded ({risk} risk). Record how it turned out "
                     "later: {later}.").format(did=did, risk=cmd.risk, later=later)
                   + ("\n" + _("What happened last time: {before}").format(before=before)
                      if before else ""))]


@dataclass(frozen=True)
class Outcome:
    decision: int
    result: str


def parse_outcome(ctx: Ctx, args: Args) -> Outcome:
    did = args.take_int("decision", ctx.usage)
    result = args.take_choice(DECISION_OUTCOMES, ctx.usage, _("say how it turned out"),
                              _("is not an outcome"))
    return Outcome(did, result)


@command("outcome", f"<id> <{'|'.join(DECISION_OUTCOMES)}>",
         N_("Record how an advocate decision turned out (#1 is the case's first)."),
         parse=parse_outcome, who="owner")
def outcome(ctx: Ctx, cmd: Outcome) -> list[Reply]:
    journal.outcome(ctx.deps, ctx.actor, ctx.need_case(), cmd.decision, cmd.result)
    return [ctx.ok(_("Decision #{decision}: {result}.")
        .format(decision=cmd.decision, result=cmd.result))]


@dataclass(frozen=True)
class Friction:
    process: str
    how: str


def parse_friction(ctx: Ctx, args: Args) -> Friction | FrictionTop | FrictionReviewed:
    first = (args.peek() or "").lower()
    if first == "top" and ":" not in args.text:
        args.take()
        return parse_friction_top(ctx, args.words())
    if first == "reviewed":
        args.take()
        return parse_friction_reviewed(ctx, args.rest())
    process, colon, how = args.rest().partition(":")
    if not colon or not process.strip() or not how.strip():
        raise ctx.bad(_("name the process, a colon, then how it got in the way"))
    return Friction(bounded(process.strip(), "process"), bounded(how.strip(), "what"))


@command("friction", "<process>: <how it got in the way>",
         N_("Report a process that got in the way; `friction top` ranks them for "
            "everyone."),
         parse=parse_friction, case="optional", who="anyone", any_platform=True,
         details=N_("`friction top [weeks]` (default 4): the processes most reported, with "
                    "a quote of each. A manager: `friction reviewed <process>: <what was "
                    "done>` tells everyone who reported it."))
def friction(ctx: Ctx, cmd: Friction | FrictionTop | FrictionReviewed) -> list[Reply]:
    if isinstance(cmd, FrictionTop):
        return run_friction_top(ctx, cmd)
    if isinstance(cmd, FrictionReviewed):
        return run_friction_reviewed(ctx, cmd)
    journal.friction(ctx.deps, ctx.actor, ctx.case, cmd.process, cmd.how)
    return [ctx.ok(_("Friction reported on {process}. Thanks: the front line reviews the "
                     "processes.").format(process=cmd.process.lower()))]


@dataclass(frozen=True)
class Promise:
    due: datetime
    what: str


def parse_promise(ctx: Ctx, args: Args) -> Promise:
    words = args.words()
    # "17:00" is the customer's 17:00 when their zone is known (`set customer_tz`).
    tz = (ctx.case.customer_tz if ctx.case else None) or ctx.actor.tz \
        or ctx.deps.config.people.timezone
    try:
        due, used = parse_when(words, ctx.deps.now(), tz)
    except CommandError as err:
        raise CommandError(f"{err.message}. {ctx.usage}") from None
    what = " ".join(words[used:])
    if not what:
        raise ctx.bad(_("say what you promised"))
    return Promise(due, bounded(what, "promise"))


@command("promise", "<when> <what>",
         N_("Record a promise to the customer (when: 17:00, in 30m, in 2h, or an "
            "ISO time)."),
         parse=parse_promise, who="owner")
def promise(ctx: Ctx, cmd: Promise) -> list[Reply]:
    pid = journal.promise(ctx.deps, ctx.actor, ctx.need_case(), cmd.due, cmd.what)
    tz = ctx.actor.tz or ctx.deps.config.people.timezone
    customer_tz = ctx.need_case().customer_tz
    due = local_text(cmd.due, tz)
    if customer_tz and customer_tz != tz:  # both clocks: the customer's first
        due = _("{there} for the customer ({here} for you)").format(
            there=local_text(cmd.due, customer_tz), here=due)
    failures = lifecycle.brief_changed(ctx.deps, ctx.need_case())
    return [ctx.ok(_("Promise #{pid} recorded, due {due}. I'll remind you 15 minutes "
                     "before; {command} when it's done.")
                         .format(pid=pid, due=due,
                                 command=ctx.deps.phrases.command('kept', str(pid))))
            ] + ctx.failures(failures)


@dataclass(frozen=True)
class Kept:
    promise: int


def parse_kept(ctx: Ctx, args: Args) -> Kept:
    pid = args.take_int("promise", ctx.usage)
    if args.rest():
        raise ctx.bad(_("give one promise number"))
    return Kept(pid)


@command("kept", "<id>", N_("Mark a promise to the customer kept (#1 is the case's first)."),
         parse=parse_kept, who="owner")
def kept(ctx: Ctx, cmd: Kept) -> list[Reply]:
    row = journal.kept(ctx.deps, ctx.actor, ctx.need_case(), cmd.promise)
    late = ctx.deps.now() > parse_iso(row.due)
    failures = lifecycle.brief_changed(ctx.deps, ctx.need_case())
    return [ctx.ok((_("Promise #{no} kept (late).") if late else
                    _("Promise #{no} kept on time.")).format(no=cmd.promise))
            ] + ctx.failures(failures)


@dataclass(frozen=True)
class Thanks:
    to: str
    what: str


def parse_thanks(ctx: Ctx, args: Args) -> Thanks:
    to = args.take_mention(ctx.usage)
    what = args.rest()
    if not what:
        raise ctx.bad(_("say what they added"))
    return Thanks(to, bounded(what, "thanks"))


@command("thanks", "@user <what they added>", N_("Thank a colleague for what they added."),
         parse=parse_thanks, case="optional", who="anyone", any_platform=True)
def thanks(ctx: Ctx, cmd: Thanks) -> list[Reply]:
    journal.thanks(ctx.deps, ctx.actor, ctx.case, cmd.to, cmd.what, ctx.inv.platform)
    return [ctx.ok(_("Thanks to {mention} recorded: the digest quotes it.")
        .format(mention=mention(cmd.to)), private=False,
                   mentions=(cmd.to,))]


COMMANDS = [note, touch, mood, delight, decide, outcome, friction, promise, kept, thanks]
