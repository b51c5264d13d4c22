"""The DDL of issue 26's second round (m035): skills the rules suggested at `open` (and
whether they were taken: the digest counts both), and each manager's own digest time. A
constant, once released, is never edited: a change is a new one."""

# m035_people: one suggestion per case (the skills, space-separated, and why), taken once;
# a manager's digest day, time and zone, set with `digest at`; when a person last said
# `skills back` (it wins over what the platform says of them for a while); a person's own
# working hours (`skills hours`), over the config's.
PEOPLE = """
CREATE TABLE skill_suggestions (
    case_id INTEGER PRIMARY KEY REFERENCES cases(id),
    skills TEXT NOT NULL,
    why TEXT NOT NULL,
    suggested_at TEXT NOT NULL,
    taken_at TEXT,
    taken_by TEXT
);
CREATE INDEX skill_suggestions_by_at ON skill_suggestions(suggested_at);
CREATE TABLE digest_prefs (
    person_id TEXT PRIMARY KEY REFERENCES people(id),
    weekday TEXT NOT NULL,
    at_time TEXT NOT NULL,
    tz TEXT,
    set_at TEXT NOT NULL
);
CREATE TABLE back_overrides (
    person_id TEXT PRIMARY KEY REFERENCES people(id),
    back_at TEXT NOT NULL
);
CREATE TABLE work_hours (
    person_id TEXT PRIMARY KEY REFERENCES people(id),
    start_at TEXT NOT NULL,
    end_at TEXT NOT NULL,
    tz TEXT
)
"""
