"""`swarmbot migrate`: bring the store's schema to this release's, once, before replicas start.

On PostgreSQL this is the one verb that changes the schema (replicas refuse a schema that is
not theirs rather than race to change it); on SQLite every verb migrates its own file, and
this verb does the same explicitly.
"""

from __future__ import annotations

import argparse


def cmd_migrate(args: argparse.Namespace) -> int:
    from adapters.bootstrap import checked_config, migrate_store, store_name

    config = checked_config(args.config, "migrate", db=args.db)
    names = migrate_store(config)
    where = store_name(config)
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
