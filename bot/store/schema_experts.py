"""Issue 28's DDL: the expert finder's kept figures (m026_expert_figures, with their
back-fills) and the nudge pass's index (m026_nudge_due). The other migrations' DDL is in
schema.py."""

from __future__ import annotations

# m026_expert_figures (issue 28): the expert finder's load and past-help figures, kept in
# the command's transaction (bot/store/expert_figures.py) instead of counted per request.
EXPERT_FIGURES = """
CREATE TABLE expert_load (
    person_id TEXT PRIMARY KEY,
    open_cases INTEGER NOT NULL
);
CREATE TABLE expert_help (
    skill TEXT NOT NULL,
    person_id TEXT NOT NULL,
    case_id INTEGER NOT NULL,
    PRIMARY KEY (skill, person_id, case_id)
);
CREATE INDEX expert_help_by_case ON expert_help(case_id);
INSERT INTO expert_load (person_id, open_cases)
    SELECT p.person_id, COUNT(DISTINCT p.case_id) FROM participants p
    JOIN cases c ON c.id = p.case_id
    WHERE p.left_at IS NULL AND c.status = 'open' GROUP BY p.person_id
"""
# Its past-help rows from the help requests' `|a|b|` skills, split by each store's means.
EXPERT_HELP_SQLITE = """
WITH RECURSIVE split(case_id, rest, skill) AS (
    SELECT h.case_id, substr(h.skills, 2), NULL FROM help_requests h
    JOIN cases c ON c.id = h.case_id WHERE c.status = 'resolved'
    UNION ALL
    SELECT case_id, substr(rest, instr(rest, '|') + 1), substr(rest, 1, instr(rest, '|') - 1)
    FROM split WHERE rest <> ''
)
INSERT OR IGNORE INTO expert_help (skill, person_id, case_id)
    SELECT DISTINCT s.skill, p.person_id, s.case_id FROM split s
    JOIN participants p ON p.case_id = s.case_id AND p.role = 'specialist'
    WHERE s.skill IS NOT NULL AND s.skill <> ''
"""
EXPERT_HELP_PG = """
INSERT INTO expert_help (skill, person_id, case_id)
    SELECT DISTINCT x.skill, p.person_id, h.case_id FROM help_requests h
    JOIN cases c ON c.id = h.case_id
    CROSS JOIN LATERAL unnest(string_to_array(h.skills, '|')) AS x(skill)
    JOIN participants p ON p.case_id = h.case_id AND p.role = 'specialist'
    WHERE c.status = 'resolved' AND x.skill <> ''
    ON CONFLICT DO NOTHING
"""


# m026_nudge_due (issue 28): the nudge pass reads the contacts of the span since its last
# tick by time; kept promises count as contact (bot/store/journal.py quiet_since).
NUDGE_DUE = "CREATE INDEX promises_by_kept ON promises(kept_at)"

# m038_expert_shortlist (issue 28): the expert finder's short list reads who has the skills
# from the index alone (bot/store/expert_shortlist.py), not each skill row's table entry.
SKILLS_BY_SKILL_PERSON = "CREATE INDEX skills_by_skill_person ON skills(skill, person_id)"

# m039_expert_ranked (issue 28): the expert finder's figures per (person, skill held), with
# the skills they hold, and per (person, skill held, skill asked, the skills a resolved case
# they helped on asked for), and per two skills a person holds (either way round), each
# row carrying the person's open load, so the short list
# reads the best few of each skill in ranking order from an index, without a probe or a
# count per holder
# (bot/store/expert_ranked.py reads them, bot/store/expert_kept.py keeps them).
EXPERT_RANKED = """
CREATE TABLE expert_rank (
    person_id TEXT NOT NULL,
    skill TEXT NOT NULL,
    open_cases INTEGER NOT NULL,
    held TEXT NOT NULL,
    PRIMARY KEY (person_id, skill)
);
CREATE INDEX expert_rank_order ON expert_rank(skill, open_cases, person_id, held);
CREATE TABLE expert_asked (
    person_id TEXT NOT NULL,
    held TEXT NOT NULL,
    skill TEXT NOT NULL,
    asked TEXT NOT NULL,
    n INTEGER NOT NULL,
    open_cases INTEGER NOT NULL,
    PRIMARY KEY (person_id, held, skill, asked)
);
CREATE INDEX expert_asked_by_skill ON expert_asked(held, skill, person_id, asked, n, open_cases);
CREATE TABLE expert_pair (
    person_id TEXT NOT NULL,
    skill TEXT NOT NULL,
    other TEXT NOT NULL,
    open_cases INTEGER NOT NULL,
    held TEXT NOT NULL,
    PRIMARY KEY (person_id, skill, other)
);
CREATE INDEX expert_pair_by_skills ON expert_pair(skill, other, person_id, open_cases, held);
CREATE INDEX expert_help_by_person ON expert_help(person_id, case_id)
"""
# Its back-fill: `held` and `asked` are `|a|b|` lists in byte order ('||' for none), made by
# each store's string aggregate.
_HELD = "(SELECT person_id, '|' || {agg} || '|' AS held FROM {src} GROUP BY person_id)"
_ASKED = ("(SELECT person_id, case_id, '|' || {agg} || '|' AS asked FROM {src} "
          "GROUP BY person_id, case_id)")
_RANKED_FILL = """
INSERT INTO expert_rank (person_id, skill, open_cases, held)
    SELECT s.person_id, s.skill, COALESCE(l.open_cases, 0), h.held FROM skills s
    JOIN {held} h ON h.person_id = s.person_id
    LEFT JOIN expert_load l ON l.person_id = s.person_id;
INSERT INTO expert_pair (person_id, skill, other, open_cases, held)
    SELECT r.person_id, r.skill, o.skill, r.open_cases, r.held FROM expert_rank r
    JOIN skills o ON o.person_id = r.person_id AND o.skill <> r.skill;
INSERT INTO expert_asked (person_id, held, skill, asked, n, open_cases)
    SELECT e.person_id, s.skill, e.skill, c.asked, COUNT(*), COALESCE(MAX(l.open_cases), 0)
    FROM {asked} c
    JOIN expert_help e ON e.person_id = c.person_id AND e.case_id = c.case_id
    JOIN skills s ON s.person_id = e.person_id
    LEFT JOIN expert_load l ON l.person_id = e.person_id
    GROUP BY e.person_id, s.skill, e.skill, c.asked
"""
EXPERT_RANKED_FILL_SQLITE = _RANKED_FILL.format(
    held=_HELD.format(agg="group_concat(skill, '|')",
                      src="(SELECT person_id, skill FROM skills ORDER BY person_id, skill)"),
    asked=_ASKED.format(agg="group_concat(skill, '|')",
                        src="(SELECT person_id, case_id, skill FROM expert_help "
                            "ORDER BY person_id, case_id, skill)"))
EXPERT_RANKED_FILL_PG = _RANKED_FILL.format(
    held=_HELD.format(agg="string_agg(skill, '|' ORDER BY skill)", src="skills"),
    asked=_ASKED.format(agg="string_agg(skill, '|' ORDER BY skill)", src="expert_help"))

# m046_expert_kept_compact (issue 28): the kept rows take less room and cost less to move.
# SQLite: each table WITHOUT ROWID, stored in its primary key's order (before: a rowid table,
# the key's index and a covering index, three copies of each row); expert_asked and
# expert_pair keyed in the order the finder reads them (skill held, skill asked / two skills
# held, then person), with an index by person for the writes. The load (open_cases) is then
# in no index of theirs: a load move rewrites no index entry. SQLite only: PostgreSQL's heap
# has no key order, and its covering indexes keep the finder's reads index-only (moving them
# to these keys there made the 50,000-people read visit ~1,500 heap pages).
EXPERT_KEPT_COMPACT_SQLITE = """
CREATE TABLE expert_rank_new (
    person_id TEXT NOT NULL,
    skill TEXT NOT NULL,
    open_cases INTEGER NOT NULL,
    held TEXT NOT NULL,
    PRIMARY KEY (person_id, skill)
) WITHOUT ROWID;
INSERT INTO expert_rank_new (person_id, skill, open_cases, held)
    SELECT person_id, skill, open_cases, held FROM expert_rank;
DROP TABLE expert_rank;
ALTER TABLE expert_rank_new RENAME TO expert_rank;
CREATE INDEX expert_rank_order ON expert_rank(skill, open_cases, person_id, held);
CREATE TABLE expert_asked_new (
    person_id TEXT NOT NULL,
    held TEXT NOT NULL,
    skill TEXT NOT NULL,
    asked TEXT NOT NULL,
    n INTEGER NOT NULL,
    open_cases INTEGER NOT NULL,
    PRIMARY KEY (held, skill, person_id, asked)
) WITHOUT ROWID;
INSERT INTO expert_asked_new (person_id, held, skill, asked, n, open_cases)
    SELECT person_id, held, skill, asked, n, open_cases FROM expert_asked;
DROP TABLE expert_asked;
ALTER TABLE expert_asked_new RENAME TO expert_asked;
CREATE INDEX expert_asked_by_person ON expert_asked(person_id);
CREATE TABLE expert_pair_new (
    person_id TEXT NOT NULL,
    skill TEXT NOT NULL,
    other TEXT NOT NULL,
    open_cases INTEGER NOT NULL,
    held TEXT NOT NULL,
    PRIMARY KEY (skill, other, person_id)
) WITHOUT ROWID;
INSERT INTO expert_pair_new (person_id, skill, other, open_cases, held)
    SELECT person_id, skill, other, open_cases, held FROM expert_pair;
DROP TABLE expert_pair;
ALTER TABLE expert_pair_new RENAME TO expert_pair;
CREATE INDEX expert_pair_by_person ON expert_pair(person_id)
"""

# m060_expert_kept_vacuum (issue 28), PostgreSQL only: the finder reads its kept tables from
# covering indexes, and PostgreSQL answers from the index alone only for pages its visibility
# map marks all-visible, which a VACUUM sets. Every change of a person's load rewrites their
# rows here (expert_kept.py: DELETE, then INSERT), and until the next vacuum (by default once
# 20% of a table's rows changed) the pages it touched are read from the heap as well: with
# no page all-visible, the finder's statement for three skills at 50,000 people cost 8.0 ms
# of server CPU, and 4.7 after a vacuum (`python -m benchmarks.finder_cpu`). Vacuumed after
# 1% instead: these tables are tens of MB at 50,000 people (expert_asked ~72 MB).
EXPERT_KEPT_VACUUM_PG = ";\n".join(
    f"ALTER TABLE {table} SET (autovacuum_vacuum_scale_factor = 0.01, "
    "autovacuum_vacuum_insert_scale_factor = 0.01)"
    for table in ("expert_rank", "expert_asked", "expert_pair"))
