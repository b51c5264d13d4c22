"""GET /digest/YYYY-Www (the digest page) and /digest/case/<ref> (a case's journey chart),
only through a signed, unexpired link."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from aiohttp import web

from bot import tenancy
from bot.config import Config
from bot.digest.links import case_subject, link_secret, verify, workspace_subject
from bot.digest.metrics import compute_digest_off_loop
from bot.digest.page import render_page
from bot.digest.weeks import BadInput, parse_week
from bot.services.base import Deps
from bot.web.case_page import render_case_page

log = logging.getLogger("swarmbot.digest")

FORBIDDEN = ("This digest link is not valid or has expired. Ask swarmbot for a fresh one "
             "(the `digest` command).\n")
_HEADERS = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    # Everything is inline and nothing is fetched: the page works offline and loads no script.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "img-src data:",
}


def _forbidden() -> web.Response:
    return web.Response(status=403, text=FORBIDDEN, headers=_HEADERS)


class HasDeps(Protocol):
    deps: Deps

    @property
    def config(self) -> Config: ...


def add_digest_routes(app: web.Application, core: HasDeps,
                      env: Mapping[str, str] | None = None) -> None:
    secret = link_secret(env)
    if secret is None:
        log.warning("SWARMBOT_LINK_SECRET is not set: every /digest page answers 403")

    async def page(request: web.Request) -> web.Response:
        week = request.match_info["week"]
        now = core.deps.now()
        # One workspace's page (links made in a workspace, bot/digest/links.py): `ws` is
        # signed with the week, so the link shows that workspace's figures and no other's.
        team, org = request.query.get("ws"), request.query.get("org", "")
        subject = week if team is None else workspace_subject(week, team, org)
        if not verify(secret, subject, request.query.get("exp"), request.query.get("sig"),
                      now) or team == "":
            return _forbidden()
        try:
            parsed = parse_week(week, core.config.digest.timezone)
        except BadInput as err:  # only a link we signed gets here, so this is our bug
            raise web.HTTPNotFound(text=f"{err}\n") from None
        with tenancy.scoped(tenancy.of(team or "", org)):
            digest = await compute_digest_off_loop(core.deps.store, parsed, now)
        return web.Response(text=render_page(digest), content_type="text/html",
                            headers=_HEADERS)

    async def case_page(request: web.Request) -> web.Response:
        ref, workspace = request.match_info["ref"], request.match_info.get("workspace", "")
        now = core.deps.now()
        if not verify(secret, case_subject(ref, workspace), request.query.get("exp"),
                      request.query.get("sig"), now):
            return _forbidden()
        # The case of the workspace the link names (a ref is unique per workspace).
        with tenancy.scoped(tenancy.of(workspace)):
            case = core.deps.store.cases.by_ref(ref)
            if case is None:  # signed by us, since erased
                raise web.HTTPNotFound(text=f"No case {ref}.\n")
            text = render_case_page(core.deps, case, now)
        return web.Response(text=text, content_type="text/html", headers=_HEADERS)

    async def forbidden(_: web.Request) -> web.Response:
        return _forbidden()

    app.router.add_get("/digest/case/{ref}", case_page)
    app.router.add_get("/digest/case/{workspace}/{ref}", case_page)
    app.router.add_get("/digest/{week}", page)
    app.router.add_route("*", "/digest", forbidden)
    app.router.add_route("*", "/digest/{tail:.*}", forbidden)
