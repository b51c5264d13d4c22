"""`swarmbot` on the command line. With no arguments: the shell on ./swarmbot.db."""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import os
import sys
from collections.abc import Callable

from bot.errors import CommandError, ConfigError

# Each adapter adds its own subcommands; a missing optional adapter is simply not offered.
_PLUGINS = ("adapters.serve", "adapters.check_cli", "adapters.migrate_cli", "adapters.slack.cli",
            "adapters.teams.cli", "adapters.digest_cli")


def cmd_shell(args: argparse.Namespace) -> int:
    from adapters.bootstrap import checked_config, shell_core
    from adapters.shell.repl import run_shell

    core, port = shell_core(checked_config(args.config, "shell", db=args.db))
    return run_shell(core, port)


def cmd_export(args: argparse.Namespace) -> int:
    from adapters.bootstrap import checked_config, open_checked_store
    from bot.export import export_cases

    config = checked_config(args.config, "export", db=args.db)
    store = open_checked_store(config)
    try:
        viewer = args.viewer.lstrip("@") if args.viewer else None
        json.dump(export_cases(store, viewer, config), sys.stdout, indent=2)
        sys.stdout.write("\n")
    finally:
        store.close()
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    from adapters.bootstrap import checked_config, open_checked_store
    from bot.domain import iso, utcnow
    from bot.services.erasure import erase

    if (args.customer is None) == (args.ref is None):
        raise CommandError("erase needs exactly one of --customer NAME or --ref REF")
    store = open_checked_store(checked_config(args.config, "erase", db=args.db))
    try:
        done = erase(store, by=args.by or getpass.getuser(), at=iso(utcnow()),
                     customer=args.customer, ref=args.ref, workspace=args.workspace)
    finally:
        store.close()
    for item in done:
        print(f"erased {item.ref}: {item.rows} records redacted, tombstone kept")
    return 0


def cmd_find(args: argparse.Namespace) -> int:
    """The `find` command for whoever runs the bot: every platform's cases, ranked."""
    from adapters.bootstrap import checked_config, open_checked_store
    from bot.domain import utcnow
    from bot.people import render_mentions
    from bot.services.base import Deps
    from bot.services.knowledge import FIND_PAGE, find

    config = checked_config(args.config, "find", db=args.db)
    store = open_checked_store(config)
    try:
        if args.page < 1:
            raise CommandError("--page starts at 1")
        found = find(Deps(store=store, ports={}, config=config), None, " ".join(args.words),
                     args.customer, args.skill, args.status, args.page)
        now = utcnow()
        first = (args.page - 1) * FIND_PAGE
        for i, known in enumerate(found.items, 1):
            line = render_mentions(known.line(now), lambda pid: f"@{pid}")
            print(f"{first + i}. [{known.case.platform}] {line}")
        if not found.items:
            print("No case matches.")
        elif found.more:
            print(f"More: --page {args.page + 1}")
    finally:
        store.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="swarmbot", description="Case swarming for customer support. With no command, "
        "runs the shell on ./swarmbot.db.")
    # --db and --config also before the command (`swarmbot --db x.db` runs the shell on it).
    parser.add_argument("--db", dest="global_db", metavar="DB",
                        help="the SQLite file, for whichever command follows (or the shell)")
    parser.add_argument("--config", dest="global_config", metavar="CONFIG",
                        help="config.toml, for whichever command follows (or the shell)")
    sub = parser.add_subparsers(dest="command", metavar="command")
    shell = sub.add_parser("shell", help="try every command in the terminal")
    shell.add_argument("--db", help="SQLite file (default ./swarmbot.db)")
    shell.add_argument("--config", help="config.toml")
    shell.set_defaults(func=cmd_shell)
    export = sub.add_parser("export", help="print every case as JSON")
    export.add_argument("--db", help="SQLite file (default ./swarmbot.db)")
    export.add_argument("--config", help="config.toml")
    export.add_argument("--for", dest="viewer", metavar="USER",
                        help="only what USER may see: confidential swarms they are not in "
                             "are counted, not shown (default: everything)")
    export.set_defaults(func=cmd_export)
    erase = sub.add_parser("erase", help="erase a customer's data on request (redact the "
                           "text of their cases, keep the digest's figures)")
    which = erase.add_mutually_exclusive_group(required=True)
    which.add_argument("--customer", metavar="NAME", help="every case of this customer "
                       "(the whole name, ignoring case)")
    which.add_argument("--ref", metavar="REF", help="one case, by its ref")
    erase.add_argument("--workspace", metavar="TEAM", help="only the cases of this workspace "
                       "(its team id), where one deployment serves several")
    erase.add_argument("--by", help="who asks, for the tombstone (default: your login)")
    erase.add_argument("--db", help="SQLite file (default ./swarmbot.db)")
    erase.add_argument("--config", help="config.toml")
    erase.set_defaults(func=cmd_erase)
    find = sub.add_parser("find", help="search every case, best match first")
    find.add_argument("words", nargs="+", help="words the cases must all contain")
    find.add_argument("--db", help="SQLite file (default ./swarmbot.db)")
    find.add_argument("--config", help="config.toml")
    find.add_argument("--customer", help="only this customer (the whole name)")
    find.add_argument("--skill", help="only cases that asked for this skill")
    find.add_argument("--status", default="all", choices=("open", "resolved", "all"))
    find.add_argument("--page", type=int, default=1, help="10 a page (default 1)")
    find.set_defaults(func=cmd_find)
    for name in _PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name is None or not (name == err.name or name.startswith(err.name + ".")):
                raise
            continue
        register: Callable[[argparse._SubParsersAction], None] = module.register
        register(sub)
    return parser


def _globals(args: argparse.Namespace) -> None:
    """--db / --config given before the command count as the command's own."""
    for name in ("db", "config"):
        given = getattr(args, f"global_{name}", None)
        if given is None:
            continue
        if not hasattr(args, name):
            raise CommandError(f"`swarmbot {args.command}` takes no --{name}")
        if getattr(args, name) is None:
            setattr(args, name, given)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args([*argv, "shell"])
    try:
        _globals(args)
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return code
    except BrokenPipeError:
        # `swarmbot find … | head`: the reader had enough. What is still buffered goes
        # nowhere (else Python reports the pipe again at exit).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except ConfigError as err:
        for problem in err.problems:  # every problem of a config, one line each
            print(f"swarmbot: {problem}", file=sys.stderr)
        return 2
    except CommandError as err:
        print(f"swarmbot: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C during start-up: no traceback for a deliberate stop
        return 130


if __name__ == "__main__":
    sys.exit(main())
