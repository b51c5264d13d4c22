"""Issue 25's loose ends as the shell shows them (one session, the README's kind)."""

from __future__ import annotations

import re

import pytest

from tests.test_erase import ACME, cli

ROOM = "#swarm-zd-4711-acme-cannot-log-in-after-sso-change"


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    proc = cli(["shell", "--db", str(tmp_path_factory.mktemp("s") / "s.db")], ACME)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_nothing_is_posted_into_an_archived_room(lines: list[str]) -> None:
    archived = lines.index(f"[{ROOM}] (room archived)")
    assert [x for x in lines[archived:] if x.startswith(f"[{ROOM}] swarmbot:")] == []
    # the resolver is told privately; the room had the resolution notice before its archive
    assert "[only @bob] swarmbot: Resolved ZD-4711. Credited: @alice, @carol." in lines
    assert any(x.startswith(f"[{ROOM}] swarmbot: ZD-4711 resolved by @bob")
               for x in lines[:archived])


def test_one_who_joined_is_added_once_when_accepting(lines: list[str]) -> None:
    assert sum(1 for x in lines if x == f"[{ROOM}] (added @bob)") == 1


def test_the_last_contact_reads_the_same_in_offer_and_catchup(lines: list[str]) -> None:
    contacts = [x.strip() for x in lines if "Last customer contact:" in x and "identity" in x]
    shown = {c.removeprefix("Last customer contact: ") for c in contacts}
    assert len(contacts) >= 2 and len(shown) == 1, contacts
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC identity: checked the IdP metadata "
                        r"with the customer", shown.pop())
