"""The PostgreSQL store (psycopg 3 + psycopg-pool): for several `serve` replicas on one
database.

The repositories are the shared `Sql*` classes (bot/store/units.py) on a PgDb
(bot/store/pg_db.py): their SQL is portable, so one copy of every query serves both stores
and the contract tests in tests/store/ hold both to the same behaviour. What must be
PostgreSQL's own is here: the digest's window reads (one snapshot for all of them),
retention's string search and compaction, and opening with a schema check.

Replicas rely on the database, not on process memory: the inbox key is the primary key
(a delivery reaching two replicas is inserted once, `ON CONFLICT DO NOTHING` tells the second
it was a redelivery), and once-only sends are the `sent` key and the `promises.reminded_at IS
NULL` guard, each decided by one row's write, whichever replica runs the scheduler.

Outbox: the shared repository (SqlOutbox), whose claim is a conditional UPDATE of one row with a
lease (see PgStore): a replica that dies mid-call leaves its rows to the others when the
lease runs out; none is released early at start-up (PgOutbox).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from bot import tenancy
from bot.store import digest_spreads, pg_digest, pg_pipeline, pg_schema, scope
from bot.store.base import BaseQueries
from bot.store.digest import _WINDOW_SQL, tenant_term, tenant_window_sql
from bot.store.digest_as_of import as_of_params, as_of_sql
from bot.store.interfaces import (
    SchemaError,
)
from bot.store.interfaces.digest import SHAPED_READS, WindowAsk
from bot.store.interfaces.holders import Holders
from bot.store.outbox import SqlOutbox
from bot.store.pg_db import PgDb, is_retryable, is_unavailable
from bot.store.pg_holders import PgHolders
from bot.store.pg_search import PgSearch
from bot.store.retention import SqlRetention
from bot.store.schema_digest import HELP_KEPT, RESOLVED_KEPT
from bot.store.schema_open_days import OPEN_AT_KEPT, open_at_params
from bot.store.timeline import SqlTimeline
from bot.store.units import Repositories

# The week's thanks with their case's ref and flag, one index seek per thanks row (not two,
# one for each: 20 -> 15 ms a week at 504k cases); PostgreSQL's planner would otherwise
# hash-join the whole cases table (a 500k-row scan on the year): OFFSET 0 keeps the seek.
_PG_WINDOW_SQL = {**_WINDOW_SQL,
                  "thanks": "SELECT t.at, t.from_id, t.to_id, t.what, c.ref FROM thanks t "
                            "LEFT JOIN LATERAL (SELECT c.ref, c.confidential FROM cases c "
                            "WHERE c.id = t.case_id OFFSET 0) c ON true "
                            "WHERE t.at >= ? AND t.at < ? AND c.confidential IS DISTINCT FROM 1 "
                            "ORDER BY t.at, t.id"}
_PG_TENANT_WINDOW_SQL = tenant_window_sql(_PG_WINDOW_SQL)
_PG_WINDOW_SQL["help"] = HELP_KEPT  # not a tenant's: m044b's kept first join, one range
_PG_WINDOW_SQL["resolved"] = RESOLVED_KEPT  # not a tenant's: m044's kept per-case summary
_PG_OTHERS = [name for name in _PG_WINDOW_SQL if name != "resolved"]
_PG_AS_OF_SQL, _PG_TENANT_AS_OF_SQL = as_of_sql("postgres", False), as_of_sql("postgres", True)
_NAMES = "SELECT id, name FROM people WHERE 1 = 1"
_OPENED = ("SELECT b.i, (SELECT COUNT(*) FROM cases c WHERE c.opened_at >= b.lo "
           "AND c.opened_at < b.hi{w}) FROM unnest(?::text[], ?::text[]) "
           "WITH ORDINALITY AS b(lo, hi, i) ORDER BY b.i")


def _for_digest(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows as the digest takes them: PostgreSQL's counts (bigint or numeric) as ints,
    the touchpoints' joined ids as sets (`digest_spreads.by_function`)."""
    if "opened" in rows:
        rows["opened"] = [(int(n),) for _, n in rows["opened"]]
    if "open_at" in rows:
        rows["open_at"] = [(int(rows["open_at"][0][0]),)]
    if "touchpoints_by_function" in rows:
        rows["touchpoints_by_function"] = digest_spreads.by_function(
            rows["touchpoints_by_function"])
    return rows


class PgDigestReads(BaseQueries):
    db: PgDb

    def window(self, lo: str, hi: str, now: str | None = None, stalled_after_s: int = 0,
               day_bounds: Sequence[str] = (), open_at: str | None = None
               ) -> dict[str, list[tuple[Any, ...]]]:
        ask = WindowAsk(lo, hi, now, stalled_after_s, day_bounds, open_at)
        team: tuple[str, ...] = (tenancy.team(),) if scope.active() else ()
        if team and not day_bounds:  # a tenant's resolved cases take three reads in turn
            with self.db.transaction():
                asked = self._asked(ask, team)
                rows = dict(zip(asked, pg_pipeline.reads(self.db, list(asked.values())),
                                strict=True))
                rows["resolved"] = pg_digest.resolved(self.db, lo, hi, team)
            return _for_digest(rows)
        return next(self.windows([ask]))

    def windows(self, asks: Sequence[WindowAsk]) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
        # Every read of the digest's windows sees the same snapshot, even while other
        # replicas write. Each window's reads go in one pipeline (bot/store/pg_pipeline.py):
        # one round trip for the window, the cases opened per day, the cases open at the
        # week's start and the names with them; and the windows' pipelines run side by side
        # on connections of their own, so the server reads the week before on another core
        # while it reads the week (`side_by_side`: one exported snapshot).
        team: tuple[str, ...] = (tenancy.team(),) if scope.active() else ()
        if team and not all(ask.day_bounds for ask in asks):
            for ask in asks:
                yield self.window(ask.lo, ask.hi, ask.now, ask.stalled_after_s,
                                  ask.day_bounds, ask.open_at)
            return
        each = [self._asked(ask, team) for ask in asks]
        read = pg_pipeline.side_by_side(self.db, [list(asked.values()) for asked in each])
        for asked, rows in zip(each, read, strict=True):
            yield _for_digest(dict(zip(asked, rows, strict=True)))

    def _asked(self, ask: WindowAsk, team: tuple[str, ...]
               ) -> dict[str, tuple[str, tuple[Any, ...]]]:
        """The statements of one window, by the name of what each reads."""
        lo, hi = ask.lo, ask.hi
        params = as_of_params(lo, hi, ask.now or hi, ask.stalled_after_s, team)
        if team:
            plain = {name: (_PG_TENANT_WINDOW_SQL[name], (lo, hi, *team)) for name in _PG_OTHERS}
            as_of = _PG_TENANT_AS_OF_SQL
        else:
            plain = {name: (sql, (lo, hi)) for name, sql in _PG_WINDOW_SQL.items()}
            as_of = _PG_AS_OF_SQL
        asked = {**plain, **{name: (sql, params[name]) for name, sql in as_of.items()}}
        if len(ask.day_bounds) >= 2:
            # the plain reads the shaped ones replace, shaped by SQL instead
            # (bot/store/digest_spreads.py), a tenant's too
            for name in digest_spreads.REPLACED:
                asked.pop(name, None)
            asked.update(zip(SHAPED_READS, digest_spreads.pg_statements(lo, hi, ask.day_bounds,
                                                                         team), strict=True))
            asked["opened"] = self._opened(ask.day_bounds)
        if ask.open_at is not None:
            term, _ = tenant_term()
            asked["open_at"] = (OPEN_AT_KEPT.format(w=term), open_at_params(ask.open_at, team))
            asked["names"] = (_NAMES + term, team)
        return asked

    def _opened(self, bounds: Sequence[str]) -> tuple[str, tuple[Any, ...]]:
        term, team = tenant_term()
        return _OPENED.format(w=term), (*team, list(bounds[:-1]), list(bounds[1:]))

    def opened_per_day(self, bounds: Sequence[str]) -> list[int]:
        """Cases opened between consecutive bounds, in one pass over the opened_at index."""
        if len(bounds) < 2:
            return []
        sql, params = self._opened(bounds)
        return [int(n) for _, n in self.db.tuples(sql, params)]

    def open_cases_at(self, at: str) -> int:
        term, team = tenant_term()
        r = self.db.tuples(OPEN_AT_KEPT.format(w=term), open_at_params(at, team))
        return int(r[0][0])

    def people_names(self) -> dict[str, str]:
        term, team = tenant_term()
        return dict(self.db.tuples(_NAMES + term, team))


class PgOutbox(SqlOutbox):
    def release(self, at: str) -> int:
        """Nothing: on a shared database the rows leased right now may be another live
        replica's, in the middle of their calls; released, a restarting replica would do
        them a second time. A killed replica's rows go to the others when their lease runs
        out (`[outbox] lease`)."""
        return 0


class PgTimeline(SqlTimeline):
    def append(self, case_id: int | None, at: str, kind: str, by: str | None, text: str,
               ref_id: int | None = None) -> int:
        """SqlTimeline.append's two statements (the event, and the kept digests it makes
        stale dropped) in one round trip: a data-modifying WITH runs once, whole."""
        row = self.db.execute(
            "WITH stale AS (DELETE FROM digest_kept WHERE lo <= ? AND "
            "hi > COALESCE((SELECT opened_at FROM cases WHERE id = ?), ?)) "
            "INSERT INTO timeline (case_id, at, kind, by_id, text, ref_id) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (at, case_id, at, case_id, at, kind, by, text, ref_id)).fetchone()
        assert row is not None, "INSERT ... RETURNING id returns the row"
        return int(row["id"])


class PgRetention(SqlRetention):
    db: PgDb
    CONTAINS = "strpos({hay}, ?) > 0"

    def _reindex(self, case_id: int) -> None:
        """The stored search document (m026) holds only what is left."""
        PgSearch(self.db).reindex(case_id)

    def compact(self, probes: list[str] | None = None) -> bool:
        # What SQL reads (and pg_dump dumps) is the live rows: redaction's updates and
        # deletes are the erasure. The old row versions stay in the tables' files as dead
        # tuples until a VACUUM: autovacuum's plain VACUUM marks their space reusable (not
        # zeroed: the bytes stay until a new row is written over them); VACUUM FULL writes
        # each table anew and drops the old files (their blocks go back to the file
        # system as they were). Neither reaches the WAL already written, its archive, base
        # backups or replicas' copies. `erase` asks for VACUUM FULL (it locks each table
        # while it copies it); the scheduler's retention pass leaves it to autovacuum.
        # The search vocabulary (m026) keeps a lexeme until no stored document holds it:
        # the triggers rewrote an erased case's document before `reindex` could see which
        # lexemes it held, so the words only it held are looked for here, once an erase.
        self.db.execute("DELETE FROM search_lexemes l WHERE NOT EXISTS (SELECT 1 FROM "
                        "case_docs d WHERE d.doc @@ quote_literal(l.lexeme)::tsquery)")
        if probes is None:
            return False
        self.db.execute("VACUUM FULL")
        return True


class PgStore(Repositories):
    """The unit of work on PostgreSQL: the repositories share one PgDb, so everything done
    inside `transaction()` runs on the one connection that transaction holds."""

    def __init__(self, db: PgDb, owns_db: bool = True,
                 holders: Holders | None = None) -> None:
        self.db = db
        self._owns_db = owns_db
        # This process as a replica (bot/store/pg_holders.py): one per process, shared
        # with its readers; it connects only once asked to hold (`serve`).
        holders = PgHolders(db.url) if holders is None else holders
        self._attach(db, digest=PgDigestReads(db), retention=PgRetention(db),
                     search=PgSearch(db), holders=holders)
        self.outbox = PgOutbox(db, holders)
        self.timeline = PgTimeline(db)

    @property
    def path(self) -> str:
        """Where this store is, for log lines (the URL without its password)."""
        return redact(self.db.url)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db.transaction():
            yield

    def savepoint(self) -> AbstractContextManager[None]:
        return self.db.savepoint()

    def is_unavailable(self, err: BaseException) -> bool:
        return is_unavailable(err)

    def is_retryable(self, err: BaseException) -> bool:
        return is_retryable(err)

    def reader(self) -> PgStore:
        # The pool serves several threads: a reader shares it (closing it closes nothing).
        return PgStore(self.db, owns_db=False, holders=self.holders)

    def close(self) -> None:
        if self._owns_db:
            self.holders.close()
            self.db.close()


def redact(url: str) -> str:
    """The URL with its password replaced, fit for a log line."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def schema_problems(db: PgDb) -> list[str]:
    """[] when the schema is exactly the one this release knows; else one line each."""
    newer = pg_schema.unknown(db)
    if newer:
        return [f"the database schema is newer than this swarmbot (unknown migrations: "
                f"{', '.join(newer)}): run the release that applied them"]
    pending = pg_schema.pending(db)
    if pending:
        return [f"the database schema is not current (pending migrations: "
                f"{', '.join(pending)}): run `swarmbot migrate --config FILE` first"]
    return []


# Connections per process: one kept by each unit thread (handlers/unit_of_work.py UNITS = 8)
# and by the inbox writer, and a few taken per statement by the outbox worker, the
# scheduler and the web pages, and a second one while a digest reads its two weeks side by
# side (bot/store/pg_pipeline.py); each transaction holds one, never across an await.
POOL_SIZE = 20


def open_pg_store(url: str, migrate: bool = False, max_size: int = POOL_SIZE) -> PgStore:
    """Open the store at `url`. Without `migrate`, a schema other than this release's is
    refused with one line (SchemaError): replicas migrate once, by `swarmbot migrate`."""
    import psycopg
    from psycopg_pool import PoolTimeout

    try:
        # Two from the start: the digest reads its two weeks side by side (pg_pipeline.py).
        db = PgDb(url, min_size=min(2, max_size), max_size=max_size)
    except (psycopg.Error, PoolTimeout) as err:
        raise SchemaError(f"cannot connect to PostgreSQL at {redact(url)}: "
                          f"{str(err).strip().splitlines()[0]}") from None
    try:
        if migrate:
            if pg_schema.unknown(db):
                raise SchemaError(schema_problems(db)[0])
            pg_schema.apply(db)
        else:
            problems = schema_problems(db)
            if problems:
                raise SchemaError(problems[0])
    except BaseException:
        db.close()
        raise
    return PgStore(db)
