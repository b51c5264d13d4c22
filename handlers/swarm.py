"""need, invite, join, leave: bringing experts to the case."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from bot.availability import PlatformStatus
from bot.domain import Case
from bot.experts import Suggestion
from bot.i18n import N_, _
from bot.people import mention
from bot.replies import Field, Reply
from bot.services import asks, knowledge, membership, messages, suggestions, visibility
from bot.skill_rules import Hint
from handlers import availability
from handlers.parsing import Args
from handlers.registry import Ctx, command
from handlers.validate import bounded, skill_names


def suggestion_text(s: Suggestion) -> str:
    lines = []
    if s.picks:
        lines.append(_("Suggested: {people}").format(people="; ".join(
            f"{mention(p.person)} ({p.reason})" for p in s.picks)))
    for skill, people in s.in_room.items():
        lines.append(_("Already in the swarm for {skill}: {people}").format(
            skill=skill, people=", ".join(mention(p) for p in people)))
    if s.uncovered:
        away = "".join(" " + _("({skill}: {people} is away)").format(
            skill=skill, people=", ".join(mention(p) for p in people))
            for skill, people in s.away.items())
        lines.append(_("Nobody available has {skills}{away}.").format(
            skills=", ".join(s.uncovered), away=away))
    if s.skipped:
        lines.append(_("Skipped: {people}.").format(people="; ".join(
            f"{mention(p)} ({why})" for p, why in sorted(s.skipped.items()))))
    return "\n".join(lines) or _("Nobody is listed with these skills yet "
                                 "(`skills add <skill>`).")


def suggested_reply(ctx: Ctx, case: Case, hint: Hint) -> Reply:
    """The skill rules' suggestion at `open`: one button (and one command) asks for it."""
    phrases = ctx.deps.phrases
    return Reply(
        title=_("Skills this case suggests"),
        text=_("The skill rules suggest {skills}: {why}. Ask triage for them with "
               "{command}, or ignore this.")
                   .format(skills=', '.join(hint.skills), why=hint.why,
                           command=phrases.command('need', case.ref + ' suggested')),
        buttons=(phrases.button(_("Ask triage for these"), "need", f"{case.ref} suggested",
                                style="primary"),))


@dataclass(frozen=True)
class Need:
    skills: tuple[str, ...]
    tried: str | None = None
    suggested: bool = False  # `need suggested`: the skills the rules suggested at open
    # What the platform says of the people who may be suggested, asked at the edge.
    statuses: Mapping[str, PlatformStatus] = field(default_factory=dict)


def parse_need(ctx: Ctx, args: Args) -> Need:
    tried = bounded(args.options.get("tried", ""), "tried") or None
    words = args.rest()
    if words.strip().lower() == "suggested":
        return Need((), tried, suggested=True)
    skills = skill_names(words)
    if not skills:
        raise ctx.bad(_("name at least one skill"))
    return Need(tuple(skills), tried)


async def look_up_people(ctx: Ctx, cmd: Need) -> Need:
    """Before the unit of work: who of the possible experts is out, as the platform says."""
    found = await availability.statuses(ctx.deps, ctx.case, list(cmd.skills), cmd.suggested)
    return replace(cmd, statuses=found) if found else cmd


@command("need", "<skill>… [tried=\"…\"]",
         N_("Ask triage for skills; suggests the fewest available people who cover "
            "them."),
         parse=parse_need, options=("tried",), prepare=look_up_people,
         details=N_("`need suggested` asks for the skills the skill rules suggested at "
                    "open. People out of office, in a huddle, away or off shift are "
                    "skipped, with why (see docs/access.md)."))
def need(ctx: Ctx, cmd: Need) -> list[Reply]:
    case = ctx.need_case()
    skills = suggestions.take(ctx.deps, ctx.actor.id, case) if cmd.suggested \
        else list(cmd.skills)
    needed = membership.need(ctx.deps, ctx.actor, case, skills, cmd.tried, cmd.statuses)
    return [ctx.ok(_("Asked triage for {skills}.").format(skills=', '.join(skills)) + "\n"
                   + suggestion_text(needed.suggestion))] + similar_replies(needed.similar) \
        + ctx.failures(needed.failures)


def similar_replies(similar: list[str]) -> list[Reply]:
    """Resolved cases like this one, beside a help request: look before asking people."""
    if not similar:
        return []
    return [Reply(text="", fields=(Field(_("Solved before"), "\n".join(similar)),))]


@dataclass(frozen=True)
class Invite:
    people: tuple[str, ...]
    why: str | None = None


def parse_invite(ctx: Ctx, args: Args) -> Invite:
    people = args.take_mentions()
    if not people:
        raise ctx.bad(_("say whom to invite"))
    return Invite(tuple(people), bounded(args.rest(), "why") or None)


@command("invite", "@user… [why]", N_("Invite people into the swarm."), parse=parse_invite)
def invite(ctx: Ctx, cmd: Invite) -> list[Reply]:
    done = membership.invite(ctx.deps, ctx.actor, ctx.need_case(), list(cmd.people),
                                   cmd.why)
    added = [mention(j.person) for j in done if not j.already]
    already = [mention(j.person) for j in done if j.already]
    text = (_("Invited {people}.").format(people=', '.join(added)) if added else "") + (
        " " + _("Already in the swarm: {people}.").format(people=', '.join(already))
        if already else "")
    failures = [f for j in done for f in j.failures]
    return [ctx.ok(text.strip(), private=False)] + ctx.failures(failures)


@dataclass(frozen=True)
class Membership:
    """join / leave: `why` is optional words after the command."""

    why: str | None = None


def parse_why(ctx: Ctx, args: Args) -> Membership:
    return Membership(bounded(args.rest(), "why") or None)


@command("join", "", N_("Join a swarm (you get a private catch-up)."), parse=parse_why,
         who="anyone", outsiders=True,
         details=N_("On a confidential swarm, `join` asks its owner to invite you."))
def join(ctx: Ctx, cmd: Membership) -> list[Reply]:
    case = ctx.need_case()
    why = cmd.why
    if ctx.inv.room_id and ctx.deps.port(case.platform).triage_room == ctx.inv.room_id:
        why = why or "answered the help request"
    if visibility.ask_to_join(ctx.deps, ctx.actor, case, why):
        return [ctx.ok(_("{ref} is confidential: I've asked its owner to invite you.")
            .format(ref=case.ref))]
    joined = membership.join(ctx.deps, ctx.actor, case, why)
    asks.accepted(ctx.deps, case, ctx.actor.id)
    if joined.already:
        return [Reply(text=_("You're already in the swarm for {ref}.").format(ref=case.ref))]
    where = f" (#{case.room_name})" if case.room_name else ""
    caught = messages.catchup(knowledge.catch_up(ctx.deps, ctx.actor.id, case), ctx.deps.phrases)
    return [ctx.ok(_("You joined {ref}{where}.")
        .format(ref=case.ref, where=where)), caught] + ctx.failures(joined.failures)


@command("leave", "", N_("Leave a swarm (the owner hands off instead)."), parse=parse_why,
         who="specialists")
def leave(ctx: Ctx, cmd: Membership) -> list[Reply]:
    case = ctx.need_case()
    membership.leave(ctx.deps, ctx.actor, case)
    return [ctx.ok(_("You left the swarm for {ref}. Thanks for helping.").format(ref=case.ref))]


COMMANDS = [need, invite, join, leave]
