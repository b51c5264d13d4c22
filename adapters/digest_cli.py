"""`swarmbot digest`, `swarmbot demo` and `swarmbot digest-link`."""

from __future__ import annotations

import argparse
import os
import sys

from bot import tenancy
from bot.config import Config
from bot.digest.weeks import BadInput, Week, last_complete_week, parse_week, parse_zone
from bot.domain import utcnow
from bot.wording import count


def _config(args: argparse.Namespace, verb: str) -> Config:
    """The checked config (adapters.bootstrap): every problem at once, before any file."""
    from adapters.bootstrap import checked_config

    return checked_config(getattr(args, "config", None), verb, db=getattr(args, "db", None))


def _week(args: argparse.Namespace, cfg: Config) -> Week:
    tz = getattr(args, "tz", None) or cfg.digest.timezone
    parse_zone(tz)
    if args.week:
        return parse_week(args.week, tz)
    return last_complete_week(utcnow(), tz)


def cmd_digest(args: argparse.Namespace) -> int:
    from adapters.bootstrap import open_checked_store
    from bot.digest.metrics import digest_for
    from bot.digest.text import to_json, to_markdown

    cfg = _config(args, "digest")
    try:
        week = _week(args, cfg)
    except BadInput as err:
        print(f"swarmbot: {err}", file=sys.stderr)
        return 2
    store = open_checked_store(cfg)
    try:
        digest = digest_for(store, week, utcnow())  # a finished week's kept figures
    finally:
        store.close()
    from bot import i18n

    with i18n.speaking(cfg.i18n.language, cfg.i18n.language):  # a digest: everyone's
        if args.format == "json":
            sys.stdout.write(to_json(digest))
        elif args.format == "html":
            from bot.digest.page import render_page

            sys.stdout.write(render_page(digest))
        else:
            sys.stdout.write(to_markdown(digest))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import asyncio
    import time

    from adapters.bootstrap import open_checked_store
    from demo.bulk import run_bulk
    from demo.plan import DemoSpec
    from demo.run import run_services

    if not args.db and not args.config and not os.environ.get("SWARMBOT_DATABASE_URL"):
        print("swarmbot: demo needs a new database to fill: --db FILE (SQLite) or --config "
              "FILE (its [store])", file=sys.stderr)
        return 2
    cfg = _config(args, "demo")
    if args.weeks < 1 or args.cases_per_week < 1:
        print("swarmbot: --weeks and --cases-per-week must be at least 1", file=sys.stderr)
        return 2
    try:
        last = (parse_week(args.end_week, "UTC") if args.end_week
                else last_complete_week(utcnow(), "UTC"))
    except BadInput as err:
        print(f"swarmbot: {err}", file=sys.stderr)
        return 2
    first = last
    for _ in range(args.weeks - 1):
        first = first.previous()
    spec = DemoSpec(first=first, weeks=args.weeks, cases_per_week=args.cases_per_week,
                    seed=args.seed)
    store = open_checked_store(cfg)
    started = time.perf_counter()

    def progress(n: int) -> None:
        print(f"  {n} cases ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    try:
        if args.bulk:
            result = run_bulk(store, spec, progress)
        else:
            result = asyncio.run(run_services(store, cfg, spec, progress))
    finally:
        store.close()
    manager = next(p for p in result.people if p.manager)
    where, opt = (store.path, f"--config {args.config}") if cfg.store.url else \
        (cfg.store.path, f"--db {cfg.store.path}")
    if cfg.store.url and not args.config:  # the URL came from SWARMBOT_DATABASE_URL
        opt = ""
    print(f"Filled {where} with {count(result.cases, 'case')} "
          f"({count(result.steps, 'step')}, {count(len(result.people), 'person', 'people')}) "
          f"over {first.label}..{last.label} "
          f"in {time.perf_counter() - started:.1f} s "
          f"({'bulk rows' if args.bulk else 'through the services'}).\n"
          f"Digest: swarmbot digest {opt} --week {last.label}\n"
          f"Shell:  swarmbot shell {opt}   (type @{manager.id}, a manager, "
          f"then /swarm digest {last.label})")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    from bot.digest.links import digest_link

    cfg = _config(args, "digest-link")
    try:
        week = _week(args, cfg)
    except BadInput as err:
        print(f"swarmbot: {err}", file=sys.stderr)
        return 2
    if args.hours <= 0:
        print("swarmbot: --hours must be more than 0", file=sys.stderr)
        return 2
    # One workspace's page (several workspaces in one deployment, docs/slack-oauth.md).
    with tenancy.scoped(tenancy.of(args.workspace or "", args.org or "")):
        print(digest_link(cfg, week.label, utcnow(), args.hours))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    digest = subparsers.add_parser("digest", help="the weekly digest for one ISO week")
    digest.add_argument("--db", help="SQLite file (default [store] path)")
    digest.add_argument("--config", help="config.toml")
    digest.add_argument("--week", help="ISO week YYYY-Www (default: the last complete week)")
    digest.add_argument("--tz", help="IANA time zone of the week (default [digest] timezone)")
    digest.add_argument("--format", choices=("md", "json", "html"), default="md",
                        help="md: Markdown (default); json: every figure, the stable contract "
                        "of docs/digest.md \"What the figures mean\"; html: the web page, "
                        "with charts")
    digest.set_defaults(func=cmd_digest)
    demo = subparsers.add_parser("demo", help="fill a new database with synthetic swarms")
    demo.add_argument("--db", help="SQLite file to create and fill (or --config: its store, "
                                   "PostgreSQL too)")
    demo.add_argument("--config", help="config.toml")
    demo.add_argument("--weeks", type=int, default=8, help="how many weeks (default 8)")
    demo.add_argument("--cases-per-week", type=int, default=60,
                      help="cases a week, give or take 8%% (default 60)")
    demo.add_argument("--seed", type=int, default=1, help="same seed, same data (default 1)")
    demo.add_argument("--end-week", help="last week to fill, YYYY-Www (default: the last "
                                         "complete week)")
    demo.add_argument("--bulk", action="store_true",
                      help="write rows in batches instead of going through the services: "
                           "same rows, for benchmark-sized years (no platform outbox)")
    demo.set_defaults(func=cmd_demo)
    link = subparsers.add_parser("digest-link", help="print a signed, expiring link to a "
                                                     "week's digest page ([server] public_url)")
    link.add_argument("--week", help="ISO week YYYY-Www (default: the last complete week)")
    link.add_argument("--config", help="config.toml")
    link.add_argument("--hours", type=float, default=168, help="valid for (default 168)")
    link.add_argument("--workspace", help="one Slack workspace's page (its team id; default: "
                                          "every workspace's)")
    link.add_argument("--org", help="with --workspace: its Enterprise Grid org (enterprise id)")
    link.set_defaults(func=cmd_link)
