"""Every broken config is one line on stderr and exit 2, for every verb, in a real process.

Each case is fed to each verb it concerns (`swarmbot serve`, `shell`, `export`, `digest`,
`check`) as a subprocess: exactly one line starting `swarmbot: `, exit 2, no traceback,
nothing served. The processes run a few at a time (each is mostly Python's start-up).
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.store import open_store
from testkit.loopback import free_port
from tests.conftest import REPO

VERBS = ("serve", "shell", "export", "digest", "check")
SECRETS = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


@dataclass
class Case:
    name: str
    toml: str  # gets [server] on a free port and [store] if it has none
    verbs: tuple[str, ...]
    expected: str | dict[str, str]  # in the one line (per verb where it differs)
    env: dict[str, str] | None = None  # default: the Slack secrets are set
    config_is_folder: bool = False


SLACK = '[slack]\napi_url = "http://127.0.0.1:9/api/"\n'
CASES = [
    Case("bad timezone", '[digest]\ntimezone = "Europe/Atlantis"\n' + SLACK, VERBS,
         "unknown time zone 'Europe/Atlantis'"),
    Case("weekday funday", '[digest]\nweekday = "funday"\n' + SLACK, VERBS,
         "[digest] weekday 'funday' is not a day name"),
    Case("bad digest time", '[digest]\ntime = "25:00"\n' + SLACK, VERBS,
         "[digest] time '25:00' is not HH:MM"),
    Case("port 70000", "[server]\nport = 70000\n" + SLACK, ("serve", "check"),
         "[server] port 70000 is not a TCP port: use 1 to 65535"),
    Case("store in a missing folder", SLACK, VERBS,
         {"serve": "folder /nonexistent/dir does not exist", "shell": "does not exist",
          "check": "does not exist", "export": "no database at /nonexistent/dir/x.db",
          "digest": "no database at /nonexistent/dir/x.db"}),
    Case("--config is a folder", "", VERBS, "is a folder: give the config file",
         config_is_folder=True),
    Case("every missing secret at once", SLACK, ("serve", "check"),
         "environment variables SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET not set", env={}),
    Case("empty [teams]", "[teams]\n", ("serve", "check"), "[teams] swarm_channel_id is empty"),
    Case("in_flight 0", "[server]\nin_flight = 0\n" + SLACK, ("serve", "check"),
         "[server] in_flight must be at least 1"),
    Case("public_url without a scheme", '[server]\npublic_url = "example.com"\n' + SLACK,
         ("serve", "check"), "[server] public_url 'example.com' is not a URL"),
    Case("unknown command renamed", '[commands]\nrename = { nosuch = "x" }\n' + SLACK, VERBS,
         "[commands] rename names unknown commands: nosuch"),
    Case("unknown key", "[store]\nfolder = 'x'\n", VERBS, "unknown key [config.store] folder"),
]


async def _run(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", *args, cwd=REPO, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def _base_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "Microsoft", "SWARMBOT_"))}
    return {**env, **extra}


def _write_cases(tmp_path: Path) -> list[tuple[Case, str, list[str], dict[str, str]]]:
    """(case, verb, argv, env) for every case and every verb it concerns."""
    db = tmp_path / "swarmbot.db"
    open_store(db).close()
    jobs = []
    for n, case in enumerate(CASES):
        path = tmp_path / f"case{n}.toml"
        store = "/nonexistent/dir/x.db" if "missing folder" in case.name else str(db)
        body = case.toml
        if "[server]" not in body:
            body = f"[server]\nhost = \"127.0.0.1\"\nport = {free_port()}\n" + body
        if "[store]" not in body:
            body += f'[store]\npath = "{store}"\n'
        path.write_text(body)
        config = str(tmp_path) if case.config_is_folder else str(path)
        env = _base_env(SECRETS if case.env is None else case.env)
        jobs += [(case, verb, [verb, "--config", config], env) for verb in case.verbs]
    return jobs


def _failure(case: Case, verb: str, code: int, out: str, err: str) -> str | None:
    lines = err.strip().splitlines()
    expected = case.expected[verb] if isinstance(case.expected, dict) else case.expected
    ok = (code == 2 and len(lines) == 1 and lines[0].startswith("swarmbot: ")
          and expected in lines[0] and "Traceback" not in err and out == ""
          and "serving" not in err)
    return None if ok else f"{case.name} / {verb}: exit {code}, stderr {err!r}"


def test_each_broken_config_is_one_line_and_exit_2_for_each_verb(tmp_path: Path, capsys,
                                                                  monkeypatch):
    """The whole matrix through the CLI's own `main` (a process each would cost ~1 s of
    CPU per run, mostly imports); the next test runs each case in a real process."""
    from adapters.cli import main

    jobs = _write_cases(tmp_path)
    failures = []
    for case, verb, argv, env in jobs:
        for name in [k for k in os.environ if k.startswith(("SLACK_", "Microsoft"))]:
            monkeypatch.delenv(name)
        for name, value in env.items():
            if name.startswith(("SLACK_", "Microsoft")):
                monkeypatch.setenv(name, value)
        code = main(argv)
        out, err = capsys.readouterr()
        failures.append(_failure(case, verb, code, out, err))
    assert [f for f in failures if f] == []
    assert len(jobs) >= 40


async def test_each_broken_config_in_a_real_process(tmp_path: Path):
    """Each case once as a subprocess, the verbs taken in turn so that all five are run."""
    jobs = _write_cases(tmp_path)
    picked, seen, turn = [], set(), 0
    for case in CASES:
        verbs = {j[1]: j for j in jobs if j[0] is case}
        job = verbs.get(VERBS[turn % len(VERBS)]) or list(verbs.values())[0]
        turn += job[1] == VERBS[turn % len(VERBS)]
        picked.append(job)
        seen.add(job[1])
    assert seen == set(VERBS)
    limit = asyncio.Semaphore(2)

    async def one(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
        async with limit:
            return await _run(argv, env)

    results = await asyncio.gather(*(one(argv, env) for _, _, argv, env in picked))
    failures = [_failure(case, verb, *result)
                for (case, verb, _, _), result in zip(picked, results, strict=True)]
    assert [f for f in failures if f] == []


async def test_every_problem_of_a_config_is_reported_at_once(tmp_path: Path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[server]\nport = 70000\n[digest]\nweekday = "funday"\n'
                   'timezone = "Europe/Atlantis"\n[store]\npath = "/nonexistent/dir/x.db"\n'
                   "[slack]\n[teams]\n")
    code, _, err = await _run(["serve", "--config", str(cfg)], _base_env({}))
    lines = err.strip().splitlines()
    assert code == 2 and "Traceback" not in err
    assert [line.split(":")[1].strip()[:16] for line in lines] == [
        "[digest] weekday", "[digest] timezon", "[store] path /no", "[server] port 70",
        "[teams] swarm_ch", "environment vari"], lines


async def test_a_port_in_use_is_one_line_before_anything_starts(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cfg = tmp_path / "config.toml"
        cfg.write_text(f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
                       f'[store]\npath = "{tmp_path / "x.db"}"\n{SLACK}')
        code, out, err = await _run(["serve", "--config", str(cfg)], _base_env(SECRETS))
    assert code == 2 and out == ""
    assert err.strip() == (f"swarmbot: 127.0.0.1:{port} is in use by another process "
                           "(change [server] host/port or --port)")
    # Refused before start-up: Slack (unreachable here) was never called, no store created.
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("verb", ["export", "digest"])
async def test_reading_verbs_refuse_a_database_that_is_not_there(tmp_path: Path, verb: str):
    code, out, err = await _run([verb, "--db", str(tmp_path / "nothere.db")], _base_env({}))
    assert code == 2 and out == ""
    assert err.startswith(f"swarmbot: no database at {tmp_path / 'nothere.db'}")
    assert not (tmp_path / "nothere.db").exists()
