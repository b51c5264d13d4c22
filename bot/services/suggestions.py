"""Skills the case already tells (issue 26): the skill rules' suggestion at `open`, and
`need suggested` (or its button) asking triage for it. The owner may ignore it; the digest
counts how many were made and how many taken."""

from __future__ import annotations

from bot import skill_rules, swarm_types
from bot.domain import Case
from bot.errors import CommandError
from bot.helpdesk import Ticket
from bot.i18n import _
from bot.services.base import Deps, mention
from bot.skill_rules import Hint


def at_open(deps: Deps, case: Case, ticket: Ticket | None, asked: list[str]) -> Hint | None:
    """The rules' skills for a case just opened (not those asked for already), recorded in
    the open's transaction; None when no rule matches."""
    cfg = deps.config
    if not cfg.skill_rules:
        return None
    kind = swarm_types.type_for(cfg.types, case.swarm_type, case.severity).name
    organization = (ticket.organization if ticket is not None else "") or case.customer
    hint = skill_rules.suggest(cfg.skill_rules, cfg.skill_suggestions.mode, case.summary,
                               case.severity, kind, ticket.tags if ticket else (),
                               organization, tuple(s.lower() for s in asked))
    if hint is None:
        return None
    now = deps.now_iso()
    deps.store.prefs.suggest_skills(case.id, list(hint.skills), hint.why, now)
    deps.store.timeline.append(case.id, now, "skills_suggested", None,
                               f"the skill rules suggest {', '.join(hint.skills)}")
    return hint


def take(deps: Deps, actor_id: str, case: Case) -> list[str]:
    """The suggested skills, marked taken (in the command's transaction): `need` asks for
    them next. One line if there is none, or it was taken already."""
    found = deps.store.prefs.suggestion(case.id)
    if found is None:
        raise CommandError(_("The skill rules suggested nothing for {ref}: name the skills, "
                             "{need}.").format(ref=case.ref,
                                               need=deps.phrases.command('need', '<skill>…')))
    if not deps.store.prefs.take_suggestion(case.id, actor_id, deps.now_iso()):
        raise CommandError(_("Triage was asked for the suggested skills of {ref} already "
                             "({skills}, by {who}).").format(
            ref=case.ref, skills=", ".join(found.skills), who=mention(found.taken_by or '')))
    return list(found.skills)
