"""`swarmbot teams-package`: write the Teams app package (zip) to upload in Teams."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from pathlib import Path

from bot.errors import CommandError, ConfigError


def cmd_teams_package(args: argparse.Namespace) -> int:
    from adapters.teams.package import build_package
    from bot.config import Config, load_config

    config = load_config(args.config) if args.config else Config()
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CommandError(f"--out {out}: folder {out.parent} does not exist (create it "
                           "first, or give another path)")
    try:
        data = build_package(args.app_id, args.url, config.commands.rename,
                             privacy_url=args.privacy_url or config.server.privacy_url,
                             terms_url=args.terms_url or config.server.terms_url)
    except ValueError as err:
        raise CommandError(str(err)) from err
    out.write_bytes(data)
    print(f"wrote {out} ({len(data)} bytes): upload it in Teams > Apps > Manage your apps > "
          "Upload an app (or in the Teams admin center)")
    print(registration_line(args.app_id, os.environ))
    return 0


def registration_line(app_id: str, env: Mapping[str, str]) -> str:
    """Which registration the environment describes, and whether --app-id is its app."""
    from adapters.teams.registration import registration_of

    try:
        reg = registration_of(env)
    except ConfigError as err:
        return "Teams registration: " + "; ".join(err.problems)
    if not reg.kind:
        return (f"Teams registration: {app_id} (MicrosoftAppId is not set here: set "
                "MicrosoftAppId, MicrosoftAppType and MicrosoftAppTenantId where swarmbot "
                "serves; Azure creates single-tenant or managed-identity bots only)")
    line = reg.describe()
    if reg.app_id.lower() != app_id.lower():
        line += f"; note: --app-id {app_id} is not MicrosoftAppId {reg.app_id}"
    return line


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("teams-package", help="write the Teams app package (manifest "
                                                    "and icons) for your bot registration")
    p.add_argument("--app-id", required=True, help="the Azure bot's Microsoft App ID (a GUID)")
    p.add_argument("--url", required=True, help="public https base URL of this server "
                                                "(Teams posts to <url>/api/messages)")
    p.add_argument("--out", default="swarmbot-teams.zip", help="zip to write "
                                                               "(default swarmbot-teams.zip)")
    p.add_argument("--privacy-url", help="https URL of your privacy statement (default "
                                         "[server] privacy_url; required)")
    p.add_argument("--terms-url", help="https URL of your terms of use (default [server] "
                                       "terms_url; required)")
    p.add_argument("--config", help="config.toml (its [commands] rename shows in the menu)")
    p.set_defaults(func=cmd_teams_package)
