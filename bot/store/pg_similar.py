"""PostgreSQL similar cases: a small pool of candidates read by index, ranked by ts_rank.

As SQLite does (bot/store/search.py, `_any_word`), the pool comes from the summary's words,
whose cases are kept by index in `case_words` (every lexeme's since m050; m045 kept the
rarer ones', bot/store/pg_words_schema.py). A word is rare (kept) or common
(`search_lexemes.common`: in more than 5% of some 2,000 cases). One statement, the same
text whatever the words (so it is prepared once, and one round trip), reads per query word
its lexemes, whether they are all rare and how many cases hold them (up to COUNT_CAP), and
from those the pool:

- every case of a rare word in at most ALL_OF_RARE cases (an error code);
- down the newest pairs of the rarest other rare word: the newest PER_CHAIN holding it;
  among its newest PAIRS, the newest PER_CHAIN also holding the next rarest rare words (up
  to AT_ONCE, looked up by key), and the newest PER_CHAIN also holding every common word;
- with no rare word, the newest holding all the words among the newest RECENT cases: down
  the pairs of the rarest common word, each case's document read to test the others;
- the newest PER_COMMON holding each common word among the newest RECENT cases, down its
  pairs (a compound's or a typo's alternatives each down one of their lexemes, the
  document read to test the phrase).

ts_rank over all the words orders the pool (the tsquery made once, not per row).

Before m050 a common word's cases were found by walking the newest documents (350 a word
on average at 10k cases) and all the words together by walking up to 5,000 of them; before
m045 every word's (BENCHMARKS.md, "Issue 28, fifth and sixth sessions: similar cases").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.store.search_words import Group

_WORD = re.compile(r"\w+")
_PLAIN = re.compile(r"[^\W_]+")  # one token to the parser: letters and digits

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


def _spellings(group: Group) -> list[str]:
    """The words whose lexemes stand for the group in the kept pairs: its terms and the
    first word of each phrase (a phrase's cases hold its first word); none for a group
    with prefixes (a prefix is many lexemes)."""
    if group.prefixes:
        return []
    return list(dict.fromkeys([*group.terms, *(p[0] for p in group.phrases if p)]))


def _alternatives(group: Group) -> list[str]:
    """The group's alternatives as text: a document matching the group holds every lexeme
    of at least one of them (none for a group with prefixes)."""
    if group.prefixes:
        return []
    words = [*group.terms, *(" ".join(p) for p in group.phrases)]
    return list(dict.fromkeys(" ".join(_WORD.findall(w)) for w in words))


def _exact(group: Group) -> bool:
    """The group is plain words: its cases are exactly those of its words' pairs (a phrase,
    or a term the parser splits, needs its documents read)."""
    return (not group.prefixes and not group.phrases
            and all(_PLAIN.fullmatch(t) for t in group.terms))


def similar_sql(groups: Sequence[Group], tsqueries: Sequence[str], rank_by: str,
                terms: list[str], values: list[Any], limit: int, offset: int
                ) -> tuple[str, list[Any]]:
    """One statement, the same for every query (so it is prepared once): the query words'
    kept counts, the pool read from them, the pool ranked (see the module's note)."""
    index, spelled, alt_index, alts = [], [], [], []
    for i, group in enumerate(groups):
        for w in _spellings(group):
            index.append(i)
            spelled.append(w)
        for w in _alternatives(group):
            alt_index.append(i)
            alts.append(w)
    where = "".join(f" AND {t}" for t in terms)
    limit, offset = int(limit), int(offset)  # written in the text (below)
    wanted = max(PER_POOL, offset + limit)
    each = max(PER_COMMON, offset + limit)
    # The case passes the filters (status, platform, ...): looked up by key, a test whose
    # share the planner guesses the same whatever the values, so that the generic plan of
    # the prepared statement costs what a plan for the values would, and is the one used.
    # Joined to `cases`, the filters' values moved the estimates (status = $1 was 50% of the
    # cases to the generic plan, 98% to one for 'resolved'), and PostgreSQL planned a first
    # version of this statement again for every query at 100k cases (2 ms each time).
    def keep(case_id: str) -> str:
        return f"(SELECT true FROM cases c WHERE c.id = {case_id}{where})"

    # The word tests first (`held`, the document read), the filters only on the cases that
    # pass them: behind OFFSET 0 (a fence the planner does not flatten), as PostgreSQL
    # otherwise orders a row's tests by their estimated cost and ran the cheaper look-up in
    # `cases` for every candidate, most of which a word test then dropped. The same answers,
    # 11% less server time at the median and 18% at p99 at 10k cases (BENCHMARKS.md, "Issue
    # 28, eleventh session"). Every part of the pool below reads its candidates so.
    cases = ("LATERAL (SELECT x.id FROM (SELECT w.case_id AS id WHERE {} true OFFSET 0) x "
             f"WHERE {keep('x.id')}) c")
    # the chain's other words all held (looked up by key) / every common word held
    held = ("NOT EXISTS (SELECT 1 FROM chain o WHERE o.r > 1 AND NOT EXISTS (SELECT 1 FROM "
            "case_words v WHERE v.lexeme = ANY (o.lexemes) AND v.case_id = w.case_id)) AND ")
    template = ("EXISTS (SELECT 1 FROM case_docs d WHERE d.case_id = w.case_id AND d.doc @@ "
                "(SELECT q FROM common)) AND ")
    # no kept word, more than one common word: their documents are to hold them all
    all_common = "(SELECT k FROM common) > 1 AND NOT EXISTS (SELECT 1 FROM g WHERE g.kept)"
    # The numbers are written in the text, not sent, for the same reason (a LIMIT $1 is 10%
    # of its input to the generic plan), and the words' arrays reach `unnest` through a
    # sub-select (10 rows to every plan, not the array's length to a plan for the values).
    sql = (
        "WITH s AS (SELECT t.i, array_agg(DISTINCT x) AS lexemes, bool_and(l.common IS FALSE) "
        "AS kept FROM unnest((SELECT ?::int[]), (SELECT ?::text[])) AS t(i, w), "
        "unnest(tsvector_to_array(to_tsvector('english', t.w))) AS x LEFT JOIN "
        "search_lexemes l ON l.lexeme = x "
        "GROUP BY t.i), "
        "g AS MATERIALIZED (SELECT q.i, q.q, to_tsquery('english', q.q) AS tq, s.lexemes, "
        "COALESCE(s.kept, false) AS kept, q.exact, "
        "CASE WHEN s.kept THEN (SELECT count(*) FROM (SELECT 1 FROM case_words w WHERE "
        f"w.lexeme = ANY (s.lexemes) LIMIT {COUNT_CAP}) n) END AS n FROM unnest((SELECT "
        "?::int[]), (SELECT ?::text[]), (SELECT ?::bool[])) AS q(i, q, exact) LEFT JOIN s "
        "ON s.i = q.i), "
        "common AS MATERIALIZED (SELECT to_tsquery('english', string_agg(g.q, ' & ')) AS q, "
        "count(*) AS k FROM g WHERE NOT g.kept), "
        "chain AS MATERIALIZED (SELECT g.lexemes, row_number() OVER (ORDER BY g.n, g.i) AS r "
        f"FROM g WHERE g.kept AND g.n > {ALL_OF_RARE} ORDER BY g.n, g.i LIMIT {AT_ONCE}), "
        # where the newest RECENT documents start (no case is ever deleted: a gap in the
        # case ids is an insert rolled back)
        f"edge AS MATERIALIZED (SELECT COALESCE(max(case_id) - {RECENT - 1}, 0) AS e FROM "
        "case_docs), "
        # per common word, the lexemes that stand for it in the pairs: one of each of its
        # alternatives' (the longest)
        "an AS (SELECT t.i, array_agg(DISTINCT a.x) AS anchors FROM unnest((SELECT "
        "?::int[]), (SELECT ?::text[])) AS t(i, w), LATERAL (SELECT x FROM unnest("
        "tsvector_to_array(to_tsvector('english', t.w))) AS x ORDER BY length(x) DESC, x "
        "LIMIT 1) a GROUP BY t.i), "
        "cw AS MATERIALIZED (SELECT g.i, g.tq, g.exact, an.anchors FROM g JOIN an ON an.i = "
        "g.i WHERE NOT g.kept), "
        "pool AS ("
        # every case of a word so rare that they all fit (an error code)
        f"SELECT c.id FROM g, LATERAL (SELECT case_id FROM case_words WHERE lexeme = ANY "
        f"(g.lexemes) LIMIT {max(ALL_OF_RARE, wanted)}) w, {cases.format('')} WHERE g.kept "
        f"AND g.n <= {ALL_OF_RARE} "
        # down the rarest kept word's newest pairs: the newest holding it; among its newest
        # PAIRS, the newest also holding the next rarest (up to AT_ONCE), and those also
        # holding every common word
        + "".join(
            f"UNION (SELECT c.id FROM (SELECT y.case_id FROM unnest((SELECT lexemes FROM "
            f"chain WHERE r = 1)) AS x, LATERAL (SELECT case_id FROM case_words WHERE lexeme "
            f"= x ORDER BY case_id DESC LIMIT {PAIRS}) y ORDER BY y.case_id DESC LIMIT "
            f"{PAIRS}) w, {cases.format(also)} ORDER BY w.case_id DESC LIMIT {PER_CHAIN}) "
            for also in ("", held, template))
        # without a kept word: the newest holding every word, among the newest RECENT
        # documents, down the pairs of one common word (the rarest, by its first lexeme:
        # the lowest case of its EACH-th newest pair), their documents read one by one, the
        # filters tested only for those holding every word
        + "UNION (SELECT y.id FROM unnest((SELECT anchors FROM cw ORDER BY COALESCE((SELECT "
        "case_id FROM case_words WHERE lexeme = anchors[1] ORDER BY case_id DESC OFFSET "
        f"{each - 1} LIMIT 1), 0), i LIMIT 1)) AS a, LATERAL (SELECT w.id FROM (SELECT "
        "w.case_id AS id FROM case_words w WHERE w.lexeme = a AND w.case_id >= (SELECT e FROM "
        "edge) AND (SELECT d.doc @@ (SELECT q FROM common) FROM case_docs d WHERE d.case_id = "
        f"w.case_id) ORDER BY w.case_id DESC OFFSET 0) w WHERE {keep('w.id')} LIMIT {wanted}) "
        f"y WHERE {all_common} "
        f"ORDER BY y.id DESC LIMIT {wanted}) "
        # the newest EACH holding each common word among the newest RECENT documents, down
        # its lexemes' pairs (their documents read unless it is plain words, then the
        # filters). A word none of whose alternatives has a lexeme (stop words) is in no
        # case: neither in `cw` nor in a case holding every word.
        "UNION SELECT x.id FROM cw, LATERAL (SELECT y.id FROM unnest(cw.anchors) AS a, "
        "LATERAL (SELECT w.id FROM (SELECT w.case_id AS id FROM case_words w WHERE w.lexeme = "
        "a AND w.case_id >= (SELECT e FROM edge) AND (cw.exact OR (SELECT d.doc @@ cw.tq FROM "
        "case_docs d WHERE d.case_id = w.case_id)) ORDER BY w.case_id DESC OFFSET 0) w WHERE "
        f"{keep('w.id')} LIMIT {each}) y ORDER BY y.id DESC LIMIT {each}) x) "
        "SELECT p.id AS id FROM pool p, (SELECT to_tsquery('english', ?) OFFSET 0) AS q(q) "
        "ORDER BY (SELECT ts_rank(d.doc, q.q) FROM case_docs d WHERE d.case_id = p.id) DESC, "
        f"p.id DESC LIMIT {limit} OFFSET {offset}")
    params = [index, spelled, list(range(len(tsqueries))), list(tsqueries),
              [_exact(g) for g in groups], alt_index, alts,
              *values * 6, rank_by]  # the filters: the rarest, the chain's 3, every, each
    return sql, params
