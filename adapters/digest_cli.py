"""`swarmbot digest`, `swarmbot demo` and `swarmbot digest-link`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Config, load_config
from bot.digest.weeks import BadInput, Week, last_complete_week, parse_week, parse_zone
from bot.domain import utcnow
from bot.errors import ConfigError


def _config(args: argparse.Namespace) -> Config:
    cfg = load_config(getattr(args, "config", None))
    if getattr(args, "db", None):
        cfg.store.path = args.db
    return cfg


def _week(args: argparse.Namespace, cfg: Config) -> Week:
    tz = getattr(args, "tz", None) or cfg.digest.timezone
    parse_zone(tz)
    if args.week:
        return parse_week(args.week, tz)
    return last_complete_week(utcnow(), tz)


def cmd_digest(args: argparse.Namespace) -> int:
    from bot.digest.metrics import compute_digest
    from bot.digest.text import to_json, to_markdown
    from bot.store import open_store

    cfg = _config(args)
    try:
        week = _week(args, cfg)
    except BadInput as err:
        print(f"swarmbot: {err}", file=sys.stderr)
        return 2
    if not Path(cfg.store.path).exists():
        raise ConfigError(f"no database at {cfg.store.path} (try `swarmbot demo --db "
                          f"{cfg.store.path}` first)")
    store = open_store(cfg.store.path)
    try:
        digest = compute_digest(store, week, utcnow())
    finally:
        store.close()
    if args.format == "json":
        sys.stdout.write(to_json(digest))
    elif args.format == "html":
        from bot.digest.page import render_page

        sys.stdout.write(render_page(digest))
    else:
        sys.stdout.write(to_markdown(digest))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    digest = subparsers.add_parser("digest", help="the weekly digest for one ISO week")
    digest.add_argument("--db", help="SQLite file (default [store] path)")
    digest.add_argument("--config", help="config.toml")
    digest.add_argument("--week", help="ISO week YYYY-Www (default: the last complete week)")
    digest.add_argument("--tz", help="IANA time zone of the week (default [digest] timezone)")
    digest.add_argument("--format", choices=("md", "json", "html"), default="md")
    digest.set_defaults(func=cmd_digest)
