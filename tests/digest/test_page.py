"""The digest page: served only through a signed, unexpired link; every chart has its marks."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.digest.links import signature, signed_path, verify
from bot.digest.page import CHARTS
from bot.web.digest_page import add_digest_routes
from tests.digest.script import Script
from tests.digest.test_metrics import build_two_weeks

SECRET = "test-link-secret"


@pytest.fixture
async def script(tmp_path: Path) -> AsyncIterator[Script]:
    s = Script(tmp_path)
    await build_two_weeks(s)
    yield s
    s.close()


def app_for(script: Script, env: dict[str, str] | None = None) -> web.Application:
    app = web.Application()
    add_digest_routes(app, script.core, env={"SWARMBOT_LINK_SECRET": SECRET}
                      if env is None else env)
    return app


def marks(html: str, chart_id: str) -> int:
    m = re.search(rf'<svg id="{chart_id}".*?</svg>', html, re.S)
    assert m, f"no chart {chart_id}"
    return m.group(0).count('class="mark"')


@pytest.fixture
async def client(script: Script) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(app_for(script), host="127.0.0.1")) as c:
        yield c


async def test_a_signed_link_shows_the_page_with_every_chart(client: TestClient,
                                                             script: Script) -> None:
    resp = await client.get(signed_path(SECRET, "2026-W46", script.clock.now, hours=1))
    assert resp.status == 200 and resp.content_type == "text/html"
    assert "no-store" in resp.headers["Cache-Control"]
    html = await resp.text()
    assert "Swarm digest 2026-W46" in html and "<script" not in html
    for chart in CHARTS:
        assert marks(html, chart) > 0, chart
    assert marks(html, "chart-friction") == 2 and marks(html, "chart-pairs") == 3
    assert "found the duplicate invoice" in html and "three approvals for 20 EUR" in html


@pytest.mark.parametrize("mangle", ["bad-sig", "expired", "no-sig", "other-week", "no-exp"])
async def test_anything_but_a_valid_link_is_403(client: TestClient, script: Script,
                                                mangle: str) -> None:
    now = script.clock.now
    exp = int(now.timestamp()) + 600
    good = signature(SECRET, "2026-W46", exp)
    url = {"bad-sig": f"/digest/2026-W46?exp={exp}&sig={'0' * 64}",
           "expired": signed_path(SECRET, "2026-W46", now - timedelta(hours=2), hours=1),
           "no-sig": f"/digest/2026-W46?exp={exp}",
           "other-week": f"/digest/2026-W45?exp={exp}&sig={good}",
           "no-exp": f"/digest/2026-W46?sig={good}"}[mangle]
    resp = await client.get(url)
    assert resp.status == 403
    assert "not valid or has expired" in await resp.text()


async def test_other_digest_paths_are_403(client: TestClient) -> None:
    for path in ("/digest", "/digest/", "/digest/2026-W46/extra", "/digest/2026-W46.json"):
        assert (await client.get(path)).status == 403, path
    assert (await client.post("/digest/2026-W46")).status in (403, 405)


async def test_without_a_secret_every_page_is_403(script: Script) -> None:
    async with TestClient(TestServer(app_for(script, env={}), host="127.0.0.1")) as c:
        resp = await c.get(signed_path(SECRET, "2026-W46", script.clock.now))
        assert resp.status == 403


def test_verify_rejects_tampering(script: Script) -> None:
    now = script.clock.now
    exp = str(int(now.timestamp()) + 60)
    sig = signature(SECRET, "2026-W46", int(exp))
    assert verify(SECRET, "2026-W46", exp, sig, now)
    assert not verify(SECRET, "2026-W46", str(int(exp) + 1), sig, now)
    assert not verify("other", "2026-W46", exp, sig, now)
    assert not verify(None, "2026-W46", exp, sig, now)
    assert not verify(SECRET, "2026-W46", "-1", sig, now)


async def test_a_case_journey_chart_behind_a_signed_link(client: TestClient,
                                                         script: Script) -> None:
    from bot.digest.links import case_subject

    store = script.core.deps.store
    ref = next(c.ref for c in store.cases.all() if store.journal.touchpoints(c.id))
    now = script.clock.now
    resp = await client.get(signed_path(SECRET, case_subject(ref), now, hours=1))
    assert resp.status == 200 and "no-store" in resp.headers["Cache-Control"]
    html = await resp.text()
    assert f"Journey of {ref}" in html and "<script" not in html
    assert marks(html, "chart-journey") >= 1
    # a week's link does not open a case, nor a case's link another case
    exp = int(now.timestamp()) + 600
    assert (await client.get(f"/digest/case/{ref}?exp={exp}&sig="
                             f"{signature(SECRET, '2026-W46', exp)}")).status == 403
    other = signed_path(SECRET, case_subject("ZZ-1"), now).replace("ZZ-1", ref)
    assert (await client.get(other)).status == 403
    gone = await client.get(signed_path(SECRET, case_subject("NOPE-1"), now))
    assert gone.status == 404
