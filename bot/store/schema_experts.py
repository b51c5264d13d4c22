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
