"""The shell's own rooms: a whole ChatPort (no fake underneath), names kept unique across
runs, and a silent variant that prints nothing (the demo's)."""

from __future__ import annotations

import inspect

import pytest

from adapters.shell.port import ShellChatPort
from bot.ports import ChatPort, MessageUpdater
from bot.replies import Reply


def test_the_shell_port_is_a_whole_chat_port() -> None:
    port = ShellChatPort()
    assert isinstance(port, MessageUpdater)
    for name in ChatPort.__annotations__:
        assert hasattr(port, name), name
    for name, _ in inspect.getmembers(ChatPort, inspect.isfunction):
        if not name.startswith("_"):
            assert inspect.iscoroutinefunction(getattr(port, name)), name


async def test_rooms_print_and_names_stay_free_of_earlier_runs() -> None:
    out: list[str] = []
    port = ShellChatPort(out=out.append, known_rooms={"swarm-zd-1"})
    room = await port.create_room("swarm-zd-1", "Acme")
    assert room.name == "swarm-zd-1-2"
    assert await port.find_room("swarm-zd-1-2") == room
    first = await port.post(room.id, Reply(text="hello"))
    second = await port.post(room.id, Reply(text="again"))
    assert first != second
    assert out == ["[#swarm-zd-1-2] (room created; topic: Acme)",
                   "[#swarm-zd-1-2] swarmbot: hello", "[#swarm-zd-1-2] swarmbot: again"]


async def test_the_silent_port_keeps_rooms_and_prints_nothing(
        capsys: pytest.CaptureFixture[str]) -> None:
    port = ShellChatPort.silent(triage_room="triage")
    room = await port.create_room("swarm-zd-2", "topic")
    await port.invite(room.id, ["bob"])
    await port.post(room.id, Reply(text="hello"))
    await port.direct_message("bob", Reply(text="hi"))
    await port.archive(room.id)
    assert await port.find_room("swarm-zd-2") == room
    assert port.triage_room == "triage" and capsys.readouterr().out == ""
