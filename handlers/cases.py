"""open, status, list, resolve (journey and catchup: handlers/knowledge.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot import swarm_types
from bot.domain import CASE_REF, DEFAULT_SEVERITY, SEVERITIES, Case, severity_label
from bot.drafting.service import timeline_draft
from bot.errors import CommandError
from bot.helpdesk import Ticket, severity_of
from bot.i18n import N_, _
from bot.people import mention
from bot.replies import Field, Reply, Tone
from bot.services import cases as case_service
from bot.services import helpdesk, outbox
from bot.services import sla as sla_service
from bot.services.membership import need
from bot.services.messages import case_fields, ticket_fields
from bot.timeparse import due_text
from handlers.drafts import with_draft
from handlers.format import case_line
from handlers.forms import open_form, resolve_form
from handlers.parsing import Args
from handlers.registry import Ctx, FormSpec, command
from handlers.swarm import similar_replies, suggested_reply, suggestion_text
from handlers.validate import bounded, skill_names


@dataclass(frozen=True)
class OpenCase:
    ref: str
    severity: int
    customer: str
    summary: str
    delight: str | None = None
    skills: tuple[str, ...] = ()
    swarm_type: str | None = None
    tried: str | None = None  # what was tried already: goes with the skills asked for
    ticket: Ticket | None = None  # the helpdesk ticket it comes from (a webhook, a fetch)
    fetch: bool = False  # `open ZD-123` alone: the rest comes from the ticket when it runs
    no_owner: str | None = None  # from a ticket whose assignee was not found: why
    confidential: bool = False  # `open ZD-1 sev2 private …` (issue 26)


def _severity(word: str) -> int:
    level = word.lower().removeprefix("sev")
    if not level.isdigit() or int(level) not in SEVERITIES:
        raise CommandError(_("`{word}` is not a severity: use sev1..sev4.")
            .format(word=word[:10]), field="severity")
    return int(level)


def open_case_of(ref: str, severity: str, customer: str, summary: str, delight: str,
                 skills: str, tried: str = "", swarm_type: str = "") -> OpenCase:
    """Validation of `open`, once, whether the words were typed or filled in a form."""
    if not ref:
        raise CommandError(_("Give the case reference, e.g. ZD-4711."), field="ref")
    if not CASE_REF.match(ref):
        raise CommandError(_("`{ref}` is not a case ref: one word of letters, digits and - _ . # "
                             "(at most 40), e.g. ZD-4711.").format(ref=ref[:40]), field="ref")
    if not summary:
        raise CommandError(_("Say in a few words what is going on."), field="summary")
    return OpenCase(ref=ref, severity=_severity(severity) if severity else DEFAULT_SEVERITY,
                    customer=bounded(customer, "customer"),
                    summary=bounded(summary, "summary"),
                    delight=bounded(delight, "delight") or None,
                    skills=tuple(skill_names(skills)), tried=bounded(tried, "tried") or None,
                    swarm_type=swarm_type.strip().lower()[:30] or None)


def parse_open(ctx: Ctx, args: Args) -> OpenCase:
    ref = args.take() or ""
    severity = ""
    if (word := args.peek()) and word.lower().startswith("sev"):
        severity = word
        args.take()
    private = (args.peek() or "").lower() in ("private", "confidential")
    if private:
        args.take()
    opts = args.options
    if ref and not args.text and not {"customer", "delight"} & set(opts) \
            and helpdesk.handles(ctx.deps, ref):
        # Only the ticket named: subject, requester, organization and priority are fetched.
        return OpenCase(ref=ref, severity=_severity(severity) if severity else 0,
                        customer="", summary="", skills=tuple(skill_names(
                            opts.get("skills", ""))), tried=opts.get("tried") or None,
                        fetch=True)
    try:
        return replace(open_case_of(ref, severity, opts.get("customer", ""), args.rest(),
                                    opts.get("delight", ""), opts.get("skills", ""),
                                    opts.get("tried", ""), opts.get("type", "")),
                       confidential=private)
    except CommandError as err:
        raise CommandError(f"{err.message} {ctx.usage}") from None


def read_open_form(ctx: Ctx, v: dict[str, str]) -> OpenCase:
    return replace(open_case_of(v.get("ref", ""), v.get("severity", ""), v.get("customer", ""),
                                v.get("summary", ""), v.get("delight", ""),
                                v.get("skills", ""), v.get("tried", "")),
                   confidential=v.get("visibility", "") == "private")


def from_ticket(ticket: Ticket, typed: OpenCase | None = None,
                no_owner: str | None = None) -> OpenCase:
    """`open` for a helpdesk ticket: what was typed wins, the ticket fills in the rest
    (the customer is the organization, else the requester; the severity its priority)."""
    severity = typed.severity if typed and typed.severity else severity_of(ticket.priority)
    cmd = open_case_of(ticket.ref, f"sev{severity}", ticket.customer[:200],
                       (ticket.subject or f"ticket {ticket.id}")[:500], "",
                       " ".join(typed.skills) if typed else "",
                       (typed.tried or "") if typed else "")
    return replace(cmd, ticket=ticket, no_owner=no_owner)


def check_open_form(ctx: Ctx, cmd: OpenCase) -> None:
    case_service.check_open(ctx.deps, cmd.ref)
    case_service.check_type(ctx.deps, cmd.swarm_type)


async def fetch_ticket(ctx: Ctx, cmd: OpenCase) -> OpenCase:
    """`open ZD-123` alone: the ticket's subject, requester, organization and priority."""
    if not cmd.fetch:
        return cmd
    case_service.check_open(ctx.deps, cmd.ref)
    return from_ticket(await helpdesk.fetch(ctx.deps, cmd.ref), cmd)


@command("open", "<ref> [sev1..sev4] [private] [customer=\"…\"] <summary>",
         N_("Open a case and its swarm room; you are its owner."), parse=parse_open, case="none",
         who="agents", options=("customer", "delight", "skills", "tried", "type"),
         details=N_("Options: customer=\"Acme\" delight=\"what would make them happy\" "
                    "skills=\"sso saml\" (asks triage at once) tried=\"what was tried\" (goes "
                    "with that request) type=\"billing\" (a swarm type from [types]; "
                    "default: the one named after the severity, which sets nudge timings, "
                    "default skills and who is auto-invited). Severity defaults to sev3. "
                    "`private` after the severity opens it confidential: its summary and "
                    "customer only for its swarm and managers (see docs/access.md). Typed "
                    "alone, it opens a form."),
         form=FormSpec(build=lambda ctx: open_form(ctx.deps.phrases), read=read_open_form,
                       check=check_open_form),
         bare_opens_form=True, prepare=fetch_ticket)
def open_(ctx: Ctx, cmd: OpenCase) -> list[Reply]:
    skills = list(cmd.skills)
    if cmd.fetch:
        # The ticket is fetched by `prepare` at the door, before the unit of work: a command
        # still waiting for it here came by a path that skipped the door.
        raise CommandError(_("{ref} could not be read from its helpdesk yet; try again.")
            .format(ref=cmd.ref))
    opened = case_service.open_case(
        ctx.deps, ctx.actor, ctx.inv.platform, cmd.ref, cmd.summary, cmd.severity,
        cmd.customer, cmd.delight, skills, cmd.ticket, cmd.no_owner, cmd.swarm_type,
        cmd.confidential)
    skills = skills or opened.skills
    case = opened.case
    where = _(" in #{room}").format(room=opened.room_name) + (
        _(", confidential") if case.confidential else "")
    brought = (" " + _("Brought in by this type of swarm: {people}.").format(people=", ".join(
        mention(p) for p in opened.invited)) if opened.invited else "")
    brought += (" " + _("Following it (by its type or as the account's owner): {people}.")
                .format(people=", ".join(mention(p) for p in opened.followers))
                if opened.followers else "")
    replies = [ctx.ok(_("Opened {ref}{where}. You own it: bring the experts to the case.")
                      .format(ref=case.ref, where=where) + brought, private=False)]
    if opened.hint is not None:
        replies.append(suggested_reply(ctx, case, opened.hint))
    if skills:
        needed = need(ctx.deps, ctx.actor, case, skills, cmd.tried)
        replies.append(Reply(text=suggestion_text(needed.suggestion)))
        replies += similar_replies(needed.similar)
        replies += ctx.failures(needed.failures)
    return replies + ctx.failures(opened.failures)


@dataclass(frozen=True)
class ShowCase:
    """status: read the case in context."""


def parse_nothing(ctx: Ctx, args: Args) -> ShowCase:
    return ShowCase()


def status_reply(case: Case, ctx: Ctx) -> Reply:
    view = case_service.snapshot(ctx.deps, case)
    fields = [Field(_("Owner"), mention(case.owner)),
              Field(_("Customer"), case.customer or _("not given")),
              # Named as the brief names it; a swarm type of its own is shown besides.
              Field(_("Severity"), severity_label(case.severity)),
              *([Field(_("Type"), swarm_types.type_for(ctx.deps.config.types, case.swarm_type,
                                                    case.severity).name)]
                if case.swarm_type and case.swarm_type != severity_label(case.severity)
                else []),
              Field(_("In the swarm"), ", ".join(f"{mention(p.person)} ({p.role.value})"
                                              for p in view.people) or _("nobody yet")),
              Field(_("Customer mood"), view.last_mood or _("no reading yet"))]
    if case.delight:
        fields.append(Field(_("What would delight them"), case.delight))
    fields += ticket_fields(ctx.deps.store.helpdesk.link_of(case.id))
    fields += case_fields(case)
    fields += sla_service.fields(ctx.deps, case)
    if view.promises:
        fields.append(Field(_("Open promises"), "\n".join(
            f"#{p.no} by {due_text(p.due, case.customer_tz)}: {p.what}"
            for p in view.promises)))
    if view.pending is not None:
        fields.append(Field(_("Handoff waiting"), _("to {person}").format(
            person=mention(view.pending.to_id))))
    if case.resolution:
        fields.append(Field(_("Resolution"), case.resolution))
    waiting = outbox.problems(ctx.deps, case)
    if waiting:
        fields.append(Field(_("Not done on the platform"), "\n".join(waiting) + "\n"
                            + _("{retry} tries again.").format(
                                retry=ctx.deps.phrases.command("retry", case.ref))))
    buttons = (ctx.deps.phrases.button(_("Join"), "join", case.ref, style="primary"),) \
        if case.is_open else ()
    return Reply(title=case_line(case), text=_("Opened {opened_at}.")
        .format(opened_at=case.opened_at), fields=tuple(fields),
                 buttons=buttons)


@command("status", "", N_("Show a case: owner, swarm, mood, promises."), parse=parse_nothing,
         who="anyone", any_platform=True, reads_only=True)
def status(ctx: Ctx, cmd: ShowCase) -> list[Reply]:
    return [status_reply(ctx.need_case(), ctx)]


@dataclass(frozen=True)
class ListCases:
    which: str = "open"


def parse_list(ctx: Ctx, args: Args) -> ListCases:
    which = (args.take() or "open").lower()
    if which not in ("mine", "open", "all", "following") or args.rest():
        raise ctx.bad(_("`{which}` is not a list").format(which=which[:20]))
    return ListCases(which)


@command("list", "[mine|open|all|following]", N_("List swarms (default: open)."), parse=parse_list,
         case="none", who="anyone", reads_only=True)
def list_(ctx: Ctx, cmd: ListCases) -> list[Reply]:
    found = case_service.list_cases(ctx.deps, ctx.actor, cmd.which)
    label = {"mine": _("Your open swarms"), "open": _("Open swarms"), "all": _("All swarms"),
             "following": _("Swarms you follow")}[cmd.which]
    if not found:
        empty = {"mine": _("You are in no open swarm."), "open": _("No open swarms."),
                 "all": _("No swarms yet."), "following": _(
                     "You follow no swarm ({follow} follows one).").format(
                         follow=ctx.deps.phrases.command('follow', '<ref>'))}
        return [Reply(text=empty[cmd.which])]
    return [Reply(title=label, text="\n".join(case_line(c) for c in found))]


@dataclass(frozen=True)
class Resolve:
    resolution: str
    carry: str | None = None  # the note open promises are carried over with


def resolve_of(text: str, carry: str = "") -> Resolve:
    if not text:
        raise CommandError(_("Say how the case was resolved."), field="resolution")
    return Resolve(bounded(text, "resolution"), bounded(carry, "why", "carry") or None)


def parse_resolve(ctx: Ctx, args: Args) -> Resolve:
    try:
        return resolve_of(args.rest(), args.options.get("carry", ""))
    except CommandError as err:
        raise CommandError(f"{err.message} {ctx.usage}") from None


def check_resolve_form(ctx: Ctx, cmd: Resolve) -> None:
    case_service.check_resolve(ctx.deps, ctx.actor, ctx.need_case())
    case_service.check_promises(ctx.deps, ctx.need_case(), cmd.carry)


@command("resolve", "[carry=\"…\"] <resolution>",
         N_("Close the case, credit who contributed, archive the room."),
         parse=parse_resolve, who="owner or manager", options=("carry",),
         details=N_("Open promises are asked about first: mark them kept, or carry them "
                    "over with carry=\"who follows up\". Credit goes to who contributed: "
                    "wrote an entry (note, touch, mood, decision, promise, friction, "
                    "thanks, need), posted in the room, was thanked, opened the case or "
                    "accepted a handoff; joining alone is not credit. Typed alone in a "
                    "swarm room, it opens a form."),
         form=FormSpec(build=lambda ctx: with_draft(
                           resolve_form(ctx.deps.phrases, ctx.need_case().ref), "resolve",
                           timeline_draft(ctx.deps, ctx.need_case(), "resolve")),
                       read=lambda ctx, v: resolve_of(v.get("resolution", "")),
                       check=lambda ctx, cmd: check_resolve_form(ctx, cmd)),
         bare_opens_form=True)
def resolve(ctx: Ctx, cmd: Resolve) -> list[Reply]:
    done = case_service.resolve_case(ctx.deps, ctx.actor, ctx.need_case(), cmd.resolution,
                                           cmd.carry)
    credit = (" Credited: " + ", ".join(mention(p) for p in done.contributors) + "."
              if done.contributors else "")
    # To whoever resolved it, not the room: the room was told (the resolution notice, in
    # the outbox before the archive), and is archived by the time a reply would arrive.
    return [Reply(text=_("Resolved {ref}.{credit}")
        .format(ref=done.case.ref, credit=credit), tone=Tone.SUCCESS)
            ] + ctx.failures(done.failures)


COMMANDS = [open_, status, list_, resolve]
