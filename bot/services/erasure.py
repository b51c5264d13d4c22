"""Customers' data: erase on request, redact by age, prune the inbox.

Redaction replaces a case's free texts with one marker and keeps what the digest counts
(bot/store/retention.py says which is which), so the weekly figures stay true. Each case
keeps a tombstone in its timeline: what was erased, when, and by whom or by which rule.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import iso
from bot.errors import CommandError, NotFound
from bot.store import Store

REDACTED = "[erased]"
# Processed inbox rows are kept this long: enough to see a redelivery as one, no longer.
INBOX_KEEP = timedelta(days=1)
# A retention pass redacts at most this many cases per scheduler tick, so a first run on a
# large store does not hold the writer for long.
RETENTION_BATCH = 200
WHAT = "customer name, summary, delight, resolution, timeline and journal texts"
# After each case's transaction, erase pauses this many times as long as it held the writer.
# SQLite's write lock has no queue: a writer that finds it taken sleeps 1 to 100 ms between
# tries (its busy handler), so a loop that takes it again a few microseconds after each commit
# keeps a serving process's writers waiting for many cases' redactions, not one: acks p50
# ~200 ms, p99 up to 1.9 s under 25 commands/s (tests/faults/test_erase_under_load.py; a loop
# of 1.5 ms transactions with no pause kept a polling writer out for all of busy_timeout, to
# "database is locked"). With the lock free half the time they wait for about one case
# (p99 ~10 ms); erasing takes twice as long, a few seconds per thousand cases.
YIELD = 1.0
# How many erased texts (customer, summaries, resolutions) erase looks for in the database
# file when it is done: one found means old copies are left where secure_delete does not
# reach, and the file is rewritten (bot/store/retention.py, compact). Each costs a pass over
# the file's bytes in memory (~60 ms for a 224 MB year).
PROBES = 12


@dataclass(frozen=True)
class Erased:
    ref: str
    rows: int  # rows whose text was redacted (and processed inbox rows forgotten)


def erase(store: Store, *, by: str, at: str, customer: str | None = None,
          ref: str | None = None, workspace: str | None = None) -> list[Erased]:
    """Redact every case of `customer` (name, ignoring case), or the case `ref`, then
    compact the store so the text is gone from its files too. `workspace`: only that
    workspace's cases (a ref is unique per workspace; a customer's name may be two
    workspaces' customers): where the cases found are of several, it must be given."""
    if (customer is None) == (ref is None):
        raise CommandError("erase needs exactly one of --customer NAME or --ref REF")
    if ref is not None:
        cases = [c for c in store.cases.all_with_ref(ref.strip())
                 if workspace is None or c.workspace == workspace]
        if not cases:
            raise NotFound(f"no case {ref.strip()!r}{_in(workspace)}: give a case ref as "
                           "written, e.g. ZD-4711")
        _one_workspace([c.workspace for c in cases], f"the ref {ref.strip()}")
        ids = [cases[0].id]
        why = "on request (by case ref)"
    else:
        assert customer is not None
        ids = store.retention.cases_of_customer(customer)
        mine = [c for c in (store.cases.by_id(i) for i in ids) if c is not None
                and (workspace is None or c.workspace == workspace)]
        if not mine:
            raise NotFound(f"no case has customer {customer.strip()!r}{_in(workspace)} (names "
                           "match whole, ignoring case; `swarmbot export` lists them)")
        _one_workspace([c.workspace for c in mine], f"customer {customer.strip()!r}")
        ids = [c.id for c in mine]
        why = "on the customer's request"
    done = []
    probes: list[str] = []  # a few erased texts, looked for in the files afterwards
    for case_id in ids:
        # One transaction a case: a serving process's writers (its acks) wait for one
        # case's redaction at a time, never for the whole customer's (YIELD says how). Run
        # again after a crash, it finds the cases done so far already redacted and does the
        # rest.
        started = time.monotonic()
        with store.transaction():
            found = store.cases.by_id(case_id)
            assert found is not None
            if len(probes) < PROBES:
                probes += [t for t in (found.customer, found.summary, found.resolution)
                           if t and t != REDACTED and len(t) >= 8 and t not in probes]
            rows = store.retention.redact(case_id, REDACTED, at)
            # The tombstone names no erased value: only what kind of text went, when, who.
            store.timeline.append(case_id, at, "erased", None,
                                  f"Erased {why} by {by} at {at}: {WHAT} ({rows} records).")
        done.append(Erased(found.ref, rows))
        time.sleep(YIELD * (time.monotonic() - started))
    store.retention.compact(probes[:PROBES])
    return done


def _in(workspace: str | None) -> str:
    return f" in workspace {workspace}" if workspace else ""


def _one_workspace(workspaces: list[str], what: str) -> None:
    """Cases of several workspaces found: nothing is erased until one is named."""
    named = sorted(set(workspaces))
    if len(named) > 1:
        raise CommandError(f"{what} has cases in {len(named)} workspaces "
                           f"({', '.join(w or '(none)' for w in named)}): add --workspace "
                           "TEAM to erase one workspace's")


def apply_retention(store: Store, days: int, now: datetime) -> list[str]:
    """Redact resolved cases older than `days` ([retention] days; 0 keeps everything)."""
    if days <= 0:
        return []
    at = iso(now)
    ids = store.retention.resolved_before(iso(now - timedelta(days=days)))[:RETENTION_BATCH]
    lines = []
    with store.transaction():
        for case_id in ids:
            case = store.cases.by_id(case_id)
            assert case is not None
            store.retention.redact(case_id, REDACTED, at)
            store.timeline.append(case_id, at, "erased", None,
                                  f"Redacted at {at} by [retention] days = {days} "
                                  f"(resolved more than {days} days before): {WHAT}.")
            lines.append(f"retention: redacted {case.ref}")
    if lines:
        # The search index's old terms and the WAL's old pages go too (no file rewrite:
        # a serving process's writers would wait for it; `swarmbot erase` does that).
        store.retention.compact()
    return lines


def prune_inbox(store: Store, now: datetime) -> list[str]:
    """Forget processed deliveries and done platform calls after a day: they hold what
    people typed and what the bot posted (briefs quoting other cases)."""
    with store.transaction():
        pruned = store.retention.prune_inbox(iso(now - INBOX_KEEP))
        calls = store.retention.prune_outbox(iso(now - INBOX_KEEP))
    return ([f"inbox: pruned {pruned} processed deliveries"] if pruned else []) + (
        [f"outbox: pruned {calls} done platform calls"] if calls else [])
