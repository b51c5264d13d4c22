"""The store's interface: one narrow repository per aggregate, and the unit of work holding them.

SQLite (bot/store/sqlite.py) and PostgreSQL (bot/store/postgres.py) implement it, and
tests/store/ runs the same contract tests against both. So the signatures carry domain
values (bot/domain.py dataclasses, ids, ISO UTC strings), never rows keyed by column names,
and inserts return the new id.

Times are ISO 8601 UTC strings as `bot.domain.iso` writes them; callers pass `at`, so the
store never reads a clock (tests drive a simulated one).

One module per aggregate; this package re-exports them all (`from bot.store.interfaces
import Cases`):

- cases.py: Cases (owners, participants, handoffs, help requests)
- timeline.py: Timeline; journal.py: Journal (touchpoints, moods, decisions, friction,
  promises, thanks); people.py: People (and skills)
- reliability.py: Inbox, Outbox, SentMarks, Nudges (deliveries and once-only sends)
- holders.py: Holders (which replica holds a delivery or a call; a dead one's taken over)
- digest.py: DigestReads, DigestKept; search.py: Search; retention.py: Retention
- helpdesk.py: Helpdesk; platform_refs.py: PlatformRefs; installations.py: Installations
- access.py: Access (roles granted in chat, followers, confidential cases)
- unit.py: Store, the unit of work holding them; base.py: Row, SchemaError
"""

from bot.store.interfaces.access import Access
from bot.store.interfaces.base import Row, SchemaError
from bot.store.interfaces.cases import Cases
from bot.store.interfaces.digest import WINDOW_READS, DigestKept, DigestReads, KeptDigest
from bot.store.interfaces.helpdesk import Helpdesk
from bot.store.interfaces.installations import Installations
from bot.store.interfaces.journal import Journal
from bot.store.interfaces.people import People
from bot.store.interfaces.platform_refs import PlatformRefs
from bot.store.interfaces.reliability import (
    Inbox,
    InboxItem,
    Nudges,
    Outbox,
    OutboxItem,
    SentMarks,
)
from bot.store.interfaces.retention import Retention
from bot.store.interfaces.search import Search
from bot.store.interfaces.timeline import Timeline
from bot.store.interfaces.unit import Store

__all__ = ["WINDOW_READS", "Access", "Cases", "DigestKept", "DigestReads", "Helpdesk", "Inbox",
           "InboxItem", "Installations", "Journal", "KeptDigest", "Nudges", "Outbox",
           "OutboxItem", "People", "PlatformRefs", "Retention", "Row", "SchemaError", "Search",
           "SentMarks", "Store", "Timeline"]
