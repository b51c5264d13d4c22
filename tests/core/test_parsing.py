from datetime import UTC, datetime

import pytest

from adapters.shell.render import mentions_in
from adapters.slack.text import command_text
from bot.domain import room_name_for
from bot.errors import CommandError
from bot.people import mention, mention_of, plain
from bot.timeparse import parse_when
from handlers.parsing import Args


def test_each_platforms_mentions_become_one_neutral_form() -> None:
    """Adapters translate; the parser reads one token form, whatever the platform."""
    assert mention_of(command_text("<@U123>")) == "U123"
    assert mention_of(command_text("<@U123|bob>")) == "U123"
    assert mention_of(mentions_in("@bob")) == "bob"
    assert mention_of(mention("29:1abc-DEF_g") + ",") == "29:1abc-DEF_g"
    # Slack's markup and a bare word are not mentions to the core.
    assert mention_of("<@U123>") is None and mention_of("bob") is None
    assert plain(f"ask {mention('bob')} now") == "ask @bob now"


def test_options_with_straight_and_typographic_quotes() -> None:
    args = Args.parse('ZD-1 sev2 customer=“Acme Corp” tried="a=b" summary words',
                      frozenset({"customer", "tried"}))
    assert args.options == {"customer": "Acme Corp", "tried": "a=b"}
    assert args.take() == "ZD-1"
    assert args.take() == "sev2"
    assert args.rest() == "summary words"


def test_unknown_options_stay_in_the_text() -> None:
    assert Args.parse('note x=1 y', frozenset()).rest() == "note x=1 y"


def test_room_names_are_slack_valid_and_keep_the_ref() -> None:
    name = room_name_for("ZD-4711", "Acme cannot log in after the SSO change " * 5)
    assert name.startswith("swarm-zd-4711-") and len(name) <= 80
    assert name == name.lower() and " " not in name
    long_ref = "X" * 40
    assert long_ref.lower() in room_name_for(long_ref, "summary", prefix="s" * 30)


NOW = datetime(2026, 11, 16, 16, 30, tzinfo=UTC)  # 17:30 in Berlin


def test_when_clock_time_is_the_next_such_time_in_the_users_zone() -> None:
    due, used = parse_when(["17:00", "call"], NOW, "Europe/Berlin")
    assert used == 1 and due == datetime(2026, 11, 17, 16, 0, tzinfo=UTC)
    due, _ = parse_when(["18:00"], NOW, "Europe/Berlin")
    assert due == datetime(2026, 11, 16, 17, 0, tzinfo=UTC)


def test_when_relative_and_iso() -> None:
    assert parse_when(["in", "30m"], NOW, None)[0] == datetime(2026, 11, 16, 17, 0, tzinfo=UTC)
    assert parse_when(["in", "2", "hours", "x"], NOW, None) == (
        datetime(2026, 11, 16, 18, 30, tzinfo=UTC), 3)
    assert parse_when(["2026-11-20T09:00"], NOW, "Europe/Berlin")[0] == datetime(
        2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("words", [["soon"], ["in", "a", "bit"], ["2020-01-01T00:00Z"], []])
def test_when_bad_input_says_the_forms(words: list[str]) -> None:
    with pytest.raises(CommandError):
        parse_when(words, NOW, None)


def test_an_option_given_twice_is_refused_not_silently_replaced() -> None:
    with pytest.raises(CommandError, match="given twice"):
        Args.parse('ZD-1 customer="Globex" broken since customer=Initech merged',
                   frozenset({"customer"}))
