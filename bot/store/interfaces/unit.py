"""The unit of work: a store's repositories, one transaction at a time."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from bot.store.interfaces.access import Access
from bot.store.interfaces.cases import Cases
from bot.store.interfaces.digest import DigestKept, DigestReads
from bot.store.interfaces.drafts import Drafts
from bot.store.interfaces.helpdesk import Helpdesk
from bot.store.interfaces.holders import Holders
from bot.store.interfaces.installations import Installations
from bot.store.interfaces.journal import Journal
from bot.store.interfaces.people import People
from bot.store.interfaces.platform_refs import PlatformRefs
from bot.store.interfaces.prefs import Prefs
from bot.store.interfaces.reliability import Inbox, Nudges, Outbox, SentMarks
from bot.store.interfaces.retention import Retention
from bot.store.interfaces.search import Search
from bot.store.interfaces.timeline import Timeline


class Store(Protocol):
    """The unit of work: the repositories, one transaction at a time, and close."""

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

    @property
    def path(self) -> str:
        """Where the store is, for log lines and messages (a URL without its password)."""
    def transaction(self) -> AbstractContextManager[None]:
        """All or nothing on this thread's own connection; nesting joins the outer one."""
    def savepoint(self) -> AbstractContextManager[None]:
        """In a transaction, an exception rolls back to here and it goes on; else nothing."""
    def is_unavailable(self, err: BaseException) -> bool:
        """The store failed (disk full, server gone), not the code: run the work again later."""
    def is_retryable(self, err: BaseException) -> bool:
        """The database aborted the transaction (a deadlock): nothing of it stayed; run it
        again at once."""
    def reader(self) -> Store:
        """A separate read-only store for work off the event loop (the digest); close it."""
    def close(self) -> None: ...
