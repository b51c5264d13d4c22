"""Queries for platform references: where and as whom a platform adapter posts.

Teams needs, to post without being spoken to first, each conversation's regional service
URL, the tenant and the bot's own account id, and the id of each person's 1:1 chat with
the bot. The values are plain strings (nothing here knows botbuilder); the Teams adapter
writes them when they are new or changed and reads them back after a restart.
"""

from __future__ import annotations

from typing import Any

from bot.store.base import BaseQueries


class PlatformRefQueries(BaseQueries):
    # Teams conversation references ---------------------------------------
    def teams_conversation_put(self, conversation_id: str, service_url: str,
                               tenant_id: str | None, bot_id: str | None, at: str,
                               room_name: str | None = None) -> None:
        """Insert or update a reference. A None `room_name` keeps the one recorded."""
        self.db.execute(
            "INSERT INTO teams_conversations (conversation_id, service_url, tenant_id, bot_id, "
            "room_name, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (conversation_id) "
            "DO UPDATE SET service_url = excluded.service_url, "
            "tenant_id = COALESCE(excluded.tenant_id, teams_conversations.tenant_id), "
            "bot_id = COALESCE(excluded.bot_id, teams_conversations.bot_id), "
            "room_name = COALESCE(excluded.room_name, teams_conversations.room_name), "
            "updated_at = excluded.updated_at",
            (conversation_id, service_url, tenant_id, bot_id, room_name, at))

    def teams_conversation_get(self, conversation_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM teams_conversations WHERE conversation_id = ?",
                         (conversation_id,))

    def teams_conversation_latest(self) -> dict[str, Any] | None:
        """The most recently seen reference: the service URL, tenant and bot id to use for a
        conversation never seen (a first 1:1 chat) after a restart."""
        return self._one("SELECT * FROM teams_conversations ORDER BY updated_at DESC, "
                         "conversation_id LIMIT 1")

    def teams_room_by_name(self, room_name: str) -> str | None:
        """The conversation id of the Teams room (thread or channel) with this name: the one
        the adapter recorded when it created it, else the one a case recorded."""
        row = self._one("SELECT conversation_id FROM teams_conversations WHERE room_name = ? "
                        "ORDER BY updated_at DESC LIMIT 1", (room_name,))
        if row is not None:
            return str(row["conversation_id"])
        row = self._one("SELECT room_id FROM cases WHERE platform = 'teams' AND room_name = ? "
                        "AND room_id IS NOT NULL ORDER BY id DESC LIMIT 1", (room_name,))
        return str(row["room_id"]) if row is not None else None

    # Teams 1:1 chats ------------------------------------------------------
    def teams_dm_put(self, user_id: str, conversation_id: str, at: str) -> None:
        self.db.execute(
            "INSERT INTO teams_dm (user_id, conversation_id, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET conversation_id = excluded.conversation_id, "
            "updated_at = excluded.updated_at", (user_id, conversation_id, at))

    def teams_dm_get(self, user_id: str) -> str | None:
        row = self._one("SELECT conversation_id FROM teams_dm WHERE user_id = ?", (user_id,))
        return str(row["conversation_id"]) if row is not None else None
