"""PostgreSQL's stored search documents (issue 28, m041): a note is appended to its case's
document, which stays the document a remake from every text gives; a bulk load makes the
documents once at the end."""

from __future__ import annotations

from bot.store.interfaces import Store
from tests.store.conftest import T1, T2
from tests.store.test_search import _case


def _docs_as_remade(store: Store) -> list[tuple[int, bool]]:
    return [(r["case_id"], r["same"]) for r in store.db.execute(  # type: ignore[attr-defined]
        "SELECT case_id, doc = case_doc(case_id) AS same FROM case_docs ORDER BY case_id")]


def test_a_note_is_appended_and_the_document_is_what_a_remake_gives(pg: Store) -> None:
    cid = _case(pg, "ZD-1", "vpn drops every hour")
    other = _case(pg, "ZD-2", "invoice shows the wrong VAT number")
    for n, text in enumerate(["customer sent a HAR file", "the tunnel times out", "",
                              "asked for the firewall's logs", "logs show an MTU of 1400"]):
        pg.timeline.append(cid, T1, "note", "ann", f"{text} (note {n})")
    pg.timeline.append(cid, T1, "joined", "bob", "not a note: not in the document")
    pg.journal.add_decision(cid, "medium", "credit the customer a month", "outage", "ann", T2)
    pg.timeline.append(cid, T2, "note", "ann", "a note after the decision")
    assert _docs_as_remade(pg) == [(cid, True), (other, True)]
    assert pg.search.ranked(["firewall"]) == [cid]
    assert pg.search.ranked(["mtu", "decision"]) == [cid]
    assert pg.search.ranked(["joined"]) == []
    # the vocabulary took the new words
    assert pg.search.vocabulary.known({"firewall", "mtu"}) == {"firewall", "mtu"}


def test_a_bulk_load_makes_the_documents_once_and_the_triggers_come_back(pg: Store) -> None:
    with pg.search.bulk_load():
        inside = _case(pg, "ZD-1", "dns stopped resolving")
        pg.timeline.append(inside, T1, "note", "ann", "resolver returns SERVFAIL")
        assert pg.db.execute(  # type: ignore[attr-defined]
            "SELECT COUNT(*) AS n FROM case_docs").fetchone()["n"] == 0  # not yet
    assert pg.search.ranked(["servfail"]) == [inside]
    pg.timeline.append(inside, T2, "note", "ann", "forwarder fixed")
    assert pg.search.ranked(["forwarder"]) == [inside]
    assert _docs_as_remade(pg) == [(inside, True)]
    assert pg.search.vocabulary.known({"servfail", "forwarder"}) == {"servfail", "forwarder"}
