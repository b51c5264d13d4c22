"""The digest's own indexes added after m003 (bot/store/schema.py has the earlier ones)."""

from __future__ import annotations

# m040_digest_resolved_status (issue 28): the week's resolved cases are read from this index
# alone (when each was opened and resolved, and whether it was cancelled, which the digest
# counts apart), not from the case rows: ~2k row reads less per week at 100k cases. It
# replaces m003's (resolved_at, opened_at) index, whose reads (cases open at a time) it
# serves as well.
RESOLVED_STATUS = """
CREATE INDEX cases_by_resolved_opened_status ON cases(resolved_at, opened_at, status);
DROP INDEX cases_by_resolved_opened
"""
