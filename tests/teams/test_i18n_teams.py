"""Issue 25 over the wire: a Teams activity whose `locale` is de-DE is answered in German;
one in en-GB (the recorded payloads') in English, in the same run."""

from __future__ import annotations

from tests.teams.conftest import ANN, BOB, Teams


async def test_a_german_activity_gets_a_german_answer(teams: Teams) -> None:
    msg = teams.message(ANN, "frobnicat ZD-1")
    msg["locale"] = "de-DE"
    status, _ = await teams.post(msg)
    assert status == 201
    reply = teams.connector.calls[-1].body
    assert "Unbekannter Befehl `frobnicat`." in reply["text"]
    english = teams.message(BOB, "frobnicate ZD-1")  # the payload's own en-GB
    status, _ = await teams.post(english)
    assert status == 201
    assert "Unknown command `frobnicate`." in teams.connector.calls[-1].body["text"]


async def test_german_help_in_teams_shows_the_commands_as_typed(teams: Teams) -> None:
    msg = teams.message(ANN, "help")
    msg["locale"] = "de-DE"
    await teams.post(msg)
    said = str(teams.connector.calls[-1].body)
    assert "swarmbot-Befehle" in said and "open <ref>" in said
