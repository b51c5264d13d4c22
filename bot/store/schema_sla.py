"""m033, issue 25 (SLAs, docs/sla.md): the policy named for a case and its helpdesk
priority; the SLA breaches the nudge pass found, one per case, target and due time (the
digest counts them per policy, never per agent: no person is recorded)."""

SLA = """
ALTER TABLE cases ADD COLUMN sla TEXT;
ALTER TABLE cases ADD COLUMN priority TEXT;
CREATE TABLE sla_breaches (
    case_id INTEGER NOT NULL,
    policy TEXT NOT NULL,
    target TEXT NOT NULL,
    due_at TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (case_id, target, due_at)
);
CREATE INDEX sla_breaches_by_due ON sla_breaches(due_at)
"""
