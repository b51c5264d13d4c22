"""The messages the bot posts into rooms and direct messages (not replies to the invoker)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain import Case, Handoff, Promise, TimelineEvent, severity_label
from bot.experts import Suggestion
from bot.helpdesk import TicketLink, stands_in
from bot.people import mention
from bot.phrases import Phrases
from bot.replies import Field, Reply, Tone

if TYPE_CHECKING:
    from bot.services.knowledge import CatchUp

SOLVED_BEFORE = "Solved before"  # similar resolved cases (issue 13)


def _solved_before(similar: list[str]) -> tuple[Field, ...]:
    return (Field(SOLVED_BEFORE, "\n".join(similar)),) if similar else ()


def topic(case: Case) -> str:
    return f"{case.ref} · {severity_label(case.severity)} · owner {mention(case.owner)}"


def ticket_fields(ticket: TicketLink | None) -> list[Field]:
    """A case from a helpdesk: its ticket link, requester and organization."""
    if ticket is None:
        return []
    fields = [Field("Ticket", ticket.url)]
    if ticket.requester:
        fields.append(Field("Requester", ticket.requester))
    if ticket.organization:
        fields.append(Field("Organization", ticket.organization))
    return fields


def brief(case: Case, phrases: Phrases, skills: list[str] | None = None,
          ticket: TicketLink | None = None, similar: list[str] | None = None,
          promises: list[Promise] | None = None) -> Reply:
    """The case brief: posted at open, then updated in place as the case changes."""
    # A ticket's swarm without an owner yet: the helpdesk's name stands in, never shown as
    # a person (it is no chat user: a mention of it would ping nobody, or be refused).
    unowned = stands_in(ticket, case.owner)
    owner = "nobody yet: triage was asked for one" if unowned else mention(case.owner)
    fields = [Field("Owner", owner), Field("Severity", severity_label(case.severity))]
    if case.customer:
        fields.append(Field("Customer", case.customer))
    fields += ticket_fields(ticket)
    if case.delight:
        fields.append(Field("What would delight them", case.delight))
    if skills:
        fields.append(Field("Skills asked for", ", ".join(skills)))
    fields += _solved_before(similar or [])
    if promises:
        fields.append(Field("Open promises", "\n".join(f"#{p.no} by {p.due}: {p.what}"
                                                       for p in promises)))
    if not case.is_open:
        return Reply(title=f"Swarm {case.ref} ({case.status.value}): {case.summary}",
                     text=f"{case.status.value.capitalize()}: {case.resolution}",
                     fields=tuple(fields), private=False)
    return Reply(
        title=f"Swarm {case.ref}: {case.summary}",
        text=("No owner yet: triage was asked for one, and a manager hands it off warmly "
              "to them. Join to help." if unowned else
              f"{mention(case.owner)} owns this case and stays with the customer. "
              "Join to help; hand off warmly if ownership must move."),
        fields=tuple(fields),
        buttons=(
            phrases.button("Join", "join", case.ref, style="primary"),
            phrases.button("Hand off", "handoff", case.ref, needs_input=True,
                           input_hint="@receiver <briefing> [tried=\"…\"]"),
            phrases.button("Resolve", "resolve", case.ref, style="danger", needs_input=True,
                           input_hint="<resolution>"),
        ),
        private=False,
        mentions=() if unowned else (case.owner,),
    )


def help_request(case: Case, skills: list[str], tried: str | None, by: str,
                 suggestion: Suggestion, phrases: Phrases, similar: list[str] | None = None
                 ) -> Reply:
    fields = [Field("Case", f"{case.ref} ({severity_label(case.severity)}): {case.summary}"),
              Field("Skills", ", ".join(skills))]
    if tried:
        fields.append(Field("Already tried", tried))
    if suggestion.picks:
        fields.append(Field("Suggested", "\n".join(
            f"{mention(p.person)}: {p.reason}" for p in suggestion.picks)))
    if suggestion.uncovered:
        fields.append(Field("Nobody available has", ", ".join(suggestion.uncovered)))
    fields += _solved_before(similar or [])
    return Reply(
        title=f"Help wanted on {case.ref}",
        text=f"{mention(by)} needs {', '.join(skills)} on {case.ref}.",
        fields=tuple(fields),
        buttons=(phrases.button("Join", "join", case.ref, style="primary"),),
        private=False,
        mentions=tuple(p.person for p in suggestion.picks),
    )


def handoff_offer(case: Case, offer: Handoff, last_mood: str | None,
                  promises: list[Promise], last_contact: str | None, phrases: Phrases,
                  ticket: TicketLink | None = None,
                  similar: list[str] | None = None, drafted: str | None = None) -> Reply:
    fields = [Field("Briefing", offer.briefing)]
    if drafted:
        fields.append(Field("Briefing drafted", drafted))
    fields.append(Field("Customer mood", last_mood or "no reading yet"))
    if offer.tried:
        fields.append(Field("Already tried", offer.tried))
    fields.append(Field("Open promises", "\n".join(
        f"#{p.no} by {p.due}: {p.what}" for p in promises) or "none"))
    fields.append(Field("Last customer contact", last_contact or "none recorded"))
    if case.delight:
        fields.append(Field("What would delight them", case.delight))
    fields += ticket_fields(ticket)
    fields += _solved_before(similar or [])
    return Reply(
        title=f"{mention(offer.from_id)} offers you {case.ref}: {case.summary}",
        text=f"{mention(offer.from_id)} stays owner until you accept.",
        fields=tuple(fields),
        buttons=(phrases.button("Accept", "accept", case.ref, style="primary"),
                 phrases.button("Decline", "decline", case.ref, style="danger")),
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
    fields = [Field("Owner", mention(case.owner)), Field("Severity", severity_label(case.severity))]
    if case.customer:
        fields.append(Field("Customer", case.customer))
    if case.delight:
        fields.append(Field("What would delight them", case.delight))
    fields.append(Field("Already tried", c.tried or "nothing recorded"))
    fields.append(Field("Open promises", "\n".join(c.promises) or "none"))
    fields.append(Field("Last customer contact", c.last_contact or "none recorded"))
    if c.last_mood:
        fields.append(Field("Customer mood", c.last_mood))
    lines = [event_line(e) for e in c.events] or ["Nothing new since you last looked."]
    if summary:  # a short summary above the entries (issue 30)
        lines = [summary, ""] + lines
    history = phrases.command("history", case.ref)
    if c.not_shown:
        lines.append(f"… and {c.not_shown} newer entries: "
                     f"{phrases.command('catchup', case.ref)} again shows them.")
    if c.seen_before:
        lines.append(f"{c.seen_before} earlier entries you had seen: {history} has all "
                     f"{c.total}.")
    elif c.not_shown:
        lines.append(f"{history} pages through all {c.total}.")
    return Reply(title=lead or f"Catch-up on {case.ref}: {case.summary}", text="\n".join(lines),
                 fields=tuple(fields))
