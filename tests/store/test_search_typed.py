"""Contract: search finds what people type (issue 28): stems, prefixes, compounds written
split or joined, one typo; a miss names the nearest words that would match. Known answers,
on both stores."""

from __future__ import annotations

from bot.services.knowledge import words_of
from bot.store import Store
from tests.store.test_search import _case


def _find(store: Store, text: str) -> list[int]:
    return store.search.ranked(words_of(text))


def test_a_compound_is_found_split_joined_or_hyphenated(store: Store) -> None:
    split = _case(store, "ZD-1", "cannot log in after the SSO change")
    joined = _case(store, "ZD-2", "login page stays blank")
    other = _case(store, "ZD-3", "invoice shows the wrong VAT number")
    for typed in ("login", "log-in", "log in", "cannot log in"):
        found = _find(store, typed)
        assert split in found and joined in found, typed
        assert other not in found
    assert _find(store, "e-mail") == []  # nobody wrote it either way
    mail = _case(store, "ZD-4", "email bounces for every new address")
    assert _find(store, "e-mail") == [mail]


def test_stems_and_prefixes(store: Store) -> None:
    cert = _case(store, "ZD-1", "certificate expired on their endpoint")
    auth = _case(store, "ZD-2", "authentication fails for new staff")
    assert _find(store, "certificates") == [cert]
    assert _find(store, "auth") == [auth]
    assert _find(store, "authenticat") == [auth]
    assert _find(store, "au") == []  # too short to stand for a prefix


def test_one_typo_finds_the_word_when_no_case_has_what_was_typed(store: Store) -> None:
    split = _case(store, "ZD-1", "cannot log in after the SSO change")
    cert = _case(store, "ZD-2", "certificate expired on their endpoint")
    assert _find(store, "loggin") == [split]  # `logging` is `log`
    assert _find(store, "certifcate") == [cert]
    assert _find(store, "certifcate endpoint") == [cert]
    assert _find(store, "certifcate vpn") == []  # every word still counts
    assert store.search.ranked(words_of("certifcate"), every_word=False) == [cert]
    # a word some case has is not corrected: `lag` stays `lag`
    lag = _case(store, "ZD-3", "dashboard lag after upgrade")
    assert _find(store, "lag") == [lag]


def test_a_miss_suggests_the_nearest_words_as_cases_wrote_them(store: Store) -> None:
    _case(store, "ZD-1", "certificate expired on their endpoint")
    _case(store, "ZD-2", "webhooks time out")
    assert _find(store, "certifcat") == []
    near = store.search.suggestions(words_of("certifcat webhooks"))
    assert list(near) == ["certifcat"]
    assert "certificate" in near["certifcat"]
    assert store.search.suggestions(words_of("zzqxv")) == {"zzqxv": []}
    assert store.search.suggestions(words_of("webhooks")) == {}


def test_the_stored_index_follows_later_writes(store: Store) -> None:
    cid = _case(store, "ZD-1", "customer asks for a call")
    assert _find(store, "signup") == []
    store.timeline.append(cid, "2026-11-17T09:00:00Z", "note", "ann", "their sign-up form hangs")
    assert _find(store, "signup") == [cid]
    assert _find(store, "sign up") == [cid]


def test_find_over_many_matches_ranks_the_newest_in_bm25_order(store: Store) -> None:
    """Past 100 matches, `find` ranks the newest 100 (SQLite: bm25 in Python over them, not
    bm25() over every match); where the best are among them, the order is bm25()'s."""
    notes = []
    for i in range(110):
        cid = _case(store, f"ZD-{i}", "customer asks for a call")
        store.timeline.append(cid, "2026-11-17T09:00:00Z", "note", "ann", "maybe the vpn")
        notes.append(cid)
    best = [_case(store, f"ZD-V{i}", f"vpn drops every {i} minutes") for i in range(3)]
    page = store.search.ranked(["vpn"], limit=10)
    assert page[:3] == best[::-1]  # in the summary: first, newest first among equals
    assert page[3:] == notes[::-1][:7]
    assert store.search.ranked(["vpn"], limit=10, offset=10) == notes[::-1][7:17]
