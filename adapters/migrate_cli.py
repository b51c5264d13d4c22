"""`swarmbot migrate`: bring the store's schema to this release's, once, before replicas start.

On PostgreSQL this is the one verb that changes the schema (replicas refuse a schema that is
not theirs rather than race to change it); on SQLite every verb migrates its own file, and
this verb does the same explicitly.
"""

from __future__ import annotations

import argparse


def cmd_migrate(args: argparse.Namespace) -> int:
    from adapters.bootstrap import checked_config, open_config_store
    from bot.store.migrations import migrations
    from bot.store.pg_db import PgDb

    config = checked_config(args.config, "migrate", db=args.db)
    store = open_config_store(config, migrate=True)
    try:
        db = getattr(store, "db", None)
        if isinstance(db, PgDb):
            from bot.store import pg_schema
            from bot.store.postgres import redact

            names, where = pg_schema.applied(db), redact(config.store.url)
        else:
            names, where = [m.name for m in migrations.applied(db)], config.store.path
    finally:
        store.close()
    print(f"swarmbot: the schema of {where} is current ({len(names)} migrations applied, "
          f"the last {names[-1]})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    migrate = subparsers.add_parser(
        "migrate", help="apply the schema migrations this release needs (run once, before "
                        "starting replicas on PostgreSQL)")
    migrate.add_argument("--config", help="config.toml ([store] url or path; "
                                          "SWARMBOT_DATABASE_URL wins over both)")
    migrate.add_argument("--db", help="SQLite file (default [store] path)")
    migrate.set_defaults(func=cmd_migrate)
