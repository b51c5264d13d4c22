"""The core's texts in the reader's language (issue 25): real commands through the entrance,
read by a German reader, with English deployments and German ones.

The reader's language is their platform's locale (`Sender.locale`, which the entrance turns
into `i18n.speaking(reader, deployment)` for the command); what the core says to the reader
comes back in German, what it posts in a room many people read stays in the deployment's
language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n
from bot.i18n import _, ngettext
from bot.people import render_mentions
from handlers.entrance import Entrance
from testkit.fake_port import FakeChatPort
from tests.conftest import REPO, Say

PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


@pytest.fixture
def german(say: Say) -> Iterator[None]:
    """A German reader (locale de-DE) in an English deployment."""
    say.locale = "de-DE"
    yield


async def _open(say: Say, core: Entrance) -> str:
    for who, skills in (("bob", "sso saml"), ("carol", "networking")):
        await say(who, f"skills add {skills}")
    await say("alice", 'open ZD-4711 sev2 customer="Acme Corp" Acme cannot log in')
    case = core.deps.store.cases.by_ref("ZD-4711")
    assert case is not None and case.room_id
    return case.room_id


async def test_open_again_is_refused_in_german_and_the_brief_stays_english(
        say: Say, core: Entrance, port: FakeChatPort, german: None) -> None:
    room = await _open(say, core)
    # The room's brief is written in the deployment's language, whoever opened the case.
    brief = port.posts_to(room)[0]
    assert brief.title == "Swarm ZD-4711: Acme cannot log in"
    assert "owns this case and stays with the customer" in brief.text
    assert [b.label for b in brief.buttons] == ["Join", "Hand off", "Resolve"]
    assert {f.label for f in brief.fields} >= {"Owner", "Severity", "Customer"}
    refused = await say("alice", "open ZD-4711 sev2 again")
    assert "ZD-4711 ist schon offen (Owner <@alice>)" in refused, refused


async def test_need_tells_the_reader_in_german_and_triage_in_english(
        say: Say, core: Entrance, port: FakeChatPort, german: None) -> None:
    room = await _open(say, core)
    out = await say("alice", "need sso networking", room)
    # Why each expert is suggested: the core's words, in the reader's language.
    assert "verfügbar · in keinem anderen Swarm" in out, out
    triage = port.posts_to("triage")[-1]
    assert triage.title == "Help wanted on ZD-4711"
    assert "needs sso, networking on ZD-4711" in triage.text
    assert "Niemand" not in triage.text and "verfügbar" not in str(triage.fields)


async def test_handoff_status_and_resolve_in_german(
        say: Say, core: Entrance, port: FakeChatPort, german: None) -> None:
    room = await _open(say, core)
    assert "Du kannst nicht an dich selbst übergeben: Nenn den nächsten Owner." in \
        await say("alice", "handoff @alice take it", room)
    await say("alice", "handoff @bob cert rotated, waiting on IdP", room)
    # The offer goes to bob, whose language this command does not know: the deployment's.
    offer = [s for s in port.sent if s.action == "dm" and s.target == "bob"][-1].reply
    assert offer.title == "<@alice> offers you ZD-4711: Acme cannot log in" or \
        "offers you ZD-4711" in (offer.title or "")
    assert [b.label for b in offer.buttons] == ["Accept", "Decline"]
    assert "Keine Übergabe von ZD-4711 wartet auf dich." in await say("carol", "accept ZD-4711")

    await say("alice", "set customer_tz Australia/Sydney", room)
    status = await say("carol", "status ZD-4711")
    assert "Zeitzone des Kunden: Australia/Sydney" in status, status

    await say("alice", "promise in 2h call back with the fix", room)
    asked = await say("alice", "resolve rotated the IdP cert", room)
    assert "ZD-4711 hat offene Zusagen an den Kunden (#1 bis " in asked, asked
    assert "call back with the fix). Markiere jede mit" in asked
    assert "Nur der Owner von ZD-4711 (<@alice>) oder ein Manager kann ihn lösen." in \
        await say("carol", "resolve fixed", room)
    await say("alice", "kept 1", room)
    await say("alice", "resolve rotated the IdP cert", room)
    # The resolution is posted in the room: English, the deployment's language.
    said = [render_mentions(r.text, lambda pid: f"<@{pid}>") for r in port.posts_to(room)]
    assert any(t.startswith("ZD-4711 resolved by <@alice>: rotated the IdP cert.")
               for t in said), said
    assert not any("gelöst" in t for t in said)
    # Anything more on a resolved case: one German line.
    assert "ZD-4711 ist gelöst (rotated the IdP cert); bis der Fall wieder geöffnet wird" in \
        await say("alice", "note too late", room)


async def test_a_german_deployment_writes_its_rooms_in_german(
        say: Say, core: Entrance, port: FakeChatPort) -> None:
    core.deps.config.i18n.language = "de"  # a German deployment, an English reader
    say.locale = "en-US"
    room = await _open(say, core)
    refused = await say("alice", "open ZD-4711 sev2 again")
    assert "ZD-4711 is already open (owner <@alice>)" in refused
    brief = port.posts_to(room)[0]
    assert "ist Owner dieses Falls und bleibt beim Kunden" in brief.text, brief.text
    assert [b.label for b in brief.buttons] == ["Beitreten", "Übergeben", "Lösen"]
    # The same command's buttons keep their commands: only the words change.
    assert [b.command for b in brief.buttons] == ["join ZD-4711", "handoff ZD-4711",
                                                  "resolve ZD-4711"]


async def test_german_plurals_and_a_german_error_line(
        say: Say, core: Entrance, german: None) -> None:
    room = await _open(say, core)
    for n in range(17):
        await say("alice", f"note step {n}", room)
    first = await say("carol", "catchup ZD-4711")
    # More entries than a catch-up shows: "… und 3 neuere Einträge" (a plural).
    assert "… und " in first and " neuere Einträge: " in first, first
    assert "zeigt sie beim nächsten Mal" in first
    assert "ZD-4711 hat 1 Seite Verlauf." in await say("carol", "history ZD-4711 9")
    assert "Zusage #1" not in await say("alice", "note fine", room)
    bad = await say("alice", "promise at tea time call back", room)
    assert "kann ich nicht als Zeit lesen" in bad, bad


def test_the_plural_rule_is_german() -> None:
    with i18n.speaking("de", "de"):
        assert ngettext("{n} day ago", "{n} days ago", 1).format(n=1) == "vor 1 Tag"
        assert ngettext("{n} day ago", "{n} days ago", 3).format(n=3) == "vor 3 Tagen"
        assert _("No case {ref}.").format(ref="ZD-1") == "Es gibt keinen Fall ZD-1."
    # A language without a catalogue, and no language set: English, the message ids.
    with i18n.speaking("fr", "fr"):
        assert _("No case {ref}.").format(ref="ZD-1") == "No case ZD-1."
    assert ngettext("{n} day ago", "{n} days ago", 3).format(n=3) == "3 days ago"


def test_every_core_text_has_its_german_with_the_same_placeholders() -> None:
    """What `pybabel extract -F babel.cfg bot` finds, each in core.po, translated, with the
    placeholders of its message id (a translation may move them, never drop or rename one)."""
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
            REPO / "bot", method_map=[("**.py", "python")]):
        found[message if isinstance(message, str) else tuple(message)] = message
    assert len(found) > 400, len(found)  # the core's texts are read at all
    with (REPO / "bot" / "locale" / "de" / "LC_MESSAGES" / "core.po").open("rb") as f:
        catalog = read_po(f, locale="de")
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    missing, wrong = [], []
    for key in found:
        entry = catalog.get(key if isinstance(key, str) else key[0])
        if entry is None or not entry.string or (
                not isinstance(entry.string, str) and not all(entry.string)):
            missing.append(key)
            continue
        ids = [key] if isinstance(key, str) else list(key)
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        want = set(PLACEHOLDER.findall(ids[-1]))
        wrong += [(key, s) for s in strings if set(PLACEHOLDER.findall(s)) != want
                  and set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(ids[0]))]
    assert not missing, missing
    assert not wrong, wrong


async def test_a_promise_due_time_names_day_and_month_in_german(
        say: Say, core: Entrance, german: None) -> None:
    room = await _open(say, core)
    said = await say("alice", "promise 2026-11-20T17:00 Rückruf", room)
    assert "Fr. 20 Nov. 17:00" in said, said
