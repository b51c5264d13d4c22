"""The weekly digest, promise reminders and nudges (bot/nudges.py), on a clock.

`Scheduler.tick(now)` does whatever is due at `now` and returns one line per thing done,
so tests drive it with a fake clock and no sleeps. Once-only is kept by the store, not by
memory: a digest is recorded in `sent` before it goes out (a restart never sends it twice)
and un-recorded if the platform refuses (the next tick tries again); a reminder likewise
through `promises.reminded_at`. A bot that was down at the scheduled time sends the
latest missed digest at its first tick (older missed weeks stay on the web page).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot import i18n, tenancy
from bot.availability import PresenceReader
from bot.config import DigestConfig
from bot.digest import managers, workspace_managers
from bot.digest.deliver import digest_reply, post_digest
from bot.digest.links import digest_link
from bot.digest.managers import WEEKDAYS, clock_time, due_week_at
from bot.digest.metrics import compute_digest_off_loop
from bot.digest.weeks import BadInput, Week, parse_zone
from bot.domain import iso, parse_iso
from bot.errors import ConfigError, PortError
from bot.i18n import _, shared
from bot.metrics import DIGESTS_SENT, REMINDERS_SENT
from bot.nudges import Nudger
from bot.replies import Button, Reply
from bot.services import asks, followers
from bot.services.base import Deps
from bot.services.erasure import apply_retention, prune_inbox
from bot.services.outbox import drain
from bot.timeparse import local_text

log = logging.getLogger("swarmbot.scheduler")
REMIND_BEFORE = timedelta(minutes=15)


@dataclass(frozen=True)
class Destination:
    platform: str
    target: str  # a room id, or a person id for a direct message
    direct: bool
    # A manager's workspace, where one deployment serves several: the digest they get is
    # that workspace's figures only (bot/tenancy.py); '' for the deployment's.
    workspace: str = ""

    @property
    def key(self) -> str:
        return f"{self.platform}:{'dm:' if self.direct else ''}{self.target}"


def schedule_problems(cfg: DigestConfig) -> list[str]:
    """What is wrong with the [digest] schedule, one line each (checked before start-up)."""
    problems = []
    if cfg.weekday.lower() not in WEEKDAYS:
        problems.append(f"[digest] weekday {cfg.weekday!r} is not a day name "
                        f"({', '.join(WEEKDAYS)})")
    try:
        _clock_time(cfg.time)
    except ValueError:
        problems.append(f"[digest] time {cfg.time!r} is not HH:MM (24-hour, e.g. \"08:00\")")
    try:
        parse_zone(cfg.timezone)
    except BadInput as err:
        problems.append(f"[digest] timezone: {err}")
    return problems


_clock_time = clock_time


class Scheduler:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        problems = schedule_problems(deps.config.digest)
        if problems:
            raise ConfigError(*problems)
        self.at = _clock_time(deps.config.digest.time)
        self.nudger = Nudger(deps)  # kept: it remembers which nudges are settled

    def due_week(self, now: datetime) -> Week:
        """The week whose digest is due at `now`: the one before the latest scheduled slot."""
        cfg = self.deps.config.digest
        return due_week_at(now, cfg.weekday, self.at, cfg.timezone)

    def destinations(self) -> list[Destination]:
        """The rooms the digest is posted in, at the [digest] time and zone (each manager's
        own message is managers.py's)."""
        cfg, ports = self.deps.config.digest, self.deps.ports
        found = []
        if cfg.slack_channel:
            found.append(Destination("slack", cfg.slack_channel, False))
        if cfg.teams_channel:
            found.append(Destination("teams", cfg.teams_channel, False))
        return [d for d in found if d.platform in ports]

    def manager_platforms(self) -> dict[str, str]:
        ports, found = self.deps.ports, {}
        for manager in self.deps.config.digest.managers:
            platform = self.deps.store.people.platform_of(manager) or (
                next(iter(ports)) if len(ports) == 1 else None)
            if platform in ports:
                found[manager] = platform
            else:
                log.warning("digest: don't know which platform manager %s is on", manager)
        return found

    def recipients(self) -> list[managers.Recipient]:
        """Who gets a digest by direct message: each `[digest] managers` person (the
        figures of the workspace they are known in), and each workspace's own managers
        (bot/digest/workspace_managers.py) where one deployment serves several."""
        store = self.deps.store
        found = [managers.Recipient(m, p, f"{p}:dm:{m}", store.people.workspace_of(m))
                 for m, p in self.manager_platforms().items()]
        if workspace_managers.PLATFORM in self.deps.ports and \
                workspace_managers.serves_workspaces(self.deps.config):
            found += workspace_managers.recipients(self.deps.config, store)
        return found

    async def tick(self, now: datetime) -> list[str]:
        # What a pass writes (digests, reminders, nudges) is in the deployment's language.
        lang = self.deps.config.i18n.language
        with i18n.speaking(lang, lang):
            return await self._tick(now)

    async def _tick(self, now: datetime) -> list[str]:
        # Platform calls of commands are the outbox worker's (bot/services/outbox.py). The
        # store is read and written on threads, never on the event loop (issue 23).
        store = self.deps.store
        kept = (await asyncio.to_thread(apply_retention, store,
                                        self.deps.config.retention.days, now)
                + await asyncio.to_thread(prune_inbox, store, now))
        # Asks nobody answered go to the next expert (issue 26), through the outbox.
        asked = await asyncio.to_thread(asks.time_out, self.deps, now)
        return (await self.send_digests(now) + await self.remind(now)
                + await self.nudger.tick(now) + kept + asked)

    async def send_digests(self, now: datetime) -> list[str]:
        week = self.due_week(now)
        store, done = self.deps.store, list[str]()
        digests: dict[str, dict[str, Any]] = {}  # by workspace ('': the deployment's)
        for dest in await asyncio.to_thread(self.destinations):
            if not await asyncio.to_thread(store.sent.mark, "digest", week.label, dest.key,
                                           iso(now)):
                continue
            with tenancy.scoped(tenancy.of(dest.workspace)):
                await self._send_digest(dest, week, now, digests, done)
        return done + await self.send_to_managers(now)

    async def _send_digest(self, dest: Destination, week: Week, now: datetime,
                           digests: dict[str, dict[str, Any]], done: list[str]) -> None:
        store = self.deps.store
        if dest.workspace not in digests:
            digests[dest.workspace] = await compute_digest_off_loop(store, week, now)
        digest = digests[dest.workspace]
        port = self.deps.ports[dest.platform]
        try:
            if dest.direct:
                await port.direct_message(dest.target, digest_reply(
                    digest, self._link(week, now)))
            else:
                await post_digest(port, dest.target, digest, self._link(week, now))
        except PortError as err:
            await asyncio.to_thread(store.sent.unmark, "digest", week.label, dest.key)
            log.warning("digest %s to %s failed (will retry): %s", week.label, dest.key,
                        err.detail)
            return
        DIGESTS_SENT.labels(dest.platform).inc()
        done.append(f"digest {week.label} -> {dest.key}")

    async def send_to_managers(self, now: datetime) -> list[str]:
        """Each manager's digest at their own slot (bot/digest/managers.py), once a week."""
        deps, done = self.deps, []
        where = await asyncio.to_thread(self.recipients)
        due = await asyncio.to_thread(managers.plans, deps, now, where)
        zones = await self._zones([p for p in due if not p.zone_known])
        if zones:  # a zone the platform told changes the slot: plan those again
            due = await asyncio.to_thread(managers.plans, deps, now, where, zones)
        figures: dict[tuple[str, str, str], dict[str, Any]] = {}
        for plan in due:
            week, workspace = plan.week, plan.workspace
            # A manager's figures are their workspace's (bot/tenancy.py; '' for all), the
            # message goes with its token, the link is to its page.
            with tenancy.scoped(tenancy.of(workspace, plan.org)):
                if (week.label, week.tz, workspace) not in figures:
                    figures[week.label, week.tz, workspace] = await compute_digest_off_loop(
                        deps.store, week, now)
                made = await asyncio.to_thread(managers.enqueue, deps, plan,
                                               figures[week.label, week.tz, workspace],
                                               self._link(week, now), now)
            if made is None:
                continue  # marked by another replica (or before a restart)
            await drain(deps, quiet=set(made))
            DIGESTS_SENT.labels(plan.platform).inc()
            done.append(f"digest {week.label} -> {plan.key}")
        return done

    async def _zones(self, unknown: list[managers.Plan]) -> dict[str, str]:
        """Managers' zones from their platform profile, asked at the edge (and kept)."""
        found: dict[str, str] = {}
        for plan in unknown:
            port = self.deps.ports.get(plan.platform)
            if not isinstance(port, PresenceReader) or self.deps.presence is None:
                continue
            with tenancy.scoped(tenancy.of(plan.workspace, plan.org)):  # its token
                status = (await self.deps.presence.statuses(plan.platform, port,
                                                            [plan.manager])).get(plan.manager)
            if status is not None and status.tz:
                found[plan.manager] = status.tz
                await asyncio.to_thread(self._keep_zone, plan, status.tz)
        return found

    def _keep_zone(self, plan: managers.Plan, tz: str) -> None:
        with self.deps.store.transaction():
            self.deps.store.people.ensure(plan.manager, plan.platform, None, tz,
                                          self.deps.now_iso())

    def _link(self, week: Week, now: datetime) -> str | None:
        try:
            return digest_link(self.deps.config, week.label, now)
        except ConfigError:
            return None

    async def remind(self, now: datetime) -> list[str]:
        store, done = self.deps.store, []
        for r in await asyncio.to_thread(store.journal.due_reminders,
                                         iso(now + REMIND_BEFORE)):
            p = r.promise
            port = self.deps.ports.get(r.platform)
            if port is None or not await asyncio.to_thread(store.sent.mark_reminded, p.id,
                                                           iso(now)):
                continue
            owner = await asyncio.to_thread(store.people.get, r.owner)
            tz = (owner.tz if owner else None) or self.deps.config.people.timezone
            due = parse_iso(p.due)
            case = await asyncio.to_thread(store.cases.by_id, p.case_id)
            try:
                with tenancy.scoped(tenancy.of(case.workspace, case.org) if case else None):
                    await port.direct_message(r.owner, Reply(
                        title=_("Promise to the customer on {ref}").format(ref=r.ref),
                        text=(_("You promised: {what}. It is due {when}.") if due > now else
                              _("You promised: {what}. It was due {when}.")).format(
                            what=p.what, when=local_text(due, tz)),
                        buttons=(Button(_("Kept"), f"kept {r.ref} {p.no}",
                                        style="primary"),)))
            except PortError as err:
                await asyncio.to_thread(store.sent.unmark_reminded, p.id)
                log.warning("reminder for promise %s failed (will retry): %s", p.id,
                            err.detail)
                continue
            REMINDERS_SENT.labels(r.platform).inc()
            done.append(f"reminder promise #{p.no} of {r.ref} -> {r.owner}")
            # Its followers are told too, once (after the owner's reminder went), by the outbox.
            at = local_text(due, self.deps.config.people.timezone)
            with shared():
                when = (_("is due {when}") if due > now else _("was due {when}")).format(
                    when=at)
            await asyncio.to_thread(followers.promise_due, self.deps, p.case_id, p, when)
        return done


_TASK = web.AppKey("digest_scheduler", asyncio.Task)
STOP_WITHIN = 4.0  # seconds a tick under way may take to end when the server stops


def start_scheduler(app: web.Application, core: Any, interval_s: float = 30.0,
                    clock: Callable[[], datetime] | None = None) -> Scheduler:
    """Run `tick` every `interval_s` while the server runs (`core` is the Core: .deps)."""
    scheduler = Scheduler(core.deps)
    now = clock or core.deps.now
    stop = asyncio.Event()

    async def loop() -> None:
        while not stop.is_set():
            try:
                for line in await scheduler.tick(now()):
                    log.info("%s", line)
            except Exception:  # one bad tick must not stop next week's digest; it is logged
                log.exception("scheduler tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval_s)

    async def on_startup(app: web.Application) -> None:
        app[_TASK] = asyncio.get_running_loop().create_task(loop())

    async def on_cleanup(app: web.Application) -> None:
        task = app[_TASK]
        stop.set()
        # A tick under way ends first: a cancel would leave its store work running on a
        # thread while the store is closed under it (a crash, not an error). Its platform
        # calls have timeouts of their own; past STOP_WITHIN it is cancelled all the same.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), STOP_WITHIN)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return scheduler
