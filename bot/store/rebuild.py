"""Rebuilding a SQLite table whose definition must change (what ALTER TABLE cannot do:
drop a column's UNIQUE), by SQLite's own procedure (https://www.sqlite.org/lang_altertable.html
"Making Other Kinds Of Table Schema Changes"):

1. foreign keys off (outside any transaction: the pragma is a no-op inside one), so that
   dropping the old table neither fails nor cascades into the rows that refer to it;
2. in one `BEGIN IMMEDIATE` transaction: the table's indexes and triggers remembered, the
   new table made under another name, every row copied (ids kept: the rows of other tables
   and the search index refer to them), the old table dropped, the new one renamed (with
   `legacy_alter_table` on, so that the rename rewrites no trigger or view of other tables),
   the indexes and triggers made again; then `PRAGMA foreign_key_check` must find no more
   than before, and the row count must be the same, or everything is rolled back;
3. foreign keys on again.

Run again after a crash before it was recorded, it sees the table already changed and does
nothing (`done`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlite_utils import Database


class RebuildError(RuntimeError):
    pass


def rebuild(db: Database, table: str, change: Callable[[str], str],
            done: Callable[[str], bool], drop_indexes: frozenset[str] = frozenset(),
            then: list[str] | None = None) -> bool:
    """Rebuild `table` with `change(its CREATE TABLE)`; its indexes named in `drop_indexes`
    are not made again, `then` runs after (new indexes). False when `done(its CREATE TABLE)`
    says it was changed already."""
    conn = db.conn
    if conn.in_transaction:
        raise RebuildError("a table rebuild runs outside any transaction")
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            changed = _rebuild(db, table, change, done, drop_indexes, then or [])
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.execute("PRAGMA legacy_alter_table=OFF")
        conn.execute("PRAGMA foreign_keys=ON")
    return changed


def _rebuild(db: Database, table: str, change: Callable[[str], str],
             done: Callable[[str], bool], drop_indexes: frozenset[str],
             then: list[str]) -> bool:
    conn = db.conn
    found = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                         (table,)).fetchone()
    if found is None:
        raise RebuildError(f"no table {table} to rebuild")
    old_sql = str(found[0])
    if done(old_sql):
        return False
    new_sql = change(old_sql)
    if new_sql == old_sql:
        raise RebuildError(f"the rebuild of {table} changes nothing in its definition")
    # Its own indexes and triggers (those SQLite made for constraints have no SQL).
    kept = [(str(r[0]), str(r[1]), str(r[2])) for r in conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN "
        "('index', 'trigger') AND sql IS NOT NULL ORDER BY type, rowid", (table,))]
    columns = [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]
    rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    broken = len(conn.execute("PRAGMA foreign_key_check").fetchall())  # before: none, surely
    temp = f"{table}_rebuilt"
    # As written, or as a rename wrote it (quoted).
    head = re.match(rf'CREATE TABLE\s+("?){re.escape(table)}\1\s*\(', new_sql)
    if head is None:
        raise RebuildError(f"unexpected definition of {table}: {new_sql[:60]}")
    conn.execute(f"CREATE TABLE {temp} (" + new_sql[head.end():])
    listed = ", ".join(columns)
    conn.execute(f"INSERT INTO {temp} ({listed}) SELECT {listed} FROM {table}")
    conn.execute(f"DROP TABLE {table}")  # its indexes and triggers go with it
    conn.execute("PRAGMA legacy_alter_table=ON")
    conn.execute(f"ALTER TABLE {temp} RENAME TO {table}")
    conn.execute("PRAGMA legacy_alter_table=OFF")
    for kind, name, sql in kept:
        if not (kind == "index" and name in drop_indexes):
            conn.execute(sql)
    for statement in then:
        conn.execute(statement)
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if len(problems) > broken:
        raise RebuildError(f"rebuilding {table} broke {len(problems)} foreign keys: "
                           f"{[tuple(p) for p in problems[:3]]}")
    if conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] != rows:
        raise RebuildError(f"rebuilding {table} lost rows")
    return True
