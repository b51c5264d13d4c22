"""The DDL of issue 26's migration (who takes part and who may see), kept apart from
schema.py as schema_search.py is: roles granted in chat (a history, as Netflix Dispatch keeps
one: assumed_at/renounced_at, with who and why), the people following a case, and whether a
case is confidential. A constant, once released, is never edited: a change is a new one."""

# m024: roles, followers, direct asks, confidential cases.
ACCESS = """
CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,
    why TEXT,
    granted_by TEXT NOT NULL,
    assumed_at TEXT NOT NULL,
    renounced_at TEXT,
    renounced_by TEXT,
    renounced_why TEXT
);
CREATE INDEX roles_by_person ON roles(person_id, renounced_at);
CREATE TABLE followers (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    followed_at TEXT NOT NULL,
    added_by TEXT,
    why TEXT,
    unfollowed_at TEXT
);
CREATE INDEX followers_by_case ON followers(case_id, unfollowed_at);
CREATE INDEX followers_by_person ON followers(person_id, unfollowed_at);
CREATE TABLE expert_asks (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    skill TEXT,
    asked_by TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    first_id INTEGER,
    state TEXT NOT NULL,
    decided_at TEXT,
    reason TEXT
);
CREATE INDEX expert_asks_by_case ON expert_asks(case_id, person_id);
CREATE INDEX expert_asks_pending ON expert_asks(state, asked_at);
ALTER TABLE cases ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0
"""
