"""PostgreSQL similar cases: a small pool of candidates read by index, ranked by ts_rank.

As SQLite does (bot/store/search.py, `_any_word`), the pool comes from the summary's rarer
words, whose cases are kept by index in `case_words` (m045, bot/store/pg_words_schema.py).
One statement, the same text whatever the words (so it is prepared once, and one round
trip), reads per query word its lexemes, whether they are all kept (none common) and how
many cases hold them (up to COUNT_CAP), and from those the pool:

- every case of a kept word in at most ALL_OF_RARE cases (an error code);
- down the newest pairs of the rarest other kept word: the newest PER_CHAIN holding it;
  among its newest PAIRS, the newest PER_CHAIN also holding the next rarest kept words (up
  to AT_ONCE, looked up by key), and the newest PER_CHAIN also holding every common word
  (their document matched);
- with no kept word, the newest holding all the words among the newest RECENT documents;
- the newest PER_COMMON holding each common word (a backward walk through the newest
  documents, which soon meets one: the word is common).

ts_rank over all the words orders the pool (the tsquery made once, not per row).

Before m045 each word's newest 40 were read through the documents (a word in 1-5% of the
cases walked hundreds to thousands of them) and all the words together among the newest
5,000 documents (all 5,000 when no case holds them all: 11 ms at 10k cases); the plans are
in BENCHMARKS.md, "Issue 28, fifth session: similar cases".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.store.search_words import Group

# A kept word's cases are counted up to this many (enough to order the rarer words).
COUNT_CAP = 1000
# A word in at most this many cases has all of them in the pool (an error code).
ALL_OF_RARE = 40
# The pool's parts read at least this many (or the page asked for).
PER_POOL = 40
# The rarest kept word and at most this many - 1 more.
AT_ONCE = 4
# The newest this many holding each common word.
PER_COMMON = 40
# The newest this many holding the rarest kept word (and the next ones, or every common
# word: looked for among its newest PAIRS cases).
PER_CHAIN = 20
PAIRS = 300
# Without a kept word, all the words are looked for among the newest this many documents.
RECENT = 5000
# ... read backwards through the newest this many first, then the older ones by the GIN index.
NEAR = 500


def _spellings(group: Group) -> list[str]:
    """The words whose lexemes stand for the group in the kept pairs: its terms and the
    first word of each phrase (a phrase's cases hold its first word); none for a group
    with prefixes (a prefix is many lexemes)."""
    if group.prefixes:
        return []
    return list(dict.fromkeys([*group.terms, *(p[0] for p in group.phrases if p)]))


def similar_sql(groups: Sequence[Group], tsqueries: Sequence[str], rank_by: str,
                terms: list[str], values: list[Any], limit: int, offset: int
                ) -> tuple[str, list[Any]]:
    """One statement, the same for every query (so it is prepared once): the query words'
    kept counts, the pool read from them, the pool ranked (see the module's note)."""
    index, spelled = [], []
    for i, group in enumerate(groups):
        for w in _spellings(group):
            index.append(i)
            spelled.append(w)
    where = "".join(f" AND {t}" for t in terms)
    wanted = max(PER_POOL, offset + limit)
    cases = f"LATERAL (SELECT c.id FROM cases c WHERE c.id = w.case_id{{}}{where}) c"
    # the chain's words (its first `n`) all held, and every common word
    # the chain's other words all held (looked up by key) / every common word held
    held = (" AND NOT EXISTS (SELECT 1 FROM chain o WHERE o.r > 1 AND NOT EXISTS (SELECT 1 "
            "FROM case_words v WHERE v.lexeme = ANY (o.lexemes) AND v.case_id = c.id))")
    template = (" AND EXISTS (SELECT 1 FROM case_docs d WHERE d.case_id = c.id AND d.doc @@ "
                "(SELECT q FROM common))")
    sql = (
        "WITH s AS (SELECT t.i, array_agg(DISTINCT x) AS lexemes, bool_and(l.common IS FALSE) "
        "AS kept FROM unnest(?::int[], ?::text[]) AS t(i, w), unnest(tsvector_to_array("
        "to_tsvector('english', t.w))) AS x LEFT JOIN search_lexemes l ON l.lexeme = x "
        "GROUP BY t.i), "
        "g AS MATERIALIZED (SELECT q.i, q.q, to_tsquery('english', q.q) AS tq, s.lexemes, "
        "COALESCE(s.kept, false) AS kept, "
        "CASE WHEN s.kept THEN (SELECT count(*) FROM (SELECT 1 FROM case_words w WHERE "
        "w.lexeme = ANY (s.lexemes) LIMIT ?) n) END AS n FROM unnest(?::int[], ?::text[]) "
        "AS q(i, q) LEFT JOIN s ON s.i = q.i), "
        "common AS MATERIALIZED (SELECT to_tsquery('english', string_agg(g.q, ' & ')) AS q, "
        "count(*) AS k FROM g WHERE NOT g.kept), "
        "chain AS MATERIALIZED (SELECT g.lexemes, row_number() OVER (ORDER BY g.n, g.i) AS r "
        "FROM g WHERE g.kept AND g.n > ? ORDER BY g.n, g.i LIMIT ?), "
        "near AS MATERIALIZED (SELECT c.id FROM (SELECT case_id, doc FROM case_docs ORDER "
        "BY case_id DESC LIMIT ?) d, LATERAL (SELECT c.id FROM cases c WHERE c.id = "
        f"d.case_id{where}) c WHERE (SELECT k FROM common) > 1 AND NOT EXISTS (SELECT 1 "
        "FROM g WHERE g.kept) AND d.doc @@ (SELECT q FROM common) ORDER BY d.case_id DESC "
        "LIMIT ?), "
        "pool AS ("
        # every case of a word so rare that they all fit (an error code)
        f"SELECT c.id FROM g, LATERAL (SELECT case_id FROM case_words WHERE lexeme = ANY "
        f"(g.lexemes) LIMIT ?) w, {cases.format('')} WHERE g.kept AND g.n <= ? "
        # down the rarest kept word's newest pairs: the newest holding it; among its newest
        # PAIRS, the newest also holding the next rarest (up to AT_ONCE), and those also
        # holding every common word
        + "".join(
            f"UNION (SELECT c.id FROM (SELECT y.case_id FROM unnest((SELECT lexemes FROM "
            f"chain WHERE r = 1)) AS x, LATERAL (SELECT case_id FROM case_words WHERE lexeme "
            f"= x ORDER BY case_id DESC LIMIT ?) y ORDER BY y.case_id DESC LIMIT ?) w, "
            f"{cases.format(also)} ORDER BY w.case_id DESC LIMIT ?) "
            for also in ("", held, template))
        # without a kept word: every word among the newest documents (`near`), then
        # among the older ones up to the RECENT-th newest by the GIN index (`far`)
        + "UNION SELECT id FROM near UNION (SELECT c.id FROM case_docs d JOIN cases c ON "
        "c.id = d.case_id WHERE (SELECT count(*) FROM near) < ? AND (SELECT k FROM common) "
        "> 1 AND NOT EXISTS (SELECT 1 FROM g WHERE g.kept) AND d.doc @@ (SELECT q FROM "
        "common) AND d.case_id + 0 < (SELECT case_id FROM case_docs ORDER BY case_id DESC "
        "OFFSET ? LIMIT 1) AND d.case_id + 0 >= COALESCE((SELECT case_id FROM case_docs "
        f"ORDER BY case_id DESC OFFSET ? LIMIT 1), 0){where} ORDER BY d.case_id + 0 DESC "
        "LIMIT ? - (SELECT count(*) FROM near)) "
        # the newest holding each common word
        "UNION SELECT x.id FROM g, LATERAL (SELECT c.id FROM (SELECT case_id, doc FROM "
        "case_docs ORDER BY case_id DESC LIMIT ?) d JOIN cases c ON c.id = d.case_id WHERE "
        f"d.doc @@ g.tq{where} ORDER BY c.id DESC LIMIT ?) x WHERE NOT g.kept) "
        "SELECT p.id AS id FROM pool p, (SELECT to_tsquery('english', ?) OFFSET 0) AS q(q) "
        "ORDER BY (SELECT ts_rank(d.doc, q.q) FROM case_docs d WHERE d.case_id = p.id) DESC, "
        "p.id DESC LIMIT ? OFFSET ?")
    chain_params = [PAIRS, PAIRS, *values, PER_CHAIN]
    params = [index, spelled, COUNT_CAP, list(range(len(tsqueries))), list(tsqueries),
              ALL_OF_RARE, AT_ONCE,
              NEAR, *values, wanted,
              max(ALL_OF_RARE, wanted), *values, ALL_OF_RARE,
              *chain_params, *chain_params, *chain_params,
              wanted, NEAR - 1, RECENT - 1, *values, wanted,
              RECENT, *values, max(PER_COMMON, offset + limit),
              rank_by, limit, offset]
    return sql, params
