"""reopen, cancel, correct, retract, set, withdraw: the rest of a case's life (issue 12)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import available_timezones

from bot import sla
from bot.domain import SEVERITIES
from bot.i18n import N_, _
from bot.people import mention
from bot.replies import Reply, Tone
from bot.services import lifecycle
from bot.services.lifecycle import DETAILS
from handlers.parsing import Args
from handlers.registry import Ctx, Parser, command
from handlers.validate import bounded
from handlers.visibility import SetVisibility, parse_visibility, set_visibility


@dataclass(frozen=True)
class Why:
    """reopen / cancel: the reason is required, and kept in the timeline."""

    text: str
    carry: str | None = None  # cancel: the note open promises are carried over with
    # reopen: built by a helpdesk's intake (a ticket tagged again), never parsed from text
    from_ticket: bool = False


def _why(what: str, field: str) -> Parser:
    def parse(ctx: Ctx, args: Args) -> Why:
        text = args.rest()
        if not text:
            raise ctx.bad(_(what))
        return Why(bounded(text, field))
    return parse


@command("reopen", "<why>", N_("Reopen a resolved or cancelled case in a new room, linked."),
         parse=_why(N_("say why it is being reopened"), "reason"), who="owner or manager",
         details=N_("The owner of record owns it again; the new room's first post links "
                    "the old room, and the timeline says who reopened it and why."))
def reopen(ctx: Ctx, cmd: Why) -> list[Reply]:
    done = lifecycle.reopen(ctx.deps, ctx.actor, ctx.need_case(), cmd.text,
                            by_ticket=cmd.from_ticket)
    # The new room is made after this command (the outbox); its first post links the old.
    fresh = ctx.deps.store.cases.by_id(done.case.id) or done.case
    where = _(" in #{room}").format(room=fresh.room_name) if fresh.room_id and \
        fresh.room_name else _(" in a new swarm room")
    # Typed in the old room (archived): the reply goes to who reopened it; the new room
    # gets its own notice.
    return [ctx.ok(_("Reopened {ref}{where}; {mention} owns it.")
        .format(ref=done.case.ref, where=where, mention=mention(done.case.owner)))
            ] + ctx.failures(done.failures)


def _cancel_why(ctx: Ctx, args: Args) -> Why:
    why = _why(N_("say why it is cancelled"), "reason")(ctx, args)
    return Why(why.text, bounded(args.options.get("carry", ""), "why", "carry") or None)


@command("cancel", "[carry=\"…\"] <reason>",
         N_("Close a case without resolving it (duplicate, withdrawn)."),
         parse=_cancel_why, who="owner or manager", options=("carry",),
         details=N_("Cancelled is not resolved: the digest counts it apart, nobody is "
                    "credited, and `reopen` brings it back. Open promises are asked about "
                    "first, as at resolve: mark them kept, or carry them over with "
                    "carry=\"who follows up\"."))
def cancel(ctx: Ctx, cmd: Why) -> list[Reply]:
    done = lifecycle.cancel(ctx.deps, ctx.actor, ctx.need_case(), cmd.text, cmd.carry)
    # To whoever cancelled it: the room was told before its archive (as at resolve).
    return [ctx.ok(_("Cancelled {ref}: {text}")
        .format(ref=done.case.ref, text=cmd.text))] + ctx.failures(done.failures)


@dataclass(frozen=True)
class Amend:
    """correct / retract: an entry number and the new text (or why it is withdrawn)."""

    entry: int
    text: str


def _amend(what: str, field: str) -> Parser:
    def parse(ctx: Ctx, args: Args) -> Amend:
        entry = args.take_int("entry", ctx.usage)
        text = args.rest()
        if not text:
            raise ctx.bad(_(what))
        return Amend(entry, bounded(text, field))
    return parse


_APPEND_ONLY = N_("The original stays in the timeline and the export, marked with who and why; "
                   "entry numbers are shown by `catchup`. Allowed to who wrote the entry, the "
                   "owner, or a manager.")


@command("correct", "<entry> <new text>", N_("Correct an entry of the timeline."),
         parse=_amend(N_("say the corrected text"), "note"), details=_APPEND_ONLY)
def correct(ctx: Ctx, cmd: Amend) -> list[Reply]:
    fix = lifecycle.correct(ctx.deps, ctx.actor, ctx.need_case(), cmd.entry, cmd.text)
    return [ctx.ok(_("Entry #{entry} corrected (entry #{fix}); the original stays, marked.")
        .format(entry=cmd.entry, fix=fix))]


@command("retract", "<entry> <why>", N_("Withdraw an entry of the timeline, saying why."),
         parse=_amend(N_("say why it is withdrawn"), "why"), details=_APPEND_ONLY)
def retract(ctx: Ctx, cmd: Amend) -> list[Reply]:
    lifecycle.retract(ctx.deps, ctx.actor, ctx.need_case(), cmd.entry, cmd.text)
    return [ctx.ok(_("Entry #{entry} retracted; it stays in the timeline, marked.")
        .format(entry=cmd.entry))]


@dataclass(frozen=True)
class SetDetail:
    what: str
    value: str | int


def parse_set(ctx: Ctx, args: Args) -> SetDetail | SetVisibility:
    if (args.peek() or "").lower() == "visibility":
        args.take()
        return parse_visibility(ctx, args)
    what = args.take_choice(DETAILS, ctx.usage, _("say what to set"), _("cannot be set"))
    value = args.rest()
    if not value:
        raise ctx.bad(_("give the new {what}").format(what=what))
    if what == "severity":
        level = value.lower().removeprefix("sev")
        if not level.isdigit() or int(level) not in SEVERITIES:
            raise ctx.bad(_("`{value}` is not a severity (sev1..sev4)").format(value=value[:10]))
        return SetDetail(what, int(level))
    if what == "customer_tz":
        return SetDetail(what, zone_name(ctx, value))
    if what in ("sla", "priority"):
        return SetDetail(what, sla_choice(ctx, what, value))
    if what == "link":
        if not re.fullmatch(r"https?://\S+", value) or len(value) > 500:
            raise ctx.bad(_("`{value}` is not a link: give one web address, e.g. "
                            "https://acme.zendesk.com/agent/tickets/4711").format(value=value[:40]))
        return SetDetail(what, value)
    return SetDetail(what, bounded(unquoted(value), what))


# Straight and typographic quote pairs (Slack and phones turn " into “ ”).
_QUOTE_PAIRS = {'"': '"', "“": "”", "'": "'"}


def unquoted(value: str) -> str:
    """`set customer "Acme EU"` is Acme EU: a value wrapped whole in one pair of quotes, as
    `open … customer="…"` writes it, loses the quotes (they kept them before)."""
    v = value.strip()
    if len(v) > 2 and _QUOTE_PAIRS.get(v[0]) == v[-1] and v[0] not in v[1:-1]:
        return v[1:-1].strip() or v
    return v


def sla_choice(ctx: Ctx, what: str, value: str) -> str:
    """`set sla <policy>|auto|none`, `set priority <urgent|high|normal|low>` (docs/sla.md)."""
    policies = sla.policies(ctx.deps.config.sla)
    wanted = value.strip().lower()
    if what == "priority":
        if wanted in sla.priorities(policies) or sla.is_priority(wanted):
            return wanted
        raise ctx.bad(_("`{value}` is not a priority: give one of {choices}")
            .format(value=value[:20], choices=', '.join(sla.priorities(policies))))
    if not policies:
        raise ctx.bad(_("no SLA policies are configured: an admin adds [sla.<name>] to "
                        "config.toml (see docs/sla.md)"))
    if wanted in policies or wanted in ("auto", sla.NO_SLA):
        return wanted
    raise ctx.bad(_("`{value}` is no SLA policy: give one of {choices}, auto (chosen by "
                    "priority, type or severity) or none")
                        .format(value=value[:20], choices=', '.join(policies)))


def zone_name(ctx: Ctx, value: str) -> str:
    """An IANA time zone as the tz database spells it (`australia/sydney` is found too)."""
    wanted = value.strip().casefold()
    for name in available_timezones():
        if name.casefold() == wanted:
            return name
    raise ctx.bad(_("`{value}` is not a time zone: give its IANA name, e.g. "
                    "Australia/Sydney or America/New_York").format(value=value[:40]))


@command("set", f"<{'|'.join(DETAILS)}> <value> | visibility private|normal",
         N_("Change the case's severity, customer, summary, the customer's time "
            "zone, its link, SLA, priority or its visibility (recorded in the "
            "timeline)."),
         parse=parse_set, who="owner or manager",
         details=N_("Severity changes the nudge timings (see `[types]` in "
                    "docs/commands.md). customer_tz (an IANA zone, e.g. Australia/Sydney): "
                    "promises are then read in the customer's time and shown in both "
                    "zones. link: a web address (the ticket, a document), shown in the "
                    "brief and `status`. sla <policy>|auto|none: the case's SLA policy "
                    "(auto: chosen by priority, type or severity); priority "
                    "urgent|high|normal|low: the helpdesk priority a policy may be chosen "
                    "by (docs/sla.md). `visibility private` makes the swarm confidential: "
                    "its summary and customer only for its members and managers "
                    "(docs/access.md)."))
def set_(ctx: Ctx, cmd: SetDetail | SetVisibility) -> list[Reply]:
    if isinstance(cmd, SetVisibility):
        return set_visibility(ctx, cmd)
    done = lifecycle.set_detail(ctx.deps, ctx.actor, ctx.need_case(), cmd.what,
                                      cmd.value)
    shown = f"sev{cmd.value}" if cmd.what == "severity" else cmd.value
    return [ctx.ok(_("{ref}: {what} is now {shown}.")
        .format(ref=done.case.ref, what=cmd.what, shown=shown), private=False)
            ] + ctx.failures(done.failures)


@dataclass(frozen=True)
class Withdraw:
    pass


def parse_withdraw(ctx: Ctx, args: Args) -> Withdraw:
    if args.rest():
        raise ctx.bad(_("withdraw takes no words"))
    return Withdraw()


@command("withdraw", "", N_("Withdraw your pending handoff offer; its receiver is told."),
         parse=parse_withdraw, who="owner")
def withdraw(ctx: Ctx, cmd: Withdraw) -> list[Reply]:
    case = ctx.need_case()
    receiver, failures = lifecycle.withdraw(ctx.deps, ctx.actor, case)
    return [Reply(text=_("Withdrew the offer of {ref} to {mention}; they've been told. You are "
                         "still the owner.")
                             .format(ref=case.ref, mention=mention(receiver)), tone=Tone.SUCCESS)
            ] + ctx.failures(failures)


COMMANDS = [reopen, cancel, correct, retract, set_, withdraw]
