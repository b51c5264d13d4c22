"""`swarmbot check --config FILE [--online]` against the fake Slack Web API."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.cli import main
from testkit.slack.fake_slack import TOKEN, FakeSlack
from testkit.slack.signing import SIGNING_SECRET


def _config(tmp_path: Path, api_url: str) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[server]\nport = 3999\npublic_url = "https://bot.example"\n'
                   f'[store]\npath = "{tmp_path / "swarmbot.db"}"\n'
                   f'[slack]\napi_url = "{api_url}"\ntriage_channel = "#swarm-triage"\n')
    return cfg


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)


async def _main(argv: list[str]) -> int:
    import asyncio

    # `check --online` runs its own event loop, as it does from the command line.
    return await asyncio.get_running_loop().run_in_executor(None, main, argv)


async def test_check_online_accepts_a_working_config(tmp_path: Path, fake_slack: FakeSlack,
                                                     api_url: str, secrets: None, capsys):
    fake_slack.add_channel("swarm-triage")
    cfg = _config(tmp_path, api_url)
    assert await _main(["check", "--config", str(cfg)]) == 0
    assert fake_slack.calls_to("auth.test") == []  # offline: no call at all
    assert await _main(["check", "--config", str(cfg), "--online"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"{cfg}: OK (adapters: slack; store {tmp_path / 'swarmbot.db'}; "
                      "listens on 127.0.0.1:3999)")
    assert out[1].endswith("and the platforms accepted its tokens")
    assert len(fake_slack.calls_to("auth.test")) == 1
    assert not (tmp_path / "swarmbot.db").exists()  # checking opens no store


async def test_check_online_names_a_refused_token_and_an_unknown_channel(
        tmp_path: Path, fake_slack: FakeSlack, api_url: str, secrets: None, monkeypatch,
        capsys):
    cfg = _config(tmp_path, api_url)
    assert await _main(["check", "--config", str(cfg), "--online"]) == 2
    assert capsys.readouterr().err == ("swarmbot: [slack] triage_channel #swarm-triage: no such "
                                       "channel the bot can see (for a private channel, invite "
                                       "the bot first)\n")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked")
    assert await _main(["check", "--config", str(cfg), "--online"]) == 2
    assert capsys.readouterr().err == "swarmbot: Slack refused SLACK_BOT_TOKEN: invalid_auth\n"
