"""The messages the bot posts into rooms and direct messages (not replies to the invoker)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain import Case, Handoff, Promise, TimelineEvent, severity_label
from bot.experts import Suggestion
from bot.helpdesk import TicketLink, stands_in
from bot.i18n import _, ngettext
from bot.people import mention
from bot.phrases import Phrases
from bot.replies import Field, Reply, Tone
from bot.timeparse import due_text
from bot.wording import promise_line, status_word

if TYPE_CHECKING:
    from bot.services.knowledge import CatchUp

SOLVED_BEFORE = "Solved before"  # similar resolved cases (issue 13)


def _solved_before(similar: list[str]) -> tuple[Field, ...]:
    return (Field(_("Solved before"), "\n".join(similar)),) if similar else ()


def topic(case: Case) -> str:
    return _("{ref} · {severity} · owner {owner}").format(
        ref=case.ref, severity=severity_label(case.severity), owner=mention(case.owner))


def ticket_fields(ticket: TicketLink | None) -> list[Field]:
    """A case from a helpdesk: its ticket link, requester and organization."""
    if ticket is None:
        return []
    fields = [Field(_("Ticket"), ticket.url)]
    if ticket.requester:
        fields.append(Field(_("Requester"), ticket.requester))
    if ticket.organization:
        fields.append(Field(_("Organization"), ticket.organization))
    return fields


def case_fields(case: Case) -> list[Field]:
    """What `set` added to a case: its link, the customer's time zone."""
    fields = [Field(_("Link"), case.link)] if case.link else []
    if case.customer_tz:
        fields.append(Field(_("Customer's time zone"), case.customer_tz))
    return fields


def brief(case: Case, phrases: Phrases, skills: list[str] | None = None,
          ticket: TicketLink | None = None, similar: list[str] | None = None,
          promises: list[Promise] | None = None) -> Reply:
    """The case brief: posted at open, then updated in place as the case changes."""
    # A ticket's swarm without an owner yet: the helpdesk's name stands in, never shown as
    # a person (it is no chat user: a mention of it would ping nobody, or be refused).
    unowned = stands_in(ticket, case.owner)
    owner = _("nobody yet: triage was asked for one") if unowned else mention(case.owner)
    fields = [Field(_("Owner"), owner), Field(_("Severity"), severity_label(case.severity))]
    if case.customer:
        fields.append(Field(_("Customer"), case.customer))
    fields += ticket_fields(ticket)
    fields += case_fields(case)
    if case.delight:
        fields.append(Field(_("What would delight them"), case.delight))
    if skills:
        fields.append(Field(_("Skills asked for"), ", ".join(skills)))
    fields += _solved_before(similar or [])
    if promises:
        fields.append(Field(_("Open promises"), "\n".join(
            promise_line(p.no, due_text(p.due, case.customer_tz), p.what) for p in promises)))
    if not case.is_open:
        return Reply(title=_("Swarm {ref} ({status}): {summary}").format(
                         ref=case.ref, status=status_word(case.status), summary=case.summary),
                     text=_("{status}: {resolution}").format(
                         status=status_word(case.status).capitalize(),
                         resolution=case.resolution),
                     fields=tuple(fields), private=False)
    return Reply(
        title=_("Swarm {ref}: {summary}").format(ref=case.ref, summary=case.summary),
        text=(_("No owner yet: triage was asked for one, and a manager hands it off warmly "
                "to them. Join to help.") if unowned else
              _("{owner} owns this case and stays with the customer. Join to help; hand off "
                "warmly if ownership must move.").format(owner=mention(case.owner))),
        fields=tuple(fields),
        buttons=(
            phrases.button(_("Join"), "join", case.ref, style="primary"),
            phrases.button(_("Hand off"), "handoff", case.ref, needs_input=True,
                           input_hint="@receiver <briefing> [tried=\"…\"]"),
            phrases.button(_("Resolve"), "resolve", case.ref, style="danger", needs_input=True,
                           input_hint="<resolution>"),
        ),
        private=False,
        mentions=() if unowned else (case.owner,),
    )


def help_request(case: Case, skills: list[str], tried: str | None, by: str,
                 suggestion: Suggestion, phrases: Phrases, similar: list[str] | None = None
                 ) -> Reply:
    fields = [Field(_("Case"), f"{case.ref} ({severity_label(case.severity)}): {case.summary}"),
              Field(_("Skills"), ", ".join(skills))]
    if tried:
        fields.append(Field(_("Already tried"), tried))
    if suggestion.picks:
        fields.append(Field(_("Suggested"), "\n".join(
            f"{mention(p.person)}: {p.reason}" for p in suggestion.picks)))
    if suggestion.uncovered:
        fields.append(Field(_("Nobody available has"), ", ".join(suggestion.uncovered)))
    fields += _solved_before(similar or [])
    return Reply(
        title=_("Help wanted on {ref}").format(ref=case.ref),
        text=_("{who} needs {skills} on {ref}.").format(
            who=mention(by), skills=", ".join(skills), ref=case.ref),
        fields=tuple(fields),
        buttons=(phrases.button(_("Join"), "join", case.ref, style="primary"),),
        private=False,
        mentions=tuple(p.person for p in suggestion.picks),
    )


def handoff_offer(case: Case, offer: Handoff, last_mood: str | None,
                  promises: list[Promise], last_contact: str | None, phrases: Phrases,
                  ticket: TicketLink | None = None,
                  similar: list[str] | None = None, drafted: str | None = None) -> Reply:
    fields = [Field(_("Briefing"), offer.briefing)]
    if drafted:
        fields.append(Field(_("Briefing drafted"), drafted))
    fields.append(Field(_("Customer mood"), last_mood or _("no reading yet")))
    if offer.tried:
        fields.append(Field(_("Already tried"), offer.tried))
    fields.append(Field(_("Open promises"), "\n".join(
        promise_line(p.no, due_text(p.due, case.customer_tz), p.what) for p in promises)
        or _("none")))
    fields.append(Field(_("Last customer contact"), last_contact or _("none recorded")))
    if case.delight:
        fields.append(Field(_("What would delight them"), case.delight))
    fields += ticket_fields(ticket)
    fields += _solved_before(similar or [])
    return Reply(
        title=_("{who} offers you {ref}: {summary}").format(
            who=mention(offer.from_id), ref=case.ref, summary=case.summary),
        text=_("{who} stays owner until you accept.").format(who=mention(offer.from_id)),
        fields=tuple(fields),
        buttons=(phrases.button(_("Accept"), "accept", case.ref, style="primary"),
                 phrases.button(_("Decline"), "decline", case.ref, style="danger")),
        private=False,
        mentions=(offer.from_id,),
    )


def notice(text: str, tone: Tone = Tone.INFO, mentions: tuple[str, ...] = ()) -> Reply:
    return Reply(text=text, tone=tone, private=False, mentions=mentions)


def event_line(event: TimelineEvent, mark: str | None = None) -> str:
    """One timeline entry, numbered (`correct`/`retract` take the number), marked if it was
    corrected or retracted since."""
    by = f" {mention(event.by)}" if event.by and event.kind in ("note", "touch", "mood") else ""
    about = f" #{event.ref_id}" if event.kind in ("corrected", "retracted") else ""
    line = f"#{event.id} {event.at[11:16]} {event.kind.replace('_', ' ')}{about}{by}: {event.text}"
    return line + (f" [{mark}]" if mark else "")


def catchup(c: CatchUp, phrases: Phrases, lead: str | None = None,
            summary: str | None = None) -> Reply:
    """The private catch-up a new joiner (or anyone asking) gets: the case as it stands,
    then what they have not seen yet, oldest first, and what it left out and where it is."""
    case = c.case
    fields = [Field(_("Owner"), mention(case.owner)),
              Field(_("Severity"), severity_label(case.severity))]
    if case.customer:
        fields.append(Field(_("Customer"), case.customer))
    if case.delight:
        fields.append(Field(_("What would delight them"), case.delight))
    fields.append(Field(_("Already tried"), c.tried or _("nothing recorded")))
    fields.append(Field(_("Open promises"), "\n".join(c.promises) or _("none")))
    fields.append(Field(_("Last customer contact"), c.last_contact or _("none recorded")))
    if c.last_mood:
        fields.append(Field(_("Customer mood"), c.last_mood))
    lines = [event_line(e) for e in c.events] or [_("Nothing new since you last looked.")]
    if summary:  # a short summary above the entries (issue 30)
        lines = [summary, ""] + lines
    history = phrases.command("history", case.ref)
    if c.not_shown:
        lines.append(ngettext("… and {n} newer entry: {catchup} again shows it.",
                              "… and {n} newer entries: {catchup} again shows them.",
                              c.not_shown).format(
            n=c.not_shown, catchup=phrases.command('catchup', case.ref)))
    if c.seen_before:
        lines.append(ngettext("{n} earlier entry you had seen: {history} has all {total}.",
                              "{n} earlier entries you had seen: {history} has all {total}.",
                              c.seen_before).format(n=c.seen_before, history=history,
                                                    total=c.total))
    elif c.not_shown:
        lines.append(_("{history} pages through all {total}.").format(history=history,
                                                                       total=c.total))
    return Reply(title=lead or _("Catch-up on {ref}: {summary}").format(
                     ref=case.ref, summary=case.summary), text="\n".join(lines),
                 fields=tuple(fields))
