"""The forms of the commands that need more words than a click: open, hand off, resolve.

Labels and limits live here once; Slack renders these as modals, Teams as task modules, the
shell as a hint. Field names are the typed command's field names.
"""

from __future__ import annotations

from bot.domain import SEVERITIES
from bot.forms import Choice, FieldKind, Form, FormField
from bot.i18n import _
from bot.phrases import Phrases
from handlers.validate import LIMITS

SEVERITY_CHOICES = tuple(Choice(f"sev{n}", _("sev{n}").format(n=n)) for n in SEVERITIES)


def open_form(phrases: Phrases, ref: str = "") -> Form:
    return Form(command="open", title=_("Open a swarm"), submit=_("Open"), fields=(
        FormField("ref", _("Case reference"), required=True, hint="ZD-4711", value=ref,
                  max_length=LIMITS["ref"]),
        FormField("severity", _("Severity"), FieldKind.CHOICE, required=True, value="sev3",
                  choices=SEVERITY_CHOICES),
        FormField("customer", _("Customer"), max_length=LIMITS["customer"]),
        # Issue 26: a confidential swarm (docs/access.md).
        FormField("visibility", _("Who may see it"), FieldKind.CHOICE, value="normal",
                  choices=(Choice("normal", _("Everyone")),
                           Choice("private", _("Its swarm and managers (confidential)")))),
        FormField("summary", _("What is going on"), FieldKind.LONG_TEXT, required=True,
                  max_length=LIMITS["summary"]),
        FormField("delight", _("What would delight this customer"), max_length=LIMITS["delight"]),
        FormField("skills", _("Skills needed"), hint="sso saml billing",
                  max_length=LIMITS["skills"]),
        FormField("tried", _("What was tried already"), FieldKind.LONG_TEXT,
                  max_length=LIMITS["tried"]),
    ), hint=phrases.command("open", '<ref> [sev1..sev4] [customer="…"] <summary>'))


def handoff_form(phrases: Phrases, ref: str, people: dict[str, str],
                 tried: str = "") -> Form:
    """`people`: id -> name of those in the swarm besides the owner, the likely receivers."""
    return Form(command="handoff", title=_("Hand off {ref}")
        .format(ref=ref), submit=_("Offer handoff"), fields=(
        FormField("to", _("Next owner"), FieldKind.PERSON, required=True,
                  choices=tuple(Choice(pid, name) for pid, name in people.items())),
        FormField("briefing", _("Briefing for the next owner"), FieldKind.LONG_TEXT,
                  required=True, max_length=LIMITS["briefing"]),
        FormField("tried", _("What was tried"), FieldKind.LONG_TEXT, value=tried,
                  max_length=LIMITS["tried"]),
    ), context={"ref": ref},
        hint=phrases.command("handoff", f'{ref} @user <briefing> [tried="…"]'))


def resolve_form(phrases: Phrases, ref: str) -> Form:
    return Form(command="resolve", title=_("Resolve {ref}")
        .format(ref=ref), submit=_("Resolve"), fields=(
        FormField("resolution", _("Resolution"), FieldKind.LONG_TEXT, required=True,
                  max_length=LIMITS["resolution"]),
    ), context={"ref": ref}, hint=phrases.command("resolve", f"{ref} <resolution>"))
