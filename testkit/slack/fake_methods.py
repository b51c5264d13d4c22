"""The Slack Web API methods the fake answers (`m_<method with _ for .>`), apart from the
server that routes calls to them (testkit/slack/fake_slack.py): conversations, chat, files,
bookmarks, views and users, each refusing the way Slack does (`{"ok": false, "error"}`)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from testkit.slack.fake_types import _NAME_OK, BOT_USER, Channel, SlackError, Workspace


class SlackMethods:
    """What FakeSlack answers; the state is FakeSlack's (set in its __init__)."""

    channels: dict[str, Channel]
    messages: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    deleted: list[dict[str, Any]]
    ephemerals: list[dict[str, Any]]
    views: list[dict[str, Any]]
    users: dict[str, dict[str, Any]]
    expired_triggers: set[str]
    page_size: int | None
    tokens: dict[str, Workspace]
    uploads: dict[str, bytes]
    shared_files: list[dict[str, Any]]
    alt_texts: dict[str, str]
    base_url: str
    posted: asyncio.Condition
    _seq: int
    _token: str

    def add_channel(self, name: str, private: bool = False, members: set[str] | None = None
                    ) -> Channel:
        ch = Channel(id=self._id("G" if private else "C"), name=name, is_private=private)
        if members:
            ch.members |= members
        self.channels[ch.id] = ch
        return ch

    def channel_named(self, name: str) -> Channel | None:
        return next((c for c in self.channels.values() if c.name == name), None)

    def _id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:08d}"

    def _ts(self) -> str:
        self._seq += 1
        return f"1700000000.{self._seq:06d}"

    def m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            raise SlackError("invalid_arguments")
        file_id = self._id("F")
        self.alt_texts[file_id] = str(args.get("alt_txt") or "")
        return {"file_id": file_id, "upload_url": f"{self.base_url}upload/{file_id}"}

    def m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        files = json.loads(files) if isinstance(files, str) else files
        if not files or any(f["id"] not in self.uploads for f in files):
            raise SlackError("file_not_found")
        channel = str(args.get("channel_id", ""))
        if channel and BOT_USER not in self._channel(channel).members:
            raise SlackError("not_in_channel")
        for f in files:
            self.shared_files.append({"channel": channel, "title": f.get("title"),
                                      "alt": self.alt_texts.get(f["id"], ""),
                                      "bytes": self.uploads[f["id"]]})
        return {"files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    def _channel(self, cid: Any) -> Channel:
        ch = self.channels.get(str(cid))
        if ch is None:
            raise SlackError("channel_not_found")
        return ch

    @staticmethod
    def _list(value: Any) -> list[str]:
        if isinstance(value, list):
            return [str(v) for v in value]
        return [v for v in str(value or "").split(",") if v]

    @staticmethod
    def _blocks(args: dict[str, Any]) -> list[dict[str, Any]]:
        blocks = args.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if len(blocks) > 50:
            raise SlackError("invalid_blocks")
        return blocks

    def m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        ws = self.tokens.get(self._token, Workspace("T0001", "Fake"))
        return {"url": "https://fake.slack.com/", "team": ws.name, "user": "swarmbot",
                "team_id": ws.team_id, "user_id": BOT_USER, "bot_id": "BBOT",
                "enterprise_id": ws.enterprise_id, "is_enterprise_install": ws.org_wide}

    def m_conversations_create(self, args: dict[str, Any]) -> dict[str, Any]:
        name = str(args.get("name", ""))
        if not _NAME_OK.match(name):
            raise SlackError("invalid_name_specials" if len(name) <= 80
                             else "invalid_name_maxlength")
        if self.channel_named(name):
            raise SlackError("name_taken")
        private = str(args.get("is_private", "false")).lower() in ("1", "true")
        return {"channel": self.add_channel(name, private).to_json()}

    def m_conversations_invite(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        if ch.archived:
            raise SlackError("is_archived")
        users = self._list(args.get("users"))
        if not users:
            raise SlackError("no_user")
        if BOT_USER in users:
            raise SlackError("cant_invite_self")
        if all(u in ch.members for u in users):
            raise SlackError("already_in_channel")
        ch.members |= set(users)
        return {"channel": ch.to_json()}

    def m_bookmarks_list(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"bookmarks": list(self._channel(args.get("channel_id")).bookmarks)}

    def m_bookmarks_add(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args.get("channel_id"))
        if ch.archived:
            raise SlackError("is_archived")
        if args.get("type") != "link" or not str(args.get("link", "")).startswith("http"):
            raise SlackError("invalid_link")
        if not args.get("title"):
            raise SlackError("invalid_title")
        mark = {"id": self._id("Bk"), "channel_id": ch.id, "title": args["title"],
                "link": args["link"], "type": "link"}
        ch.bookmarks.append(mark)
        return {"bookmark": mark}

    def m_bookmarks_edit(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args.get("channel_id"))
        mark = next((b for b in ch.bookmarks if b["id"] == args.get("bookmark_id")), None)
        if mark is None:
            raise SlackError("not_found")
        mark.update({k: args[k] for k in ("title", "link") if args.get(k)})
        return {"bookmark": mark}

    def m_conversations_setTopic(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        topic = str(args.get("topic", ""))
        if len(topic) > 250:
            raise SlackError("too_long")
        ch.topic = topic
        return {"channel": ch.to_json()}

    def m_conversations_archive(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        if ch.archived:
            raise SlackError("already_archived")
        ch.archived = True
        return {}

    def m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = self._list(args.get("users"))
        if len(users) != 1:
            raise SlackError("users_list_not_supplied")
        return {"channel": {"id": "D" + users[0]}}

    def m_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        exclude = str(args.get("exclude_archived", "false")).lower() in ("1", "true")
        found = [c for c in self.channels.values() if not (exclude and c.archived)]
        limit = self.page_size or int(args.get("limit", 100))
        start = int(args.get("cursor") or 0)
        page = found[start:start + limit]
        more = start + limit < len(found)
        return {"channels": [c.to_json() for c in page],
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        target = str(args.get("channel", ""))
        if not (args.get("text") or args.get("blocks")):
            raise SlackError("no_text")
        blocks = self._blocks(args)
        if not target.startswith(("D", "U")):
            ch = self._channel(target)
            if ch.archived:
                raise SlackError("is_archived")
            if BOT_USER not in ch.members:
                raise SlackError("not_in_channel")
        ts = self._ts()
        self.messages.append({"channel": target, "ts": ts, "text": args.get("text", ""),
                              "blocks": blocks})
        return {"channel": target, "ts": ts, "message": {"text": args.get("text", "")}}

    def m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        target = str(args.get("channel", ""))
        # A DM channel (conversations.open's D<user>) is no channel of ours, but has history.
        cid = target if target.startswith("D") else self._channel(target).id
        limit = int(args.get("limit", 100))
        found = [m for m in self.messages if m["channel"] == cid][::-1][:limit]
        return {"messages": [{"type": "message", "ts": m["ts"], "text": m["text"]}
                             for m in found], "has_more": False}

    def m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        ts, target = str(args.get("ts", "")), str(args.get("channel", ""))
        found = [m for m in self.messages if m["channel"] == target and m["ts"] == ts]
        if not found:
            raise SlackError("message_not_found")
        found[0].update(text=args.get("text", ""), blocks=self._blocks(args))
        self.updates.append({"channel": target, "ts": ts})
        return {"channel": target, "ts": ts}

    def m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        ts, target = str(args.get("ts", "")), str(args.get("channel", ""))
        found = [m for m in self.messages if m["channel"] == target and m["ts"] == ts]
        if not found:
            raise SlackError("message_not_found")
        self.messages.remove(found[0])
        self.deleted.append({"channel": target, "ts": ts})
        return {"channel": target, "ts": ts}

    def m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        ch = self._channel(args.get("channel"))
        if BOT_USER not in ch.members:
            raise SlackError("not_in_channel")
        self.ephemerals.append({"channel": ch.id, "user": args.get("user"),
                                "text": args.get("text", ""), "blocks": self._blocks(args)})
        return {"message_ts": self._ts()}

    def m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger = str(args.get("trigger_id", ""))
        if not trigger:
            raise SlackError("invalid_arguments")
        if trigger in self.expired_triggers:
            raise SlackError("expired_trigger_id")
        view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
        view_id, hash_ = self._id("V"), self._id("H")
        self.views.append({"method": "views.open", "trigger_id": trigger, "view": view,
                           "id": view_id, "hash": hash_})
        return {"view": {"id": view_id, "hash": hash_, **view}}

    def m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = str(args.get("view_id", ""))
        opened = [v for v in self.views if v.get("id") == view_id]
        if not opened:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != opened[-1].get("hash"):
            raise SlackError("hash_conflict")
        view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
        self.views.append({"method": "views.update", "id": view_id, "view": view,
                           "hash": self._id("H")})
        return {"view": {"id": view_id, **view}}

    def m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
        self.views.append({"method": "views.publish", "user_id": args.get("user_id"),
                           "view": view})
        return {"view": {"id": self._id("V"), **view}}

    def m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        uid = str(args.get("user", ""))
        user = self.users.get(uid)
        if user is None:
            raise SlackError("user_not_found")
        if str(args.get("include_locale", "")).lower() not in ("1", "true"):
            # Slack's shape: `user.locale` ("de-DE") only when include_locale is true.
            user = {k: v for k, v in user.items() if k != "locale"}
        return {"user": user}

    def m_users_getPresence(self, args: dict[str, Any]) -> dict[str, Any]:
        """`presence` as set on the user here ("active" unless a test says "away")."""
        user = self.users.get(str(args.get("user", "")))
        if user is None:
            raise SlackError("user_not_found")
        return {"presence": user.get("presence", "active")}

    def m_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email", "")).lower()
        if not email:
            raise SlackError("invalid_arguments")
        for user in self.users.values():
            if str(user.get("profile", {}).get("email", "")).lower() == email:
                return {"user": user}
        raise SlackError("users_not_found")
