"""Similar cases on SQLite test each candidate's filters in a narrow index, not its row
(issue 28, m057: a cold 500k file's similar query read ~90 pages of `cases` for them)."""

from __future__ import annotations

from pathlib import Path

from bot.domain import CaseStatus
from bot.store import open_store
from bot.store.schema_search import FILTER_INDEX
from tests.store.conftest import T0, T1


def test_similar_reads_the_filters_from_the_narrow_index_with_the_same_answer(
        tmp_path: Path) -> None:
    store = open_store(tmp_path / "similar.db")
    try:
        store.people.ensure("ann", "slack", "Ann", None, T0)
        ids = []
        for i in range(40):
            platform = "slack" if i % 2 else "teams"
            cid = store.cases.add(f"ZD-{i}", "Acme", f"login error tenant {i % 7} sso",
                                  2, "ann", platform, T0)
            if i % 3:
                store.cases.resolve(cid, "rotated the certificate", T1)
            ids.append(cid)
        ran: list[str] = []
        store.db.conn.set_trace_callback(ran.append)
        found = store.search.ranked(["login", "error", "sso"], every_word=False,
                                    status=CaseStatus.RESOLVED, platforms=["slack"], limit=3)
        store.db.conn.set_trace_callback(None)
        # the answer: the newest resolved Slack cases (all score alike but for length)
        wanted = [i for n, i in enumerate(ids) if n % 2 and n % 3]
        assert found and set(found) <= set(wanted)
        newest = [s for s in ran if "CROSS JOIN cases c" in s and s.lstrip().startswith("SELECT")]
        assert newest
        for sql in newest:
            plan = " ".join(str(r[3]) for r in store.db.execute("EXPLAIN QUERY PLAN " + sql))
            assert f"COVERING INDEX {FILTER_INDEX}" in plan, plan
    finally:
        store.close()
