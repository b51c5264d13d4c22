"""The digest's own indexes added after m003 (bot/store/schema.py has the earlier ones)."""

from __future__ import annotations

# m040_digest_resolved_status (issue 28): the week's resolved cases are read from this index
# alone (when each was opened and resolved, whether it was cancelled, which the digest
# counts apart, and the id its per-case seeks start from), not from the case rows: ~2k row
# reads less per week at 100k cases. The id is SQLite's rowid, in its indexes anyway;
# PostgreSQL needs it named to answer from the index alone (else it reads every row). It
# replaces m003's (resolved_at, opened_at) index, whose reads (cases open at a time) it
# serves as well.
RESOLVED_STATUS = """
CREATE INDEX cases_by_resolved_opened_status ON cases(resolved_at, opened_at, status, id);
DROP INDEX cases_by_resolved_opened
"""
