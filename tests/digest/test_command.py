"""`digest [YYYY-Www]` in chat: managers only, default the last complete week, a signed link."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.replies import Tone
from tests.conftest import handle
from tests.digest.script import Script
from tests.digest.test_metrics import build_two_weeks


@pytest.fixture
async def script(tmp_path: Path) -> Script:
    s = Script(tmp_path)
    await build_two_weeks(s)
    return s


async def ask(s: Script, user: str, text: str) -> list:
    return await handle(s.core, "fake", user, text)


async def test_a_manager_gets_last_weeks_digest_with_a_link(script: Script,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setenv("SWARMBOT_LINK_SECRET", "k")
    [reply] = await ask(script, "manny", "digest")
    fields = {f.label: f.value for f in reply.fields}
    assert reply.title == "Swarm digest 2026-W46" and reply.private
    assert "3 opened, 2 resolved, 2 open at week end" in fields["Swarms"]
    assert "median 7 min" in fields["Time to connect"]
    assert "1 of 2 resolved cases had more than one owner" in fields["Passed around"]
    assert fields["Most reported friction"].startswith("refunds (2)")
    assert "alice thanked carol" in fields["Recognition"]
    assert fields["Full digest"].startswith("http://127.0.0.1:3000/digest/2026-W46?exp=")
    [older] = await ask(script, "manny", "digest 2026-W45")
    assert older.title == "Swarm digest 2026-W45"
    script.close()


async def test_without_a_secret_the_reply_says_why_there_is_no_link(
        script: Script, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SWARMBOT_LINK_SECRET", raising=False)
    [reply] = await ask(script, "manny", "digest 2026-W46")
    assert "SWARMBOT_LINK_SECRET" in reply.text
    assert "Full digest" not in {f.label for f in reply.fields}
    script.close()


@pytest.mark.parametrize(("user", "text", "says"), [
    ("alice", "digest", "The digest is for managers"),
    ("manny", "digest 2026-46", "is not an ISO week: use YYYY-Www"),
    ("manny", "digest 2026-W46 2026-W45", "give one week at most"),
])
async def test_refusals_are_one_line(script: Script, user: str, text: str, says: str) -> None:
    [reply] = await ask(script, user, text)
    assert reply.tone is Tone.ERROR and says in reply.text and "\n" not in reply.text
    script.close()


async def test_help_lists_the_digest(script: Script) -> None:
    replies = await ask(script, "alice", "help digest")
    assert "digest" in replies[0].text.lower() or "digest" in (replies[0].title or "").lower()
    script.close()
