"""Friction for the front line: the ranking the digest shows managers, for everyone, and a
manager's review of a process told to the people who reported it (issue 13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.domain import Friction, FrictionReview, Person, iso
from bot.errors import CommandError, NotAllowed
from bot.i18n import _, shared
from bot.people import mention
from bot.services import messages, visibility
from bot.services.base import Deps, Effects

TOP = 10


@dataclass(frozen=True)
class Ranked:
    process: str
    reports: int
    reporters: int
    latest: Friction
    review: FrictionReview | None


def process_name(process: str) -> str:
    """"billing process" stays so; "refund approvals" becomes "refund approvals process"."""
    return process if process.lower().split()[-1:] == ["process"] else \
        _("{process} process").format(process=process)


def top(deps: Deps, weeks: int, limit: int = TOP) -> list[Ranked]:
    """Processes by how often they got in the way in the last `weeks` weeks; ties go to the
    one reported most recently. Quotes the latest report of each."""
    since = iso(deps.now() - timedelta(weeks=weeks))
    rows = deps.store.journal.frictions_since(since)  # newest first
    by_process: dict[str, list[Friction]] = {}
    for f in rows:
        by_process.setdefault(f.process, []).append(f)
    reviews = deps.store.journal.friction_reviews()
    ranked = [Ranked(p, len(fs), len({f.by for f in fs}), visibility.hide_friction(deps, fs[0]),
                     reviews.get(p)) for p, fs in by_process.items()]
    # by_process keeps first-seen (newest-first) order, so a stable sort breaks ties by recency
    ranked.sort(key=lambda r: -r.reports)
    return ranked[:limit]


@dataclass(frozen=True)
class Reviewed:
    process: str
    told: list[str]
    failures: list[str]


def review(deps: Deps, actor: Person, process: str, note: str) -> Reviewed:
    if not deps.is_manager(actor):
        raise NotAllowed(_("Only a manager can mark a process reviewed."))
    process = process.strip().lower()
    store = deps.store
    reporters = store.journal.friction_reporters(process)
    if not reporters:
        raise CommandError(_("Nobody has reported friction on `{process}`: {top} lists the "
                             "processes.").format(process=process[:60],
                                                  top=deps.phrases.command('friction', 'top')))
    store.journal.review_friction(process, note.strip(), actor.id, deps.now_iso())
    told, failures = [], []
    for pid in reporters:
        platform = store.people.platform_of(pid)
        if platform not in deps.ports or pid == actor.id:
            continue  # someone on a platform this process isn't connected to
        told.append(pid)
        effects = Effects(deps, None, platform=platform)
        with shared():  # told to the reporter, whose language the command does not know
            said = _("The {process} you reported was reviewed by {who}: {note}").format(
                process=process_name(process), who=mention(actor.id), note=note.strip())
        effects.direct_message(pid, messages.notice(said, mentions=(actor.id,)),
                               _("tell {who}").format(who=mention(pid)))
        failures += effects.failures
    return Reviewed(process, told, failures)
