"""m048, issue 23: who holds a pending delivery or a leased platform call (a replica's
holder id, bot/store/interfaces/holders.py), found among the unfinished rows alone."""

HOLDERS = """
ALTER TABLE inbox ADD COLUMN holder INTEGER;
ALTER TABLE outbox ADD COLUMN holder INTEGER;
CREATE INDEX inbox_held ON inbox (holder) WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_held ON outbox (holder) WHERE state = 'pending' AND holder IS NOT NULL
"""
