"""`swarmbot` on the command line. With no arguments: the shell on ./swarmbot.db."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from collections.abc import Callable

from bot.config import Config, load_config
from bot.errors import CommandError, ConfigError

# Each adapter adds its own subcommands; a missing optional adapter is simply not offered.
_PLUGINS = ("adapters.serve", "adapters.slack.cli", "adapters.teams.cli", "adapters.digest_cli")


def _config(args: argparse.Namespace) -> Config:
    cfg = load_config(getattr(args, "config", None))
    if getattr(args, "db", None):
        cfg.store.path = args.db
    return cfg


def cmd_shell(args: argparse.Namespace) -> int:
    from adapters.bootstrap import build_core
    from adapters.shell.port import ShellChatPort
    from adapters.shell.repl import run_shell
    from bot.store import open_store

    cfg = _config(args)
    store = open_store(cfg.store.path)
    port = ShellChatPort(slash=cfg.commands.slash, triage_room=cfg.shell.triage_room,
                         known_rooms={c.room_name for c in store.cases.all() if c.room_name})
    core = build_core(cfg, {"shell": port}, store=store)
    return run_shell(core, port)


def cmd_export(args: argparse.Namespace) -> int:
    from bot.export import export_cases
    from bot.store import open_store

    store = open_store(_config(args).store.path)
    try:
        json.dump(export_cases(store), sys.stdout, indent=2)
        sys.stdout.write("\n")
    finally:
        store.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="swarmbot", description="Case swarming for customer support. With no command, "
        "runs the shell on ./swarmbot.db.")
    sub = parser.add_subparsers(dest="command", metavar="command")
    shell = sub.add_parser("shell", help="try every command in the terminal")
    shell.add_argument("--db", help="SQLite file (default ./swarmbot.db)")
    shell.add_argument("--config", help="config.toml")
    shell.set_defaults(func=cmd_shell)
    export = sub.add_parser("export", help="print every case as JSON")
    export.add_argument("--db", help="SQLite file (default ./swarmbot.db)")
    export.add_argument("--config", help="config.toml")
    export.set_defaults(func=cmd_export)
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


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: "
                        "%(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args(["shell", *(argv or [])])
    try:
        return int(args.func(args) or 0)
    except (ConfigError, CommandError) as err:
        print(f"swarmbot: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
