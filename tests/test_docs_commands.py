"""The docs' shell blocks marked `<!-- run by tests/test_docs_commands.py -->` run as a
reader would type them, page by page: one bash, the page's blocks in order (so an `export`
carries on to the next block), in a fresh folder holding config.example.toml, with the
placeholders a reader fills in filled in and `[--optional flags]` given. Each must exit 0;
then what it made is checked. The pages: docs/configuration.md, docs/digest.md,
docs/install-slack.md, docs/install-teams.md."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO
from tests.docs_blocks import Block, blocks

ME = "tests/test_docs_commands.py"
PLACEHOLDERS = {
    "<Microsoft App ID>": "00000000-0000-0000-0000-0000000000a1",
    "<tenant id>": "00000000-0000-0000-0000-0000000000b2",
    "<client secret value>": "not-a-real-secret",
    "<your host>": "swarmbot.example.com",
    "<your privacy statement>": "swarmbot.example.com/privacy",
    "<your terms>": "swarmbot.example.com/terms",
}


def marked_here(page: str) -> list[Block]:
    return [b for b in blocks(REPO / page) if b.run_by == ME]


def as_typed(block: Block) -> str:
    text = block.text
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    left = re.findall(r"<[A-Za-z][^<>]*>", text)
    assert not left, f"{block.page}:{block.line}: add {left} to PLACEHOLDERS"
    return re.sub(r"\[(--[^\[\]]*)\]", r"\1", text)  # [--hours 168] -> --hours 168


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_page(page: str, tmp_path: Path, *, has_config: bool = False,
             secrets: dict[str, str] | None = None,
             exit_status: int = 0) -> subprocess.CompletedProcess[str]:
    """`has_config`: the reader has a config.toml already (the example's); `secrets`: the
    environment variables the reader exported following another page."""
    found = marked_here(page)
    assert found, f"{page} has no block marked as run by {ME}"
    example = (REPO / "config.example.toml").read_text(encoding="utf-8")
    # The example's port may be taken on a shared machine; `check` would rightly say so.
    example, n = re.subn(r"^port = 3000$", f"port = {free_port()}", example, flags=re.M)
    assert n == 1
    (tmp_path / "config.example.toml").write_text(example, encoding="utf-8")
    if has_config:
        (tmp_path / "config.toml").write_text(example, encoding="utf-8")
    script = "set -euo pipefail\n" + "\n".join(as_typed(b) for b in found)
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "HOME": str(tmp_path), "LANG": "C.UTF-8", **(secrets or {})}
    proc = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=240)
    assert proc.returncode == exit_status, (
        f"{page}:\n{script}\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    assert "Traceback" not in proc.stdout + proc.stderr
    return proc


SLACK_SECRETS = {"SLACK_BOT_TOKEN": "xoxb-1-2-x", "SLACK_SIGNING_SECRET": "x"}


def test_configuration_copy_the_example_and_check_it(tmp_path: Path) -> None:
    proc = run_page("docs/configuration.md", tmp_path, secrets=SLACK_SECRETS)
    assert (tmp_path / "config.toml").is_file()
    assert proc.stdout.startswith("config.toml: OK (adapters: slack, teams;"), proc.stdout


def test_configuration_check_names_every_missing_secret_in_one_line(tmp_path: Path) -> None:
    proc = run_page("docs/configuration.md", tmp_path, exit_status=2)
    assert proc.stderr == ("swarmbot: environment variables SLACK_BOT_TOKEN, "
                           "SLACK_SIGNING_SECRET not set (needed by [slack])\n")


def test_install_in_slack(tmp_path: Path) -> None:
    proc = run_page("docs/install-slack.md", tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["event_subscriptions"]["request_url"] == (
        "https://swarmbot.example.com/slack/events")
    assert "config.toml: OK" in proc.stdout


def test_install_in_teams(tmp_path: Path) -> None:
    proc = run_page("docs/install-teams.md", tmp_path)
    with zipfile.ZipFile(tmp_path / "swarmbot-teams.zip") as package:
        manifest = json.loads(package.read("manifest.json"))
    assert manifest["bots"][0]["botId"] == PLACEHOLDERS["<Microsoft App ID>"]
    assert "single-tenant" in proc.stdout + proc.stderr, proc.stdout + proc.stderr


def test_the_digest_from_the_demo(tmp_path: Path) -> None:
    proc = run_page("docs/digest.md", tmp_path, has_config=True)
    out = proc.stdout
    assert re.search(r"https://swarmbot\.example\.com/digest/2026-W46\?exp=\d+&sig=[0-9a-f]{64}",
                     out), out[-500:]
    week = json.loads(out[out.index("\n{") + 1:out.rindex("}") + 1])
    assert week["week"] == "2026-W46" and week["timezone"] == "Europe/Berlin"
