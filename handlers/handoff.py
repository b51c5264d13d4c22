"""handoff, accept, decline: ownership moves only by an accepted warm handoff."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.drafting.assistant import Ask
from bot.drafting.service import Drafted, ask_for, record, timeline_draft
from bot.errors import CommandError
from bot.i18n import N_, _
from bot.people import mention, mention_of
from bot.replies import Reply
from bot.services import asks, handoffs, knowledge, messages
from bot.services import cases as case_service
from handlers.drafts import assisted, drafted_as, with_draft
from handlers.forms import handoff_form
from handlers.parsing import Args
from handlers.registry import Ctx, FormSpec, command
from handlers.validate import bounded


@dataclass(frozen=True)
class Handoff:
    to: str
    briefing: str
    tried: str | None = None
    drafted: str | None = None  # "by the timeline, edited": the form held a draft


@dataclass(frozen=True)
class HandoffDraft:
    """`handoff @user draft`: the draft briefing, shown to the owner alone."""

    to: str
    ask: Ask | None = None  # what to ask the assistant (None: no assistant)
    drafted: Drafted | None = None  # the assistant's answer, asked at the edge


def handoff_of(to: str, briefing: str, tried: str, drafted: str | None = None) -> Handoff:
    """Validation of `handoff`, once, typed or from the form."""
    if not to:
        raise CommandError(_("Name the next owner."), field="to")
    if not briefing:
        raise CommandError(_("A warm handoff needs a briefing for the next owner."),
                           field="briefing")
    return Handoff(to, bounded(briefing, "briefing"), bounded(tried, "tried") or None,
                   drafted)


def parse_handoff(ctx: Ctx, args: Args) -> Handoff | HandoffDraft:
    tried = args.options.get("tried", "")
    try:
        to = args.take_mention(ctx.usage)
        rest = args.rest()
        if rest.lower() == "draft" and not tried:
            # Checked before anything is asked of an assistant.
            handoffs.check_offer(ctx.deps, ctx.actor, ctx.need_case(), to)
            return HandoffDraft(to, ask_for(ctx.deps, ctx.need_case(), "handoff",
                                            ctx.actor.id))
        return handoff_of(to, rest, tried)
    except CommandError as err:
        message = err.message if ctx.usage in err.message else f"{err.message} {ctx.usage}"
        raise CommandError(message) from None


def read_handoff_form(ctx: Ctx, v: dict[str, str]) -> Handoff:
    picked = v.get("to", "")
    # A person field holds an id (Slack's user picker, Teams' choices) or, where the platform
    # offers only a text box, a mention the adapter translated.
    to = mention_of(picked) or picked.removeprefix("@")
    briefing = v.get("briefing", "")
    return handoff_of(to, briefing, v.get("tried", ""), drafted_as(v, briefing))


def build_handoff_form(ctx: Ctx):  # noqa: ANN201 - a Form
    case = ctx.need_case()
    return with_draft(handoff_form(ctx.deps.phrases, case.ref, case_service.possible_receivers(
        ctx.deps, case), case_service.last_tried(ctx.deps, case) or ""), "handoff",
        timeline_draft(ctx.deps, case, "handoff"))


async def draft_at_edge(ctx: Ctx, cmd: Handoff | HandoffDraft) -> Handoff | HandoffDraft:
    """`handoff @user draft` with an assistant: asked here, before the unit of work."""
    if isinstance(cmd, HandoffDraft) and cmd.ask is not None:
        return replace(cmd, drafted=await assisted(ctx.deps, cmd.ask))
    return cmd


def show_draft(ctx: Ctx, cmd: HandoffDraft) -> list[Reply]:
    """The draft briefing for the owner's eyes only: nothing is offered or posted."""
    case = ctx.need_case()
    handoffs.check_offer(ctx.deps, ctx.actor, case, cmd.to)
    drafted = cmd.drafted or timeline_draft(ctx.deps, case, "handoff")
    record(ctx.deps, case.id, "handoff", ctx.actor.id, drafted)
    phrases = ctx.deps.phrases
    by = _("the timeline") if not drafted.by_assistant else \
        _("the assistant ({model})").format(model=drafted.model)
    lines = [drafted.note] if drafted.note else []
    lines += [drafted.text, "",
              _("Nothing was sent. Edit it and offer it with {offer}, or type {handoff} alone "
                "for the form with this draft.").format(
                    offer=phrases.command('handoff', f'{mention(cmd.to)} <briefing>'),
                    handoff=phrases.command('handoff'))]
    return [Reply(title=_("Draft briefing for {mention} on {ref}, by {by} (only you see this)")
        .format(mention=mention(cmd.to), ref=case.ref, by=by), text="\n".join(lines), private=True)]


@command("handoff", "@user <briefing> [tried=\"…\"]",
         N_("Offer the case to a new owner with a briefing; you stay owner until "
            "they accept."),
         parse=parse_handoff, who="owner", options=("tried",),
         details=N_("Typed alone in a swarm room, it opens a form with a draft briefing; "
                    "the word `draft` in place of the briefing shows the draft to you "
                    "alone."),
         form=FormSpec(build=build_handoff_form, read=read_handoff_form,
                       check=lambda ctx, cmd: handoffs.check_offer(
                           ctx.deps, ctx.actor, ctx.need_case(), cmd.to)),
         bare_opens_form=True, prepare=draft_at_edge)
def handoff(ctx: Ctx, cmd: Handoff | HandoffDraft) -> list[Reply]:
    if isinstance(cmd, HandoffDraft):
        return show_draft(ctx, cmd)
    done = handoffs.offer(ctx.deps, ctx.actor, ctx.need_case(), cmd.to, cmd.briefing,
                          cmd.tried, cmd.drafted)
    replaced = (" " + _("(replaces the offer to {person})").format(
        person=mention(done.replaced.to_id)) if done.replaced else "")
    return [ctx.ok(_("Offered {ref} to {mention}{replaced}. You stay owner until they "
                     "accept.")
                         .format(ref=ctx.need_case().ref, mention=mention(cmd.to),
                                 replaced=replaced))] + ctx.failures(done.failures)


@dataclass(frozen=True)
class Answer:
    """accept / decline (with an optional reason)."""

    why: str | None = None


def parse_answer(ctx: Ctx, args: Args) -> Answer:
    return Answer(bounded(args.rest(), "why") or None)


@command("accept", "", N_("Accept a handoff offered to you: you become the owner."),
         parse=parse_answer, who="the receiver")
def accept(ctx: Ctx, cmd: Answer) -> list[Reply]:
    done = handoffs.accept(ctx.deps, ctx.actor, ctx.need_case())
    caught = knowledge.catch_up(ctx.deps, ctx.actor.id, done.case)
    return [ctx.ok(_("You now own {ref} (from {mention}).")
        .format(ref=done.case.ref, mention=mention(done.previous_owner))),
            messages.catchup(caught, ctx.deps.phrases)] + ctx.failures(done.failures)


@command("decline", "[why]",
         N_("Decline a handoff offered to you (or an `ask`); the owner stays owner."),
         parse=parse_answer, who="the receiver")
def decline(ctx: Ctx, cmd: Answer) -> list[Reply]:
    case = ctx.need_case()
    if asks.waiting_for(ctx.deps, case, ctx.actor.id):  # `ask @user` (issue 26)
        asks.decline(ctx.deps, ctx.actor, case, cmd.why)
        return [ctx.ok(_("Declined; thanks for saying so. {mention} has been told.")
            .format(mention=mention(case.owner)))]
    failures = handoffs.decline(ctx.deps, ctx.actor, case, cmd.why)
    return [ctx.ok(_("Declined {ref}; {mention} stays owner.")
        .format(ref=case.ref, mention=mention(case.owner)))] + ctx.failures(
        failures)


COMMANDS = [handoff, accept, decline]
