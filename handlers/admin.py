"""admin: a workspace's own settings, where one deployment serves several (issue 27)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, _
from bot.people import mention
from bot.replies import Reply
from bot.services import workspace_admin
from bot.workspace_settings import CHAT_KEYS
from handlers.parsing import Args
from handlers.registry import Ctx, command
from handlers.validate import bounded


@dataclass(frozen=True)
class Admin:
    key: str | None  # None: show the settings
    value: str = ""


def parse_admin(ctx: Ctx, args: Args) -> Admin:
    verb = (args.take() or "").lower()
    if verb in ("", "settings"):
        if args.rest():
            raise ctx.bad(_("`admin settings` takes no more words"))
        return Admin(None)
    if verb != "set":
        raise ctx.bad(_("`{verb}` is not an admin verb (set, settings)").format(verb=verb[:20]))
    key = (args.take() or "").lower()
    if key not in CHAT_KEYS:
        raise ctx.bad(_("say which setting: {keys}").format(keys=', '.join(CHAT_KEYS)))
    value = bounded(args.rest(), "setting")
    if not value:
        raise ctx.bad(_("say the new {key}").format(key=key))
    return Admin(key, value)


@command("admin", "set <triage_channel|managers|slash> <value> | settings",
         N_("A workspace's own settings, changed by its managers; recorded with "
            "who and when."),
         parse=parse_admin, case="none", who="managers",
         details="Where one deployment serves several workspaces: " + "; ".join(
             f"{k}: {v}" for k, v in CHAT_KEYS.items())
         + ". A setting set here wins over the workspace's [slack.workspaces.<team id>] "
           "section; every change is kept.")
def admin(ctx: Ctx, cmd: Admin) -> list[Reply]:
    if cmd.key is None:
        found = workspace_admin.settings(ctx.deps, ctx.actor, ctx.inv.platform)
        if not found:
            return [Reply(text=_("This workspace has no settings of its own: the "
                                 "deployment's config applies."), private=True)]
        lines = [f"{k}: {v} " + (_("(set by {person} at {at})").format(person=mention(by), at=at)
                                 if by else _("(config)"))
                 for k, (v, by, at) in sorted(found.items())]
        return [Reply(title=_("This workspace's settings"), text="\n".join(lines),
                      private=True)]
    kept = workspace_admin.set_setting(ctx.deps, ctx.actor, ctx.inv.platform, cmd.key,
                                       cmd.value)
    return [ctx.ok(_("{key} is {kept} in this workspace now (recorded).")
        .format(key=cmd.key, kept=kept))]


COMMANDS = [admin]
