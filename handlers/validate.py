"""Input hygiene, once for every way in: cleaning typed text and bounding each field.

Limits follow the platforms' own (a Slack modal's text input, a section block's 3,000
characters) so that whatever is stored can also be shown again.
"""

from __future__ import annotations

import re

from bot.digest.managers import clock_time
from bot.digest.weeks import BadInput, parse_zone
from bot.errors import CommandError
from bot.i18n import _
from bot.people import CLOSE, OPEN, TOKEN

# Whole command text (Slack sends at most 4,000 characters in a slash command).
MAX_COMMAND = 4000
LIMITS = {
    "ref": 40, "summary": 500, "customer": 200, "delight": 500, "skills": 300,
    "briefing": 2000, "tried": 1000, "resolution": 2000, "note": 3000, "function": 40,
    "what": 1000, "mood note": 500, "decision": 1000, "reason": 1000, "process": 100,
    "why": 500, "promise": 500, "thanks": 1000, "words": 500, "skill": 40, "setting": 500,
}
MAX_SKILLS = 20
SKILL = re.compile(r"^[a-z0-9][a-z0-9_.+-]{0,39}$")
# ANSI/VT escape sequences (CSI … final byte, OSC … BEL/ST), then any other control
# character but tab and newline, and the bidirectional overrides that can disguise text.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _clean_part(text: str) -> str:
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    return text.replace(OPEN, "").replace(CLOSE, "")


def clean_text(text: str) -> str:
    """Strip escape sequences and control characters; keep well-formed mention tokens
    (put there by an adapter) and drop any stray token marker."""
    out, pos = [], 0
    for m in TOKEN.finditer(text):
        out.append(_clean_part(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_clean_part(text[pos:]))
    return "".join(out)


def bounded(value: str, field: str, label: str | None = None) -> str:
    """`value`, or a CommandError at `field` saying the limit."""
    limit = LIMITS[field]
    if len(value) > limit:
        raise CommandError(_("{what} is {size} characters; the limit is {limit}.")
            .format(what=(label or field).capitalize(), size=format(len(value), ","),
                    limit=format(limit, ",")), field=field)
    return value


def skill_names(text: str) -> list[str]:
    """`sso, SAML billing` -> ["sso", "saml", "billing"], or a CommandError naming the bad."""
    names = list(dict.fromkeys(s.strip(",;").lower() for s in re.split(r"[\s,;]+", text)
                               if s.strip(",;")))
    bad = [s for s in names if not SKILL.match(s)]
    if bad:
        raise CommandError(_("Not a skill name: {names} (one word each, like sso billing)")
            .format(names=', '.join(b[:40] for b in bad[:3])), field="skills")
    if len(names) > MAX_SKILLS:
        raise CommandError(_("At most {most} skills at once.")
            .format(most=MAX_SKILLS), field="skills")
    return names


def is_hhmm(text: str) -> bool:
    """A time of day as people type it: HH:MM on the 24-hour clock (`skills hours`,
    `digest at`)."""
    if len(text) != 5 or text[2] != ":":
        return False
    try:
        clock_time(text)
    except ValueError:
        return False
    return True


def check_zone(zone: str | None, form: str) -> None:
    """An IANA zone a person typed (none: theirs), or one line with the right form."""
    if zone:
        try:
            parse_zone(zone)
        except BadInput as err:
            raise CommandError(f"{err}: {form}.") from None
