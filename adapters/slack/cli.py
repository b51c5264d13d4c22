"""`swarmbot slack-manifest --url https://host` (`swarmbot serve` is adapters.serve)."""

from __future__ import annotations

import argparse
import sys

from bot.config import load_config
from bot.errors import CommandError


def cmd_manifest(args: argparse.Namespace) -> int:
    from adapters.checks import public_https_url_problem
    from adapters.slack.manifest import manifest_json

    cfg = load_config(args.config) if args.config else None
    slash = cfg.commands.slash if cfg else "/swarm"
    socket = args.socket_mode or bool(cfg and cfg.slack.socket_mode)
    url = args.url or (cfg.server.public_url if cfg else "")
    if not url and not socket:
        print("swarmbot: give --url https://your-host (where Slack reaches /slack/events)",
              file=sys.stderr)
        return 2
    problem = None if socket else public_https_url_problem("--url", url)
    if problem:
        raise CommandError(problem)
    redirect = ""
    if cfg and cfg.slack.oauth.enabled:
        redirect = cfg.server.public_url.rstrip("/") + cfg.slack.oauth.redirect_path
        problem = public_https_url_problem("[server] public_url", redirect)
        if problem:
            raise CommandError(f"{problem} ([slack.oauth] needs it for the redirect URL)")
    sys.stdout.write(manifest_json(url, name=args.name, slash=slash, socket_mode=socket,
                                   oauth_redirect=redirect))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    manifest = subparsers.add_parser(
        "slack-manifest", help="print the Slack app manifest (JSON) for api.slack.com/apps")
    manifest.add_argument("--url", help="public base URL, e.g. https://swarmbot.example.com")
    manifest.add_argument("--name", default="swarmbot", help="app and bot name")
    manifest.add_argument("--socket-mode", action="store_true",
                          help="no request URLs: the app connects out over Socket Mode")
    manifest.add_argument("--config", help="config.toml (slash command name, socket mode, "
                                           "[slack.oauth]'s redirect URL)")
    manifest.set_defaults(func=cmd_manifest)
