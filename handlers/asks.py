"""ask: one expert asked directly, and the next one if they decline (issue 26)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, _
from bot.people import mention
from bot.replies import Reply
from bot.services import asks
from handlers.parsing import Args
from handlers.registry import Ctx, command
from handlers.validate import skill_names


@dataclass(frozen=True)
class Ask:
    person: str
    skill: str | None


def parse_ask(ctx: Ctx, args: Args) -> Ask:
    people = args.take_mentions()
    if len(people) != 1:
        raise ctx.bad(_("name one person with @"))
    skills = skill_names(args.rest())
    if len(skills) > 1:
        raise ctx.bad(_("name at most one skill (`need` asks triage for several)"))
    return Ask(people[0], skills[0] if skills else None)


@command("ask", "@user [skill]", N_("Ask one expert directly; if they decline, the next is asked."),
         parse=parse_ask,
         details=N_("They get Accept (joins the swarm) and Decline (with a reason). With a "
                    "skill, a decline or no answer within the type's `answer_within` asks "
                    "the next available expert the finder ranks for it, up to 3 people "
                    "in all; you are told each step by direct message."))
def ask(ctx: Ctx, cmd: Ask) -> list[Reply]:
    done = asks.ask(ctx.deps, ctx.actor, ctx.need_case(), cmd.person, cmd.skill)
    if done.skill:
        return [ctx.ok(_("Asked {person} directly for {skill}. If they decline, I'll ask the "
                         "next expert.").format(person=mention(done.person), skill=done.skill))]
    return [ctx.ok(_("Asked {person} directly.").format(person=mention(done.person)))]


COMMANDS = [ask]
