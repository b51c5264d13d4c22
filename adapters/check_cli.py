"""`swarmbot check --config FILE [--online]`: validate a config without serving anything.

Offline it finds every problem `serve` would stop on (adapters.checks), prints one line
each and exits 2; `--online` then does what start-up does with the tokens: Slack's
auth.test and the triage channel lookup, Teams' OpenID metadata and a Bot Connector token.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Mapping

import aiohttp

from adapters.bootstrap import checked_config
from bot.config import Config
from bot.errors import ConfigError


async def online_problems(config: Config, env: Mapping[str, str]) -> list[str]:
    problems: list[str] = []
    if config.slack.enabled:
        from adapters.slack.server import start_slack

        try:
            runtime = await start_slack(config, env)
        except ConfigError as err:
            problems += err.problems
        else:
            await runtime.close()
    if config.teams.enabled:
        problems += await _teams_online(config, env)
    return problems


async def _teams_online(config: Config, env: Mapping[str, str]) -> list[str]:
    from adapters.teams.auth import BotCredentialsRefused
    from adapters.teams.endpoint import start_teams

    try:
        runtime = await start_teams(config, env)
    except ConfigError as err:
        return err.problems
    except aiohttp.ClientError as err:
        return [f"Teams: cannot read the Bot Framework OpenID metadata: {err}"]
    try:
        tokens = runtime.auth.connectors.tokens
        if tokens is not None:  # Emulator mode (no MicrosoftAppId) has no token to try
            await tokens.token()
    except BotCredentialsRefused as err:
        return [f"Teams: {err} (check MicrosoftAppId / MicrosoftAppPassword)"]
    except aiohttp.ClientError as err:
        return [f"Teams: cannot reach the Bot Framework token endpoint: {err}"]
    finally:
        await runtime.close()
    return []


def summary(config: Config, env: Mapping[str, str] | None = None) -> str:
    on = [name for name, enabled in (("slack", config.slack.enabled),
                                     ("teams", config.teams.enabled)) if enabled]
    line = (f"{config.source}: OK (adapters: {', '.join(on) or 'none, shell only'}; "
            f"store {config.store.path}; listens on {config.server.host}:{config.server.port})")
    if config.teams.enabled:
        from adapters.teams.registration import registration_of

        line += "\n" + registration_of(os.environ if env is None else env).describe()
    if config.slack.enabled and config.slack.oauth.enabled:
        line += (f"\nSlack: installable by OAuth at {config.server.public_url.rstrip('/')}"
                 f"{config.slack.oauth.install_path}")
    return line


def cmd_check(args: argparse.Namespace) -> int:
    env = os.environ
    config = checked_config(args.config, "check", env=env)
    if args.online:
        problems = asyncio.run(online_problems(config, env))
        if problems:
            raise ConfigError(*problems)
    lines = summary(config, env).split("\n")
    lines[0] += " and the platforms accepted its tokens" if args.online else ""
    print("\n".join(lines))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    check = subparsers.add_parser("check", help="validate a config (every problem at once) "
                                                "without serving; --online tries the tokens")
    check.add_argument("--config", required=True, help="config.toml")
    check.add_argument("--online", action="store_true",
                       help="also call Slack (auth.test, the triage channel) and the Bot "
                            "Framework (a token) with the secrets from the environment")
    check.set_defaults(func=cmd_check)
