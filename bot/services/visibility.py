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
from bot.i18n import _, shared
from bot.people import mention
from bot.phrases import Phrases
from bot.replies import Field, Reply
from bot.services.base import Deps, Effects, require_owner

CHOICES = {"private": True, "confidential": True, "normal": False}
HIDDEN = "(a confidential swarm)"  # said in the reader's language where it is shown


def set_visibility(deps: Deps, actor: Person, case: Case, confidential: bool) -> Case:
    require_owner(deps, case, actor, _("change who may see it"))
    word = "confidential" if confidential else "normal (anyone may see it)"
    if case.confidential == confidential:
        raise CommandError((_("{ref} is confidential already.") if confidential else
                            _("{ref} is normal (anyone may see it) already.")).format(
            ref=case.ref))
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
        with shared():  # told to the owner, whose language the command does not know
            values = {"ref": case.ref, "why": why or "", "invite": deps.phrases.command(
                "invite", f"{case.ref} {mention(actor.id)}")}
            asking = Reply(
                title=_("{who} asks to join {ref}").format(who=mention(actor.id), ref=case.ref),
                text=(_("{ref} is confidential, so they were not let in. They say: {why}. To "
                        "let them in: {invite}.") if why else
                      _("{ref} is confidential, so they were not let in. To let them in: "
                        "{invite}.")).format(**values),
                mentions=(actor.id,))
        Effects(deps, case).direct_message(case.owner, asking, _(
            "ask the owner to let {who} in").format(who=mention(actor.id)))
    return True


def help_request(case: Case, skills: list[str], by: str, suggestion: Suggestion,
                 phrases: Phrases) -> Reply:
    """The triage post for a confidential case: skills only, no summary, customer, what was
    tried or cases like it; Join asks the owner."""
    fields = [Field(_("Case"), _("{ref} ({severity}), confidential").format(
                  ref=case.ref, severity=severity_label(case.severity))),
              Field(_("Skills"), ", ".join(skills))]
    if suggestion.picks:
        fields.append(Field(_("Suggested"), "\n".join(
            f"{mention(p.person)}: {p.reason}" for p in suggestion.picks)))
    if suggestion.uncovered:
        fields.append(Field(_("Nobody available has"), ", ".join(suggestion.uncovered)))
    return Reply(title=_("Help wanted on {ref}").format(ref=case.ref),
                 text=_("{who} needs {skills} on {ref}, a confidential swarm: Join asks its "
                        "owner to invite you.").format(who=mention(by), skills=", ".join(skills),
                                                      ref=case.ref),
                 fields=tuple(fields),
                 buttons=(phrases.button(_("Join"), "join", case.ref, style="primary"),),
                 private=False, mentions=tuple(p.person for p in suggestion.picks))


def about(case: Case) -> str:
    """The case's summary where anyone may read it (a nudge in triage): none if confidential."""
    return _("a confidential swarm") if case.confidential else case.summary


def hide_friction(deps: Deps, f: Friction) -> Friction:
    """A friction report quoted for the front line: its words kept from a confidential case."""
    case = deps.store.cases.by_id(f.case_id) if f.case_id is not None else None
    if case is None or not case.confidential:
        return f
    return Friction(f.id, None, f.process, _("(a confidential swarm)"), f.by, f.at)
