"""link: one person's accounts on two platforms made one (issue 29, docs/bridge.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.bridge import linking
from bot.bridge.effects import label
from bot.errors import CommandError
from bot.i18n import N_, _
from bot.replies import Reply
from handlers.parsing import Args
from handlers.registry import Ctx, command

_CODE = re.compile(r"^[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Link:
    code: str | None  # None: ask for a code


def parse_link(ctx: Ctx, args: Args) -> Link:
    code = args.take()
    if args.rest():
        raise ctx.bad(_("too many words"))
    if code is not None and not _CODE.match(code):
        raise ctx.bad(_("`{code}` is not a link code (six letters and digits)")
            .format(code=code[:12]))
    return Link(code)


@command("link", "[code]",
         N_("Make your accounts on two chat platforms one person (skills, swarms, "
            "load)."),
         parse=parse_link, case="none", who="anyone, for themselves",
         details=N_("Without a code: get one, valid 15 minutes. Then type `link <code>` to "
                    "the bot on your other platform. Accounts with the same verified email "
                    "are linked without this."))
def link(ctx: Ctx, cmd: Link) -> list[Reply]:
    deps = ctx.deps
    if not deps.config.bridge.enabled:
        raise CommandError(_("Linking accounts needs the bridge: [bridge] enabled = true in "
                             "swarmbot's config."))
    if cmd.code is None:
        code = linking.new_code(deps.store, ctx.inv.platform, ctx.actor.id, deps.now())
        return [Reply(text=_("Your link code is {code}. On your other platform, type {command} "
                             "within 15 minutes.")
                                 .format(code=code, command=deps.phrases.command('link', code)))]
    person = linking.confirm(deps.store, cmd.code, ctx.inv.platform, ctx.actor.id,
                             deps.now())
    skills = deps.store.people.skills_of(person)
    return [ctx.ok(_("Linked: your {label} account and your other one are one person now. "
                     "Skills: {value}.")
                         .format(label=label(ctx.inv.platform),
                                 value=', '.join(skills) or _('none yet')))]


COMMANDS = [link]
