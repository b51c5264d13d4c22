"""Hypothesis over the command language (issue 9): whatever a person types into
`Entrance.receive(Typed(...))`, the answer is replies, never an error id (a bug); whatever
bytes reach the shell, it answers and carries on, never crashes.

4,500 examples here (with tests/faults/test_fuzz_parsers.py's 10,500 over the request
parsers), derandomized so CI runs the same ones every time; a few seconds each.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.bootstrap import build_core
from adapters.shell.port import ShellChatPort
from adapters.shell.render import mentions_in
from adapters.shell.repl import Shell, read_lines
from bot.config import Config
from handlers.commands import all_commands
from handlers.delivery import Delivery, Sender, Typed
from handlers.entrance import Entrance
from testkit.fake_port import FakeChatPort

NAMES = sorted(c.name for c in all_commands())
# Words that reach the interesting branches: refs that exist and don't, people, options,
# severities, numbers past 2^63, times, moods, quotes left open, control characters.
WORDS = st.sampled_from(
    NAMES + ["ZD-1", "ZD-2", "ZD-404", "zd-1", "@bob", "@alice", "@", "sev1", "sev9",
             "customer=\"Acme", "tried=\"x\"", "skills=sso", "delight=", "because",
             "99999999999999999999", "-1", "0", "17:00", "tomorrow", "2026-W47", "angry",
             "kept", "lost", "high", "mine", "all", "add", "remove", "sso", "billing:",
             "\x1b[31m", "\u202e", "\x00", "…", "\"", "=", "&", "%", "payload="])
typed = st.lists(WORDS | st.text(max_size=12), max_size=8).map(" ".join)


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


def _core(tmp_path: Path, port: FakeChatPort) -> Entrance:
    cfg = Config()
    cfg.store.path = str(tmp_path / "fuzz.db")
    cfg.people.managers = ["manny"]
    return build_core(cfg, {port.platform: port})


def test_nothing_typed_gives_an_error_id(tmp_path: Path) -> None:
    core = _core(tmp_path, FakeChatPort(platform="fake"))
    loop = asyncio.new_event_loop()

    def say(user: str, text: str):
        return loop.run_until_complete(core.receive(Delivery(
            source="fake", sender=Sender(user), what=Typed(mentions_in(text)))))

    say("alice", "open ZD-1 sev2 customer=\"Acme\" first case")
    say("alice", "open ZD-2 second case")
    say("bob", "join ZD-1")
    seen = {"n": 0}

    @fuzz(2500)
    @given(user=st.sampled_from(["alice", "bob", "manny", "carol"]), text=typed)
    def run(user: str, text: str) -> None:
        outcome = say(user, text)
        seen["n"] += 1
        for reply in outcome.replies:
            assert "error id" not in reply.text, (text, reply.text)

    try:
        run()
    finally:
        loop.close()
        core.close()
    assert seen["n"] >= 1000  # hypothesis really ran them


def test_the_shell_takes_any_bytes(tmp_path: Path) -> None:
    port = ShellChatPort(slash="/swarm", triage_room="swarm-triage")
    core = _core(tmp_path, port)
    out: list[str] = []
    shell = Shell(core, port, out=out.append)
    loop = asyncio.new_event_loop()
    prefixes = st.sampled_from([b"", b"/swarm ", b"@bob ", b"#swarm-zd-1 ", b"/", b"@", b"#"])

    @fuzz(2000)
    @given(head=prefixes, body=st.binary(max_size=40))
    def run(head: bytes, body: bytes) -> None:
        source = io.BytesIO(head + body + b"\n")
        while True:
            text, more = read_lines(source, False, shell.prompt)
            if not more:
                break
            if text is None:
                continue  # the shell says "not UTF-8" and goes on (tests/shell)
            before = len(out)
            loop.run_until_complete(shell.line(text))
            assert not any("error id" in line for line in out[before:]), (head + body, out)

    try:
        run()
    finally:
        loop.close()
        core.close()
