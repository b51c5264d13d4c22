"""The Teams app package: manifest.json + two icons in a zip, uploaded in Teams' admin/Apps.

The bot's command menu (commandLists) comes from the core's command registry; Teams shows
at most 10 commands per list, so `MENU` (the one fixed list kept here) says which come
first. Icons are drawn here and encoded as PNG with zlib + struct (no imaging library):
a 192x192 colour icon and the 32x32 white-on-transparent outline Teams requires.
"""

from __future__ import annotations

import io
import json
import math
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable
from urllib.parse import urlparse

MANIFEST_VERSION = "1.22"
SCHEMA = ("https://developer.microsoft.com/json-schemas/teams/"
          f"v{MANIFEST_VERSION}/MicrosoftTeams.schema.json")
ACCENT = (0x4F, 0x6B, 0xED)
SCOPES = ["personal", "team", "groupChat"]
# Which commands the menu offers, in order (Teams allows 10); used as-is if the registry
# cannot be read.
MENU = ["open", "need", "join", "status", "catchup", "handoff", "accept", "list", "resolve",
        "help"]
FALLBACK_SUMMARIES = {
    "open": "Open a swarm for a case: open <ref> [sev1..sev4] <summary>",
    "need": "Ask triage for skills: need <skill>…",
    "join": "Join a swarm: join <ref>",
    "status": "Show a case: status <ref>",
    "catchup": "What happened since you last looked",
    "handoff": "Hand off warmly: handoff @user <briefing>",
    "accept": "Accept a hand-off: accept <ref>",
    "list": "List swarms: list [mine|open]",
    "resolve": "Resolve a case: resolve <resolution>",
    "help": "Every command, or help <command>",
}

Pixel = tuple[int, int, int, int]


def png(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """An RGBA PNG: signature, IHDR, one zlib-compressed IDAT (filter 0 rows), IEND."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width))
                    for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def _swarm(size: int) -> Callable[[float, float], bool]:
    """Six small circles round a centre one: a swarm around a case."""
    c, ring, r = size / 2, size * 0.30, size * 0.10
    centres = [(c, c)] + [(c + ring * math.cos(a * math.pi / 3),
                           c + ring * math.sin(a * math.pi / 3)) for a in range(6)]
    return lambda x, y: any((x - cx) ** 2 + (y - cy) ** 2 <= r * r for cx, cy in centres)


def color_icon(size: int = 192) -> bytes:
    inside = _swarm(size)
    return png(size, size, lambda x, y: (255, 255, 255, 255) if inside(x + .5, y + .5)
               else (*ACCENT, 255))


def outline_icon(size: int = 32) -> bytes:
    inside = _swarm(size)
    return png(size, size, lambda x, y: (255, 255, 255, 255) if inside(x + .5, y + .5)
               else (0, 0, 0, 0))


def menu(summaries: dict[str, str], rename: dict[str, str] | None = None) -> list[dict[str, str]]:
    rename = rename or {}
    names = [n for n in MENU if n in summaries] + [n for n in summaries if n not in MENU]
    return [{"title": rename.get(n, n)[:32], "description": summaries[n][:128]}
            for n in names[:10]]


def registry_summaries() -> dict[str, str]:
    """name -> summary from the core's registry (falls back to the fixed list above)."""
    try:
        from handlers.commands import all_commands
    except ImportError:
        return dict(FALLBACK_SUMMARIES)
    return {c.name: c.summary for c in all_commands()}


def manifest(app_id: str, url: str, summaries: dict[str, str],
             rename: dict[str, str] | None = None, package_id: str | None = None, *,
             privacy_url: str = "", terms_url: str = "") -> dict:
    base = url.rstrip("/")
    host = urlparse(base).hostname
    if urlparse(base).scheme != "https" or not host:
        raise ValueError(f"--url must be the bot's public https base URL, not {url!r}")
    for option, value in (("--privacy-url", privacy_url), ("--terms-url", terms_url)):
        # Teams shows both links to everyone who installs the app; swarmbot serves neither.
        if not value:
            raise ValueError(f"give {option} (or [server] {option[2:].replace('-', '_')}): "
                             "Teams shows your privacy statement and terms of use to everyone "
                             "who installs the app")
        if urlparse(value).scheme != "https" or not urlparse(value).hostname:
            raise ValueError(f"{option} must be an https URL, not {value!r}")
    try:
        uuid.UUID(app_id)
    except ValueError:
        raise ValueError(f"--app-id must be the Azure bot's Microsoft App ID (a GUID), "
                         f"not {app_id!r}") from None
    commands = menu(summaries, rename)
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": "1.0.0",
        "id": package_id or app_id,
        "developer": {"name": "swarmbot", "websiteUrl": base,
                      "privacyUrl": privacy_url, "termsOfUseUrl": terms_url},
        "name": {"short": "swarmbot", "full": "swarmbot: case swarming for support"},
        "description": {
            "short": "Bring experts to the case, not the case to queues.",
            "full": "swarmbot opens a swarm for a customer case, pulls in the people with the "
                    "right skills, keeps one owner with the customer, hands off warmly and "
                    "credits everyone who helped. Message it `help` to start."},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [{"botId": app_id, "scopes": SCOPES, "supportsFiles": False,
                  "isNotificationOnly": False,
                  "commandLists": [{"scopes": SCOPES, "commands": commands}]}],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host],
    }


def build_package(app_id: str, url: str, rename: dict[str, str] | None = None, *,
                  privacy_url: str = "", terms_url: str = "") -> bytes:
    data = manifest(app_id, url, registry_summaries(), rename, privacy_url=privacy_url,
                    terms_url=terms_url)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(data, indent=2))
        zf.writestr("color.png", color_icon())
        zf.writestr("outline.png", outline_icon())
    return buf.getvalue()
