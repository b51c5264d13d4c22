"""m042 (issue 27): a case ref is unique per workspace, not per deployment.

Workspace B may open `ZD-8` while workspace A has one: refusing it ("the ref is taken")
told B that A had that ref. The unique key is now (workspace, lower(ref)); a look-up by
ref alone (the operator's command line) still has an index. In one workspace's deployment
every case has workspace '' and nothing changes.

SQLite keeps the column's own `UNIQUE` in the table's definition, so the table is rebuilt
(bot/store/rebuild.py keeps every row, index, trigger and foreign key); PostgreSQL drops
the constraint.
"""

# After the rebuild (SQLite) or the constraint's drop (PostgreSQL): the old unique index
# on lower(ref) becomes a plain one, and the key is per workspace.
REF_INDEXES = """
CREATE INDEX cases_by_ref_lower ON cases(lower(ref));
CREATE UNIQUE INDEX cases_by_workspace_ref ON cases(workspace, lower(ref))
"""

# The column definition m001 wrote, and what it becomes.
SQLITE_REF_COLUMN = ("ref TEXT NOT NULL UNIQUE", "ref TEXT NOT NULL")

PG_REF_PER_WORKSPACE = """
ALTER TABLE cases DROP CONSTRAINT cases_ref_key;
DROP INDEX cases_by_ref_lower;
""" + REF_INDEXES
