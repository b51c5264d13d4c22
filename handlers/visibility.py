"""`set visibility private|normal`: a confidential swarm or not (issue 26). The `set` command
(handlers/lifecycle.py) hands its `visibility` words here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import _
from bot.replies import Reply
from bot.services import visibility
from handlers.parsing import Args
from handlers.registry import Ctx


@dataclass(frozen=True)
class SetVisibility:
    confidential: bool


def parse_visibility(ctx: Ctx, args: Args) -> SetVisibility:
    word = (args.take() or "").lower()
    if not word:
        raise ctx.bad(_("say private or normal"))
    if word not in visibility.CHOICES or args.rest():
        raise ctx.bad(_("`{word}` is not a visibility (private or normal)").format(word=word[:20]))
    return SetVisibility(visibility.CHOICES[word])


def set_visibility(ctx: Ctx, cmd: SetVisibility) -> list[Reply]:
    case = visibility.set_visibility(ctx.deps, ctx.actor, ctx.need_case(), cmd.confidential)
    if case.confidential:
        return [ctx.ok(_("{ref} is confidential now: its summary and customer are for its swarm "
                         "and managers only, and triage is asked for skills alone.")
                             .format(ref=case.ref))]
    return [ctx.ok(_("{ref} is visible to everyone again.").format(ref=case.ref))]
