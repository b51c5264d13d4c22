"""Everything wrong with a config, found before anything starts, one line per problem.

`load_config` already refused a file of the wrong shape or types; this checks what the
values mean for the verb about to run: time zones, the digest schedule, the port, where the
store lives, the secrets each switched-on platform needs (all of them at once, not one per
run), and sections that would start but do nothing. Nothing here opens a connection or a
database; `bind_listener` is the one check that takes a resource, and it keeps it.
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse

from adapters.assistant.checks import assistant_problems
from adapters.helpdesk.webhook.callbacks import origin_problems
from bot import workspace_settings
from bot.availability import hours_problems
from bot.config import Config, JiraConfig, WebhookConfig, ZendeskConfig
from bot.digest.weeks import BadInput, parse_zone
from bot.errors import ConfigError
from bot.scheduler import schedule_problems

# Which verbs open the store how: "create" makes the file if needed (its folder must
# exist), "existing" refuses a file that is not there (reading would silently create it).
STORE_USE = {"migrate": "create", "serve": "create", "shell": "create", "demo": "create",
             "check": "create", "export": "existing", "digest": "existing", "erase": "existing"}


def url_problem(name: str, url: str) -> str | None:
    """`https://host[/path]` or `http://...`; anything else is named with the right form."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return (f"{name} {url!r} is not a URL: give it with its scheme, "
                f"e.g. https://swarmbot.example.com")
    return None


def public_https_url_problem(name: str, url: str) -> str | None:
    return url_problem(name, url) or (
        None if urlparse(url).scheme == "https"
        else f"{name} {url!r} must be https:// (Slack and Teams only call HTTPS URLs)")


def database_url_problem(url: str) -> str | None:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgresql", "postgres") or not parsed.hostname:
        return ("[store] url (or SWARMBOT_DATABASE_URL) is not a PostgreSQL URL: give "
                "postgresql://user@host:5432/dbname (the password may come from PGPASSWORD)")
    return None


def store_problems(path: str, use: str, url: str = "") -> list[str]:
    if url:
        problem = database_url_problem(url)
        return [problem] if problem else []
    p = Path(path)
    if use == "existing":
        if not p.is_file():
            return [f"no database at {path} (try `swarmbot demo --db {path}` for a demo, or "
                    "give --db the file `swarmbot serve` or `swarmbot shell` writes)"]
        return []
    if p.is_dir():
        return [f"[store] path {path} is a folder: give a file, e.g. {p / 'swarmbot.db'}"]
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        return [f"[store] path {path}: folder {folder} does not exist (create it first)"]
    if not os.access(folder, os.W_OK):
        return [f"[store] path {path}: folder {folder} is not writable by this user"]
    return []


def server_problems(config: Config, port: int | None) -> list[str]:
    problems = []
    chosen = config.server.port if port is None else port
    if not 1 <= chosen <= 65535:
        where = "--port" if port is not None else "[server] port"
        problems.append(f"{where} {chosen} is not a TCP port: use 1 to 65535")
    for key in ("public_url", "privacy_url", "terms_url"):
        value = getattr(config.server, key)
        problem = url_problem(f"[server] {key}", value) if value or key == "public_url" else None
        if problem:
            problems.append(problem)
    for key in ("header_timeout", "body_timeout", "keepalive_timeout"):
        if not getattr(config.server, key) > 0:
            problems.append(f"[server] {key} must be a number of seconds above 0")
    if config.server.max_connections < 1:
        problems.append("[server] max_connections must be at least 1")
    if config.server.in_flight < 1:
        problems.append("[server] in_flight must be at least 1")
    if not (config.slack.enabled or config.teams.enabled):
        problems.append("nothing to serve: add a [slack] or [teams] section to the config "
                        "(see config.example.toml); `swarmbot shell` needs no server")
    return problems


def slack_secret_names(config: Config) -> list[str]:
    if config.slack.socket_mode:
        return ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]
    return ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]


def oauth_secret_names(config: Config) -> list[str]:
    names = ["SLACK_CLIENT_SECRET", "SWARMBOT_TOKEN_KEY"]
    return names if config.slack.oauth.client_id.strip() else ["SLACK_CLIENT_ID", *names]


def oauth_key_problems(env: Mapping[str, str]) -> list[str]:
    """SWARMBOT_TOKEN_KEY, when set, must be Fernet keys (its absence is reported apart)."""
    from adapters.slack.sealing import KEY_VARIABLE, Sealer

    value = env.get(KEY_VARIABLE, "").strip()
    if not value:
        return []
    try:
        Sealer([k.strip() for k in value.split(",") if k.strip()])
    except ConfigError as err:
        return err.problems
    return []


def platform_problems(config: Config, env: Mapping[str, str]) -> list[str]:
    problems = []
    missing = []
    if config.slack.enabled:
        missing += [(n, "[slack]") for n in slack_secret_names(config)]
        problem = url_problem("[slack] api_url", config.slack.api_url)
        if problem:
            problems.append(problem)
        if config.slack.oauth.enabled:
            missing += [(n, "[slack.oauth]") for n in oauth_secret_names(config)]
            problems += oauth_key_problems(env)
            problem = public_https_url_problem("[server] public_url", config.server.public_url)
            if problem:  # Slack sends browsers back only to an https redirect URL
                problems.append(f"{problem} ([slack.oauth] redirects to it)")
        problems += workspace_settings.section_problems(config.slack.workspaces)
        if config.slack.workspaces and not config.slack.oauth.enabled:
            problems.append("[slack.workspaces.*] sections need [slack.oauth] (one deployment "
                            "serving several workspaces, docs/slack-oauth.md)")
    teams = config.teams
    if teams.enabled:
        if teams.graph.enabled:
            for key in ("tenant_id", "client_id"):
                if not getattr(teams.graph, key).strip():
                    problems.append(f"[teams.graph] {key} is empty (the Entra app registration's "
                                    "Directory (tenant) ID / Application (client) ID)")
            if not teams.swarm_team_id.strip():
                problems.append("[teams.graph] needs [teams] swarm_team_id (the team that gets "
                                "a channel per swarm)")
            missing.append(("SWARMBOT_GRAPH_CLIENT_SECRET", "[teams.graph]"))
        elif not teams.swarm_channel_id.strip():
            problems.append("[teams] swarm_channel_id is empty: give the channel where each "
                            "swarm gets a thread (19:...@thread.tacv2), or add [teams.graph]")
        from adapters.teams.registration import registration_problems

        problems += registration_problems(env)
    return problems + unset_variables(missing, env)


def unset_variables(needed: list[tuple[str, str]], env: Mapping[str, str]) -> list[str]:
    """One line naming every needed (variable, needed by) that `env` lacks; [] if none."""
    absent = [(n, why) for n, why in needed if not env.get(n, "").strip()]
    if not absent:
        return []
    names = ", ".join(n for n, _ in absent)
    needers = ", ".join(dict.fromkeys(why for _, why in absent))
    plural = "s" if len(absent) > 1 else ""
    return [f"environment variable{plural} {names} not set (needed by {needers})"]


def helpdesk_problems(config: Config, env: Mapping[str, str]) -> list[str]:
    """[helpdesk.*]: URLs and emails given, secrets in the environment, a platform served."""
    h, problems, missing = config.helpdesk, [], []
    served = {"slack"} if config.slack.enabled else set()
    served |= {"teams"} if config.teams.enabled else set()
    for name, section, secrets in (
            ("zendesk", h.zendesk, ["ZENDESK_API_TOKEN", "ZENDESK_WEBHOOK_SECRET"]),
            ("jira", h.jira, ["JIRA_API_TOKEN", "JIRA_WEBHOOK_SECRET"]),
            ("webhook", h.webhook, ["SWARMBOT_WEBHOOK_SECRET"])):
        if not section.enabled:
            continue
        where = f"[helpdesk.{name}]"
        if isinstance(section, ZendeskConfig | JiraConfig):  # the webhook has no API to call
            problem = url_problem(f"{where} api_url", section.api_url)
            if problem:
                problems.append(problem + " (e.g. https://acme.zendesk.com)")
            if "@" not in section.email:
                problems.append(f"{where} email is not an email: give the agent the API "
                                "token belongs to")
        if isinstance(section, WebhookConfig) and section.callback_origins:
            problems += origin_problems(section.callback_origins, f"{where} callback_origins")
            secrets = [*secrets, "SWARMBOT_CALLBACK_SECRET"]
            same = env.get("SWARMBOT_CALLBACK_SECRET", "").strip()
            if same and same == env.get("SWARMBOT_WEBHOOK_SECRET", "").strip():
                problems.append("SWARMBOT_CALLBACK_SECRET must differ from "
                                "SWARMBOT_WEBHOOK_SECRET (a write-back must never pass "
                                "for a delivery)")
        if section.platform and section.platform not in served:
            problems.append(f"{where} platform {section.platform!r} is not served here "
                            f"(served: {', '.join(sorted(served)) or 'none'})")
        missing += [(n, where) for n in secrets]
    if h.attempts < 1:
        problems.append(f"[helpdesk] attempts {h.attempts} must be at least 1")
    return problems + unset_variables(missing, env)


def command_problems(config: Config) -> list[str]:
    from handlers.commands import all_commands

    known = {c.name for c in all_commands()}
    unknown = sorted(set(config.commands.rename) - known)
    if unknown:
        return [f"[commands] rename names unknown commands: {', '.join(unknown)} "
                f"(known: {', '.join(sorted(known))})"]
    return []


def config_problems(config: Config, verb: str, env: Mapping[str, str] | None = None,
                    port: int | None = None) -> list[str]:
    """Every problem of `config` for running `verb`, one line each; [] when it can start."""
    env = os.environ if env is None else env
    problems = []
    try:
        parse_zone(config.people.timezone)
    except BadInput as err:
        problems.append(f"[people] timezone: {err}")
    problems += schedule_problems(config.digest)
    problems += hours_problems(config.availability)
    problems += command_problems(config)
    if config.retention.days < 0:
        problems.append(f"[retention] days {config.retention.days} is negative: give the days "
                        "to keep a resolved case's text, or 0 to keep it forever")
    problems += assistant_problems(config.assistant)
    if verb in STORE_USE:
        problems += store_problems(config.store.path, STORE_USE[verb], config.store.url)
    if verb in ("serve", "check"):
        problems += server_problems(config, port)
        problems += platform_problems(config, env)
        problems += helpdesk_problems(config, env)
        problems += bridge_problems(config)
    return problems


def bridge_problems(config: Config) -> list[str]:
    """[bridge] (docs/bridge.md): one swarm across the platforms served needs two of them."""
    bridge, problems = config.bridge, []
    if bridge.mirror_messages and not bridge.enabled:
        problems.append("[bridge] mirror_messages = true needs [bridge] enabled = true")
    if bridge.enabled and not (config.slack.enabled and config.teams.enabled):
        problems.append("[bridge] enabled = true needs both a [slack] and a [teams] section "
                        "(one swarm across the two)")
    return problems


def check_config(config: Config, verb: str, env: Mapping[str, str] | None = None,
                 port: int | None = None) -> Config:
    problems = config_problems(config, verb, env, port)
    if problems:
        raise ConfigError(*problems)
    return config


def bind_listener(host: str, port: int) -> socket.socket:
    """Take the listening address now, so "in use" is one line before anything starts; the
    server then serves on this very socket (no window for another process to take it)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise ConfigError(f"[server] host {host!r} cannot be listened on: {err.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as err:
        sock.close()
        why = ("is in use by another process" if err.errno == errno.EADDRINUSE
               else f"cannot be listened on: {err.strerror}")
        raise ConfigError(f"{host}:{port} {why} (change [server] host/port or --port)") from None
    sock.set_inheritable(False)
    return sock
