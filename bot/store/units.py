"""The repositories both stores share (the `Sql*` classes): their SQL is portable, so one
set of classes runs on SQLite's ThreadDatabase and on PostgreSQL's PgDb (both a SqlDb,
bot/store/base.py). Each store adds the few that are its own (the digest's window reads,
retention's string search and compaction, search)."""

from __future__ import annotations

from bot.store.access import SqlAccess
from bot.store.base import SqlDb
from bot.store.cases import SqlCases
from bot.store.digest_kept import SqlDigestKept
from bot.store.drafts import SqlDrafts
from bot.store.helpdesk import SqlHelpdesk
from bot.store.installations import SqlInstallations
from bot.store.interfaces import (
    Access,
    Cases,
    DigestKept,
    DigestReads,
    Helpdesk,
    Inbox,
    Installations,
    Journal,
    Nudges,
    Outbox,
    People,
    PlatformRefs,
    Retention,
    Search,
    SentMarks,
    Timeline,
)
from bot.store.interfaces.drafts import Drafts
from bot.store.interfaces.holders import Holders
from bot.store.interfaces.prefs import Prefs
from bot.store.journal import SqlJournal
from bot.store.nudges import SqlNudges
from bot.store.outbox import SqlOutbox
from bot.store.people import SqlPeople
from bot.store.platform_refs import SqlPlatformRefs
from bot.store.prefs import SqlPrefs
from bot.store.reliability import SqlInbox, SqlSentMarks
from bot.store.timeline import SqlTimeline


class Repositories:
    """A store's repositories, typed as the interface (Protocol attributes are invariant, so
    a store holding these is a Store)."""

    cases: Cases
    timeline: Timeline
    journal: Journal
    people: People
    inbox: Inbox
    outbox: Outbox
    sent: SentMarks
    digest: DigestReads
    digest_kept: DigestKept
    refs: PlatformRefs
    retention: Retention
    helpdesk: Helpdesk
    search: Search
    nudges: Nudges
    installations: Installations
    access: Access
    drafts: Drafts
    prefs: Prefs
    holders: Holders

    def _attach(self, db: SqlDb, *, digest: DigestReads, retention: Retention,
                search: Search, holders: Holders) -> None:
        self.holders = holders
        self.cases = SqlCases(db)
        self.timeline = SqlTimeline(db)
        self.journal = SqlJournal(db)
        self.people = SqlPeople(db)
        self.inbox = SqlInbox(db, holders)
        # The outbox's claim is one conditional UPDATE (state pending, lease run out) that
        # only one worker's can match (on PostgreSQL too: under READ COMMITTED the second
        # re-reads the row and finds it taken), so rows are leased one worker at a time.
        self.outbox = SqlOutbox(db, holders)
        self.sent = SqlSentMarks(db)
        self.digest = digest
        self.digest_kept = SqlDigestKept(db)
        self.refs = SqlPlatformRefs(db)
        self.retention = retention
        self.helpdesk = SqlHelpdesk(db)
        self.search = search
        self.nudges = SqlNudges(db)
        self.installations = SqlInstallations(db)
        self.access = SqlAccess(db)
        self.drafts = SqlDrafts(db)
        self.prefs = SqlPrefs(db)
