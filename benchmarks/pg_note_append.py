"""A note on a PostgreSQL case with many notes (issue 28, m041): the note appended to the
case's stored search document, against remaking the document from every note (what the
trigger did before m041: `case_docs_refresh`).

    python benchmarks/pg_note_append.py [--notes 120]

On a throwaway PostgreSQL (benchmarks/pg_common.py); the server's own execution times
(EXPLAIN ANALYZE), and whether the document after the appended notes is the one a remake
gives.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pg_common import cluster, migrated  # noqa: E402
from bot.store.pg_db import PgDb  # noqa: E402

T = "2026-11-16T09:00:00Z"
TEXT = ("customer reports the tunnel dropped again after the firewall change; logs attached, "
        "MTU 1400 suspected, asked networking to check the gateway")


def _ms(db: PgDb, sql: str, params: tuple[object, ...]) -> float:
    row = db.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params).fetchone()
    assert row is not None
    return float(row["QUERY PLAN"][0]["Execution Time"])


def main() -> None:
    from bot.store.postgres import open_pg_store

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=120)
    args = ap.parse_args()
    marks = sorted({20, args.notes // 2, args.notes} - {0})
    with cluster() as c:
        pg = open_pg_store(migrated(c))
        pg.people.ensure("ann", "slack", "Ann", None, T)
        cid = pg.cases.add("ZD-1", "Acme", "vpn drops every hour", 2, "ann", "slack", T)
        for n in range(1, args.notes + 1):
            pg.timeline.append(cid, T, "note", "ann", f"{TEXT} ({n})")
            if n in marks:
                remake = statistics.median(_ms(pg.db, "SELECT case_docs_refresh(?)", (cid,))
                                           for _ in range(5))
                append = _ms(pg.db, "UPDATE case_docs SET doc = doc || setweight(to_tsvector("
                             "'english', ?), 'D') WHERE case_id = ?", (TEXT, cid))
                pg.db.execute("SELECT case_docs_refresh(?)", (cid,))  # undo that append
                print(f"{n:5} notes: remade from every note {remake:6.2f} ms | "
                      f"appended {append:5.2f} ms")
        row = pg.db.execute("SELECT doc = case_doc(case_id) AS same FROM case_docs "
                            "WHERE case_id = ?", (cid,)).fetchone()
        print(f"the document after {args.notes} appended notes is a remake's: "
              f"{row['same'] if row else None}")
        pg.close()


if __name__ == "__main__":
    main()
