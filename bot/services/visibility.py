"""Confidential swarms (issue 26): `open … private`, `[types.<name>] confidential = true`, or
`set visibility private|normal` by the owner or a manager, recorded in the timeline.

A confidential case's summary and customer reach only its members and those whose role sees
all (bot/permissions.py): the triage room is asked for skills only and `join` asks the owner;
`find`, `similar`, `list`, the rooms' "solved before" lines, the digest's examples and the
front line's friction quotes leave it out; everything else on it tells a non-member it is
confidential (handlers/router.py). The digest still counts it.
"""

from __future__ import annotations

from bot import permissions
from bot.domain import Case, Friction, Person, severity_label
from bot.errors import CommandError
from bot.experts import Suggestion
from bot.people import mention
from bot.phrases import Phrases
from bot.replies import Field, Reply
from bot.services.base import Deps, Effects, require_owner

CHOICES = {"private": True, "confidential": True, "normal": False}
HIDDEN = "(a confidential swarm)"


def set_visibility(deps: Deps, actor: Person, case: Case, confidential: bool) -> Case:
    require_owner(deps, case, actor, "change who may see it")
    word = "confidential" if confidential else "normal (anyone may see it)"
    if case.confidential == confidential:
        raise CommandError(f"{case.ref} is {word} already.")
    store, now = deps.store, deps.now_iso()
    with store.transaction():
        store.access.set_confidential(case.id, confidential)
        store.timeline.append(case.id, now, "visibility", actor.id, f"made {word}")
        # Kept digests of the weeks it lived in may quote it: computed again when asked.
        store.digest_kept.forget(case.opened_at, now)
    return store.cases.by_id(case.id) or case


def ask_to_join(deps: Deps, actor: Person, case: Case, why: str | None) -> bool:
    """On a confidential case someone who may not see it asks to join: its owner is asked
    to invite them (True); anyone else joins as usual (False)."""
    if permissions.may_see(deps.config, deps.store, actor, case):
        return False
    with deps.store.transaction():
        Effects(deps, case).direct_message(case.owner, Reply(
            title=f"{mention(actor.id)} asks to join {case.ref}",
            text=(f"{case.ref} is confidential, so they were not let in. "
                  + (f"They say: {why}. " if why else "")
                  + "To let them in: "
                  + deps.phrases.command("invite", f"{case.ref} {mention(actor.id)}") + "."),
            mentions=(actor.id,)), f"ask the owner to let {mention(actor.id)} in")
    return True


def help_request(case: Case, skills: list[str], by: str, suggestion: Suggestion,
                 phrases: Phrases) -> Reply:
    """The triage post for a confidential case: skills only, no summary, customer, what was
    tried or cases like it; Join asks the owner."""
    fields = [Field("Case", f"{case.ref} ({severity_label(case.severity)}), confidential"),
              Field("Skills", ", ".join(skills))]
    if suggestion.picks:
        fields.append(Field("Suggested", "\n".join(
            f"{mention(p.person)}: {p.reason}" for p in suggestion.picks)))
    if suggestion.uncovered:
        fields.append(Field("Nobody available has", ", ".join(suggestion.uncovered)))
    return Reply(title=f"Help wanted on {case.ref}",
                 text=f"{mention(by)} needs {', '.join(skills)} on {case.ref}, a confidential "
                      "swarm: Join asks its owner to invite you.",
                 fields=tuple(fields),
                 buttons=(phrases.button("Join", "join", case.ref, style="primary"),),
                 private=False, mentions=tuple(p.person for p in suggestion.picks))


def about(case: Case) -> str:
    """The case's summary where anyone may read it (a nudge in triage): none if confidential."""
    return "a confidential swarm" if case.confidential else case.summary


def hide_friction(deps: Deps, f: Friction) -> Friction:
    """A friction report quoted for the front line: its words kept from a confidential case."""
    case = deps.store.cases.by_id(f.case_id) if f.case_id is not None else None
    if case is None or not case.confidential:
        return f
    return Friction(f.id, None, f.process, HIDDEN, f.by, f.at)
