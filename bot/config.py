"""Configuration: `config.toml` for settings (see config.example.toml), environment for secrets.

Nothing here is read at import time; `load_config` is called once by the bootstrap.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from bot import account_owners, i18n, skill_rules, sla, swarm_types
from bot.errors import ConfigError

SLACK_API_URL = "https://slack.com/api/"


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 3000
    # Public base URL, used in links (digest pages) and manifests.
    public_url: str = "http://127.0.0.1:3000"
    # Your privacy statement and terms of use (https): the Teams app package shows both to
    # everyone who installs the app, and refuses to build without them.
    privacy_url: str = ""
    terms_url: str = ""
    # Slow clients (docs/bad-requests.md): seconds a
    # request's headers, then its body, may take to arrive; seconds an idle kept-alive
    # connection stays open; connections served at once (beyond it: 503).
    header_timeout: float = 5.0
    body_timeout: float = 10.0
    keepalive_timeout: float = 15.0
    max_connections: int = 4000
    # Commands run at once after their ack, per platform (adapters/after_ack.py): beyond
    # it they wait in the inbox, not in memory. Mostly waiting on the platform's answers.
    in_flight: int = 64


@dataclass
class StoreConfig:
    path: str = "swarmbot.db"
    # postgresql://user@host:port/dbname: PostgreSQL instead of the SQLite file at `path`
    # (SWARMBOT_DATABASE_URL wins over it; the password may come from PGPASSWORD instead).
    url: str = ""


@dataclass
class PeopleConfig:
    managers: list[str] = field(default_factory=list)
    # Roles seeded by config (bot/permissions.py); more are granted in chat with `role`.
    leads: list[str] = field(default_factory=list)
    observers: list[str] = field(default_factory=list)
    timezone: str = "UTC"  # default zone for people whose platform does not say


@dataclass
class CommandsConfig:
    slash: str = "/swarm"
    # Rename commands for your team: {"open" = "start"} makes `/swarm start ...` open a case.
    rename: dict[str, str] = field(default_factory=dict)


@dataclass
class ShellConfig:
    triage_room: str = "swarm-triage"


@dataclass
class SlackOAuthConfig:
    """[slack.oauth]: install by OAuth v2 (docs/slack-oauth.md). Writing the section turns it
    on; SLACK_CLIENT_SECRET and SWARMBOT_TOKEN_KEY come from the environment."""

    enabled: bool = False
    client_id: str = ""
    # Bot scopes asked for on the Add to Slack page (empty: the app manifest's own).
    scopes: list[str] = field(default_factory=list)
    install_path: str = "/slack/install"
    redirect_path: str = "/slack/oauth_redirect"
    # How long an Add to Slack link's state is good for (Bolt's default is 10 minutes).
    state_expiration_seconds: int = 600
    # Apps with token rotation on: a workspace's token is refreshed this many minutes before
    # it expires (Slack's tokens live 12 hours), one refresh at a time across replicas.
    token_rotation_minutes: int = 120


@dataclass
class SlackConfig:
    enabled: bool = False
    api_url: str = SLACK_API_URL
    triage_channel: str = ""
    private_channels: bool = False
    channel_prefix: str = "swarm"
    archive_on_resolve: bool = True
    socket_mode: bool = False
    oauth: SlackOAuthConfig = field(default_factory=SlackOAuthConfig)
    # [slack.workspaces.<team id>]: one workspace's own settings (triage_channel, managers,
    # slash, types), read by adapters/slack/settings.py; with [slack.oauth] only.
    workspaces: dict[str, Any] = field(default_factory=dict)


@dataclass
class TeamsGraphConfig:
    enabled: bool = False
    tenant_id: str = ""
    client_id: str = ""
    # The secret comes from SWARMBOT_GRAPH_CLIENT_SECRET.
    authority_url: str = "https://login.microsoftonline.com"
    graph_url: str = "https://graph.microsoft.com/v1.0"


@dataclass
class TeamsConfig:
    enabled: bool = False
    swarm_team_id: str = ""
    swarm_channel_id: str = ""
    triage_channel_id: str = ""
    # Where Bot Framework tokens come from; tests point it at a local issuer.
    openid_metadata_url: str = ""
    graph: TeamsGraphConfig = field(default_factory=TeamsGraphConfig)


@dataclass
class DigestConfig:
    weekday: str = "monday"
    time: str = "08:00"
    timezone: str = "UTC"
    slack_channel: str = ""
    teams_channel: str = ""
    managers: list[str] = field(default_factory=list)


@dataclass
class SkillSuggestionsConfig:
    """[skill_suggestions]: how `[[skill_rules]]` combine (bot/skill_rules.py)."""

    mode: str = "all"  # "first": the first matching rule only; "all": every match


@dataclass
class AvailabilityConfig:
    """[availability]: what the platforms know of people, read by the expert finder
    (docs/access.md). Working hours are each person's own clock (their profile's zone)."""

    # Off unless turned on: ask Slack (presence, status) / Teams (Graph) before suggesting.
    presence: bool = False
    work_start: str = ""  # e.g. "09:00"; "" with work_end "": no working hours
    work_end: str = ""
    work_days: list[str] = field(default_factory=lambda: [
        "monday", "tuesday", "wednesday", "thursday", "friday"])
    cache_seconds: int = 120  # how long a person's looked-up status is kept


@dataclass
class RetentionConfig:
    # Resolved cases older than this many days have their text redacted by the scheduler
    # (the digest's figures are kept); 0 keeps everything.
    days: int = 0


@dataclass
class ZendeskConfig:
    enabled: bool = False
    api_url: str = ""  # https://acme.zendesk.com
    email: str = ""  # the agent the API token belongs to
    # ZENDESK_API_TOKEN and ZENDESK_WEBHOOK_SECRET come from the environment.
    platform: str = ""  # where its swarms open: "slack" | "teams" (default: the one serving)
    # The ticket's status when its swarm is resolved, cancelled, reopened ("" leaves it):
    # a Zendesk status (new, open, pending, hold, solved). docs/helpdesk-writeback.md
    resolve_status: str = "solved"
    cancel_status: str = ""
    reopen_status: str = "open"
    # With several Slack workspaces ([slack.oauth]): the team id its swarms open in.
    workspace: str = ""


@dataclass
class JiraConfig:
    enabled: bool = False
    api_url: str = ""  # https://acme.atlassian.net
    email: str = ""
    # JIRA_API_TOKEN and JIRA_WEBHOOK_SECRET come from the environment.
    platform: str = ""
    # With several Slack workspaces ([slack.oauth]): the team id its swarms open in.
    workspace: str = ""
    # Project keys whose issues `open KEY-1` fetches (empty: any KEY-1 not Zendesk's).
    projects: list[str] = field(default_factory=list)
    # The transition made when its swarm is resolved, cancelled, reopened: its name, or the
    # status it leads to ("Resolve issue" or "Resolved"); "" leaves the status alone.
    resolve_status: str = ""
    cancel_status: str = ""
    reopen_status: str = ""


@dataclass
class WebhookConfig:
    enabled: bool = False
    # SWARMBOT_WEBHOOK_SECRET comes from the environment.
    platform: str = ""
    # With several Slack workspaces ([slack.oauth]): the team id its swarms open in.
    workspace: str = ""
    # Where write-backs may go: "https://host[:port]" ("http://" only where written so);
    # a delivery's callback_url elsewhere is refused. SWARMBOT_CALLBACK_SECRET signs them.
    callback_origins: list[str] = field(default_factory=list)
    # Names in callback_origins that may resolve to private/loopback addresses.
    callback_internal_hosts: list[str] = field(default_factory=list)
    # A `status` event with this value when its swarm is resolved, cancelled, reopened.
    resolve_status: str = ""
    cancel_status: str = ""
    reopen_status: str = ""


@dataclass
class HelpdeskConfig:
    zendesk: ZendeskConfig = field(default_factory=ZendeskConfig)
    jira: JiraConfig = field(default_factory=JiraConfig)
    webhook: WebhookConfig = field(default_factory=WebhookConfig)
    # Write-backs: tries per call on 429/5xx, and the first back-off (doubled each time).
    attempts: int = 5
    backoff_ms: int = 500


@dataclass
class OutboxConfig:
    # A platform call failing transiently (429, 5xx, a dropped connection) is tried up to
    # max_tries times, waiting base_delay * 2^n seconds (capped at max_delay, with jitter,
    # and never less than the platform's Retry-After) in between; then the owner is told.
    max_tries: int = 6
    base_delay: float = 1.0
    max_delay: float = 120.0
    # How long a worker holds a call it is making before another may take it over (a
    # worker killed mid-call leaves it to the next one after this).
    lease: float = 60.0


@dataclass
class AssistantConfig:
    """[assistant]: any OpenAI-compatible endpoint drafts briefings, catch-ups and
    resolutions for a person to edit (docs/assistant.md). No url: drafts come from the
    timeline alone. The key comes from the environment variable named by key_env."""

    url: str = ""  # e.g. http://127.0.0.1:11434/v1 (Ollama), https://api.openai.com/v1
    model: str = ""
    key_env: str = "SWARMBOT_ASSISTANT_KEY"
    timeout: float = 8.0  # seconds per try
    retries: int = 1  # tries after the first, on a timeout, 429 or 5xx
    max_tokens: int = 400  # the completion's budget per draft
    send_customer_data: bool = False  # false: names, emails, phones leave as placeholders


@dataclass
class BridgeConfig:
    """[bridge]: one swarm across the chat platforms served (docs/bridge.md)."""

    enabled: bool = False  # true: cases reach people on every platform served
    mirror_messages: bool = False  # true: chat messages in one room are shown in the other


@dataclass
class I18nConfig:
    """[i18n]: the deployment's language (docs/translations.md): rooms, channels, digests."""

    language: str = "en"  # "en" or a language of bot/locale/ ("de")


@dataclass
class Config:
    server: ServerConfig = field(default_factory=ServerConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    people: PeopleConfig = field(default_factory=PeopleConfig)
    commands: CommandsConfig = field(default_factory=CommandsConfig)
    shell: ShellConfig = field(default_factory=ShellConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    teams: TeamsConfig = field(default_factory=TeamsConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    helpdesk: HelpdeskConfig = field(default_factory=HelpdeskConfig)
    outbox: OutboxConfig = field(default_factory=OutboxConfig)
    assistant: AssistantConfig = field(default_factory=AssistantConfig)
    bridge: BridgeConfig = field(default_factory=BridgeConfig)
    i18n: I18nConfig = field(default_factory=I18nConfig)
    # [types.<name>]: swarm types (bot/swarm_types.py), checked by swarm_types.problems.
    types: dict[str, Any] = field(default_factory=dict)
    # [[skill_rules]]: checked by skill_rules.problems (issue 26).
    skill_rules: list[Any] = field(default_factory=list)
    skill_suggestions: SkillSuggestionsConfig = field(default_factory=SkillSuggestionsConfig)
    availability: AvailabilityConfig = field(default_factory=AvailabilityConfig)
    # [sla.<name>]: SLA policies (bot/sla.py, docs/sla.md), checked by sla.problems.
    sla: dict[str, Any] = field(default_factory=dict)
    # [account_owners]: "<organisation>" = "<person id>" (bot/account_owners.py).
    account_owners: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # the file it came from, for messages


_KINDS = {bool: "true or false", int: "a whole number", str: "a string", list: "a list",
          dict: "a table", float: "a number"}


def _default(f: Field[Any]) -> Any:
    if f.default is not MISSING:
        return f.default
    return f.default_factory() if f.default_factory is not MISSING else None


def _fill(cls: type, data: dict[str, Any], where: str, problems: list[str]) -> Any:
    """Build `cls` from a TOML table; every wrong key or type is added to `problems` (and
    left at its default) so that one run names them all."""
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            problems.append(f"unknown key [{where}] {key} (known: {', '.join(sorted(known))})")
            continue
        default = _default(known[key])
        if is_dataclass(default):
            if not isinstance(value, dict):
                problems.append(f"[{where}] {key} must be a [section]")
                continue
            kwargs[key] = _fill(type(default), value, f"{where}.{key}", problems)
            continue
        kind = type(default)
        # bool is an int in Python; a config `port = true` is still a mistake.
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)  # `lease = 30` means 30.0
        if kind in _KINDS and (not isinstance(value, kind) or
                               (kind is int and isinstance(value, bool))):
            problems.append(f"[{where}] {key} must be {_KINDS[kind]}, not {value!r}")
            continue
        kwargs[key] = value
    return cls(**kwargs)


def load_config(path: str | Path | None) -> Config:
    """Read `path` (TOML). `None` gives the defaults: the shell on ./swarmbot.db.

    Raises one ConfigError naming every problem of the file's shape and types; what the
    values mean (zones, ports, folders, secrets) is checked by `adapters.checks`."""
    if path is None:
        return Config()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"config file not found: {p}") from err
    except IsADirectoryError as err:
        raise ConfigError(f"--config {p} is a folder: give the config file, e.g. "
                          f"{p / 'config.toml'}") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read config file {p}: {err}") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{p} is not valid TOML: {err}") from err
    sections: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in data.items():
        if name == "skill_rules" and isinstance(value, list):
            sections[name] = value  # [[skill_rules]]: an array of tables
            continue
        if not isinstance(value, dict):
            problems.append(f"{p}: top-level key {name!r} must be a [section]")
            continue
        sections[name] = value
    for platform in ("slack", "teams"):
        # Writing a [slack] or [teams] section is how you switch that platform on.
        if platform in sections:
            sections[platform].setdefault("enabled", True)
    oauth = sections.get("slack", {}).get("oauth")
    if isinstance(oauth, dict):
        oauth.setdefault("enabled", True)  # and writing [slack.oauth] turns OAuth on
    helpdesks = sections.get("helpdesk")
    if isinstance(helpdesks, dict):
        # So does writing a [helpdesk.zendesk], [helpdesk.jira] or [helpdesk.webhook] one.
        for name in ("zendesk", "jira", "webhook"):
            if isinstance(helpdesks.get(name), dict):
                helpdesks[name].setdefault("enabled", True)
    cfg = _fill(Config, sections, "config", problems)
    problems += swarm_types.problems(cfg.types)
    problems += skill_rules.problems(cfg.skill_rules, cfg.skill_suggestions.mode)
    problems += sla.problems(cfg.sla, cfg.types)
    problems += account_owners.problems(cfg.account_owners)
    problems += i18n.problems(cfg.i18n.language)
    if problems:
        raise ConfigError(*problems)
    cfg.source = str(p)
    return cfg


def require_secret(name: str, needed_by: str,
                   env: Mapping[str, str] | None = None) -> str:
    """A missing secret stops start-up and names the variable (and what needs it)."""
    value = (os.environ if env is None else env).get(name, "").strip()
    if not value:
        raise ConfigError(f"environment variable {name} is not set (needed by {needed_by})")
    return value
