"""`swarmbot teams-package` writes a zip Teams accepts: manifest, 192px colour, 32px outline."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from adapters.cli import main
from adapters.teams import package
from handlers.commands import all_commands

APP_ID = "00000000-0000-0000-0000-0000000000b0"


LEGAL = ["--privacy-url", "https://example.com/privacy", "--terms-url",
         "https://example.com/terms"]

def read_png(data: bytes) -> tuple[int, int, bytes]:
    """Parse our PNG back (checks signature, chunk CRCs, IHDR) -> width, height, raw rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size = 8, b"", (0, 0)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6)
            size = (w, h)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return size[0], size[1], zlib.decompress(idat)


def test_the_command_writes_a_valid_package(tmp_path: Path) -> None:
    out = tmp_path / "app.zip"
    assert main(["teams-package", "--app-id", APP_ID, "--url", "https://bot.example.com/",
                 "--out", str(out), *LEGAL]) == 0
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(zf.read("manifest.json"))
        color, outline = zf.read("color.png"), zf.read("outline.png")
    assert manifest["manifestVersion"] == package.MANIFEST_VERSION
    assert manifest["$schema"].endswith(f"v{package.MANIFEST_VERSION}/MicrosoftTeams.schema.json")
    bot = manifest["bots"][0]
    assert bot["botId"] == APP_ID and set(bot["scopes"]) == {"personal", "team", "groupChat"}
    commands = bot["commandLists"][0]["commands"]
    titles = [c["title"] for c in commands]
    assert titles[:3] == ["open", "need", "join"] and len(titles) == 10
    registry = {c.name: c.summary for c in all_commands()}
    assert all(c["description"] == registry[c["title"]][:128] for c in commands)
    assert manifest["validDomains"] == ["bot.example.com"]
    assert manifest["developer"]["privacyUrl"] == "https://example.com/privacy"
    assert manifest["developer"]["termsOfUseUrl"] == "https://example.com/terms"
    w, h, rows = read_png(color)
    assert (w, h) == (192, 192) and len(rows) == 192 * (1 + 192 * 4)
    w, h, rows = read_png(outline)
    assert (w, h) == (32, 32)
    # The outline icon is white on transparent: every pixel is either.
    pixels = {rows[y * 129 + 1 + x * 4: y * 129 + 5 + x * 4] for y in range(32) for x in range(32)}
    assert pixels == {b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"}


def test_renamed_commands_show_as_the_team_calls_them() -> None:
    m = package.manifest(APP_ID, "https://bot.example.com", {"open": "Open", "help": "Help"},
                         rename={"open": "start"}, privacy_url="https://example.com/privacy",
                         terms_url="https://example.com/terms")
    assert [c["title"] for c in m["bots"][0]["commandLists"][0]["commands"]] == ["start", "help"]


@pytest.mark.parametrize("app_id,url,legal,out", [
    ("not-a-guid", "https://bot.example.com", LEGAL, "x.zip"),
    (APP_ID, "http://bot.example.com", LEGAL, "x.zip"),
    (APP_ID, "bot.example.com", LEGAL, "x.zip"),
    (APP_ID, "https://bot.example.com", [], "x.zip"),  # no privacy/terms URLs
    (APP_ID, "https://bot.example.com", LEGAL[:2], "x.zip"),  # no terms URL
    (APP_ID, "https://bot.example.com", ["--privacy-url", "example.com/p", *LEGAL[2:]],
     "x.zip"),
    (APP_ID, "https://bot.example.com", LEGAL, "nonexistent/x.zip")])
def test_bad_arguments_are_one_clear_line(app_id: str, url: str, legal: list[str], out: str,
                                          tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["teams-package", "--app-id", app_id, "--url", url,
                 "--out", str(tmp_path / out), *legal])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("swarmbot: ") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / out).exists()
