"""The digest page in headless Chromium, served by the real aiohttp app on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import ClientSession

from bot.digest.links import signed_path
from bot.digest.page import CHARTS
from testkit.loopback import serve
from tests.digest.script import Script
from tests.digest.test_metrics import build_two_weeks
from tests.digest.test_page import SECRET, app_for, marks

CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.chromium,
    # In CI (.ci/run installs chromium) a missing browser is a failure, never a skip.
    pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                       reason="Debian's chromium is not installed here "
                       "(apt-get install chromium; CI's .ci/run installs it)"),
]


async def chromium(profile: Path, *args: str) -> str:
    assert CHROMIUM is not None, "chromium is not installed: .ci/run installs it"
    proc = await asyncio.create_subprocess_exec(
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=90)
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode()


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[str, Script]]:
    s = Script(tmp_path)
    await build_two_weeks(s)
    runner, url = await serve(app_for(s))
    yield url, s
    await runner.cleanup()
    s.close()


async def test_the_page_loads_and_every_chart_renders(served: tuple[str, Script],
                                                      tmp_path: Path) -> None:
    base, s = served
    url = base + signed_path(SECRET, "2026-W46", s.clock.now, hours=1)
    dom = await chromium(tmp_path / "profile", "--dump-dom", url)
    assert "<h1>Swarm digest 2026-W46</h1>" in dom
    for chart in CHARTS:
        assert marks(dom, chart) > 0, f"{chart} drew nothing"
    assert marks(dom, "chart-per-day") == 14 and marks(dom, "chart-mood") == 6
    shot = tmp_path / "digest.png"
    await chromium(tmp_path / "profile2", f"--screenshot={shot}", "--window-size=900,2600",
                   "--hide-scrollbars", url)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


async def test_a_bad_or_expired_link_is_refused(served: tuple[str, Script],
                                                tmp_path: Path) -> None:
    base, s = served
    expired = base + signed_path(SECRET, "2026-W46", s.clock.now - timedelta(hours=3), hours=1)
    forged = base + signed_path("not-the-secret", "2026-W46", s.clock.now, hours=1)
    for url in (expired, forged):
        dom = await chromium(tmp_path / "profile", "--dump-dom", url)
        assert "not valid or has expired" in dom and 'class="mark"' not in dom
        async with ClientSession() as http, http.get(url) as resp:
            assert resp.status == 403
