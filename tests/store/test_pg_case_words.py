"""PostgreSQL's kept (word, case) pairs (m045, every word's since m050, issue 28): after
random notes, corrections, retractions, summary changes, resolutions and an erasure the kept
table is what a rebuild from the stored documents gives; a word in more than 100 of the
newest 2,000 cases is marked common and keeps its pairs; an erased customer's words leave
the table (and the whole dump); a bulk load and a deleted document leave it rebuilt too."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from adapters.bootstrap import build_core
from bot.config import Config
from bot.services import erasure
from bot.services.erasure import erase
from bot.store.interfaces import Store
from bot.store.pg_words_schema import COMMON_IN, REBUILT
from testkit.fake_port import FakeChatPort
from tests.conftest import Say
from tests.store.test_search import _case
from tests.test_erase_copies import stored_bytes

WORDS = ("vpn", "tunnel", "invoice", "refund", "latency", "saml", "okta", "certificate",
         "billing", "webhook", "quota", "mailbox", "printer", "firewall", "export",
         "dashboard", "renewal", "licence", "sandbox")
ERASED = "zyzzquokka"  # only the erased customer's cases say it


def _pairs(store: Any, sql: str) -> list[tuple[str, int]]:
    return sorted((r["lexeme"], int(r["case_id"])) for r in store.db.execute(sql))


def _kept(store: Any) -> list[tuple[str, int]]:
    return _pairs(store, "SELECT lexeme, case_id FROM case_words")


def _rebuilt(store: Any) -> list[tuple[str, int]]:
    return _pairs(store, REBUILT)


def _common(store: Any) -> set[str]:
    return {r["lexeme"] for r in store.db.execute(
        "SELECT lexeme FROM search_lexemes WHERE common")}


async def test_the_kept_pairs_are_a_rebuild_after_random_changes_and_an_erasure(
        pg_url: str, tmp_path: Path, clock: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(erasure, "YIELD", 0.0)
    config = Config()
    config.store.path, config.store.url = str(tmp_path / "unused.db"), pg_url
    config.people.managers = ["manny"]
    core = build_core(config, {"fake": FakeChatPort(platform="fake")}, clock=clock)
    say, store, rng = Say(core), core.deps.store, random.Random(28)
    try:
        rooms: list[str] = []
        # Every case says "tenant": at the 101st it is common, and its pairs stay (m050).
        for i in range(COMMON_IN + 10):
            customer = "Quokkasoft" if i % 9 == 0 else f"Cust{i % 7}"
            await say("alice", f'open ZD-{i} sev3 customer="{customer}" tenant '
                               f'{" ".join(rng.sample(WORDS, 3))} E-{1000 + i}')
            case = store.cases.by_ref(f"ZD-{i}")
            assert case is not None and case.room_id
            rooms.append(case.room_id)
            if customer == "Quokkasoft":  # (not in the summary: an open room's name says it)
                await say("alice", f"note the {ERASED} gateway again", case.room_id)
        notes: list[tuple[int, str]] = []
        for _ in range(80):
            room = rng.choice(rooms)
            what = rng.random()
            words = " ".join(rng.sample(WORDS, 2))
            if what < 0.4 or not notes:
                await say("alice", f"note customer reports {words} w{rng.randrange(500)}",
                          room)
                [case] = [c for c in store.cases.all() if c.room_id == room]
                notes.append((store.timeline.events(case.id)[-1].id, room))
            elif what < 0.55:
                entry, at = rng.choice(notes)
                await say("alice", f"correct {entry} rather {words}", at)
            elif what < 0.7:
                entry, at = rng.choice(notes)
                await say("alice", f"retract {entry} wrong case", at)
            elif what < 0.85:
                await say("alice", f"set summary tenant {words} again", room)
            else:
                await say("alice", f"resolve fixed the {words}", room)
            assert _kept(store) == _rebuilt(store)
        assert "tenant" in _common(store)
        assert len([p for p in _kept(store) if p[0] == "tenant"]) > COMMON_IN
        assert [p for p in _kept(store) if p[0] == ERASED]  # the test looks at real pairs
        assert ERASED.encode() in stored_bytes(store, config)

        erase(store, by="dpo", at=core.deps.now_iso(), customer="quokkasoft")
        assert _kept(store) == _rebuilt(store)
        assert not [p for p in _kept(store) if p[0] == ERASED]
        dump = stored_bytes(store, config)
        assert ERASED.encode() not in dump
    finally:
        core.close()


def test_a_bulk_load_and_a_deleted_document_leave_the_pairs_rebuilt(pg: Store) -> None:
    first = _case(pg, "ZD-0", "printer jams on tray two")
    with pg.search.bulk_load():
        for i in range(1, COMMON_IN + 5):
            _case(pg, f"ZD-{i}", f"tenant mailbox quota code{i}")
    assert "tenant" in _common(pg) and "code7" not in _common(pg)
    assert _kept(pg) == _rebuilt(pg)
    assert ("printer", first) in _kept(pg) and ("code7", first + 7) in _kept(pg)
    pg.db.execute("DELETE FROM case_docs WHERE case_id = ?", (first,))  # type: ignore[attr-defined]
    assert _kept(pg) == _rebuilt(pg)
    assert ("printer", first) not in _kept(pg)
