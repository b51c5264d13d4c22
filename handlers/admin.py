"""admin: a workspace's own settings, where one deployment serves several (issue 27)."""

from __future__ import annotations

from dataclasses import dataclass

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
            raise ctx.bad("`admin settings` takes no more words")
        return Admin(None)
    if verb != "set":
        raise ctx.bad(f"`{verb[:20]}` is not an admin verb (set, settings)")
    key = (args.take() or "").lower()
    if key not in CHAT_KEYS:
        raise ctx.bad(f"say which setting: {', '.join(CHAT_KEYS)}")
    value = bounded(args.rest(), "setting")
    if not value:
        raise ctx.bad(f"say the new {key}")
    return Admin(key, value)


@command("admin", "set <triage_channel|managers|slash> <value> | settings",
         "A workspace's own settings, changed by its managers; recorded with who and when.",
         parse=parse_admin, case="none", who="managers",
         details="Where one deployment serves several workspaces: " + "; ".join(
             f"{k}: {v}" for k, v in CHAT_KEYS.items())
         + ". A setting set here wins over the workspace's [slack.workspaces.<team id>] "
           "section; every change is kept.")
def admin(ctx: Ctx, cmd: Admin) -> list[Reply]:
    if cmd.key is None:
        found = workspace_admin.settings(ctx.deps, ctx.actor, ctx.inv.platform)
        if not found:
            return [Reply(text="This workspace has no settings of its own: the "
                               "deployment's config applies.", private=True)]
        lines = [f"{k}: {v}" + (f" (set by {mention(by)} at {at})" if by else " (config)")
                 for k, (v, by, at) in sorted(found.items())]
        return [Reply(title="This workspace's settings", text="\n".join(lines),
                      private=True)]
    kept = workspace_admin.set_setting(ctx.deps, ctx.actor, ctx.inv.platform, cmd.key,
                                       cmd.value)
    return [ctx.ok(f"{cmd.key} is {kept} in this workspace now (recorded).")]


COMMANDS = [admin]
