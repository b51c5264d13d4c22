"""docs/slack-oauth.md: its config is valid and every command it shows runs as it says."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli import main
from testkit.slack.fake_slack import CLIENT_SECRET

DOC = Path(__file__).resolve().parents[2] / "docs" / "slack-oauth.md"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_every_command_on_the_page_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    commands = [line.strip() for block in blocks("sh") for line in block.splitlines()
                if line.strip() and not line.startswith("export ")]
    assert [c.split()[0] for c in commands] == ["python", "swarmbot", "swarmbot"]
    [toml] = blocks("toml")
    (tmp_path / "config.toml").write_text(toml, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    key = subprocess.run([sys.executable, *shlex.split(commands[0])[1:]], check=True,
                         capture_output=True, text=True).stdout.strip()
    for name in re.findall(r"^export (\w+)=", blocks("sh")[0], re.M):
        monkeypatch.setenv(name, {"SWARMBOT_TOKEN_KEY": key,
                                  "SLACK_CLIENT_SECRET": CLIENT_SECRET}.get(name, "x"))
    assert main(shlex.split(commands[1])[1:]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://swarmbot.example.com/slack/oauth_redirect"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(
        manifest["settings"]["event_subscriptions"]["bot_events"])
    assert main(shlex.split(commands[2])[1:]) == 0
    assert "Slack: installable by OAuth at https://swarmbot.example.com/slack/install" in \
        capsys.readouterr().out


def test_the_readme_links_the_page() -> None:
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "(docs/slack-oauth.md)" in readme
