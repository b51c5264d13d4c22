"""Platform references: (platform, kind, key) -> a JSON object, for adapters.

An adapter keeps here what it must know after a restart before its platform speaks to it
again (Teams: each conversation's service URL, tenant and bot account; each person's 1:1
chat; the rooms it created, by name). The store knows no platform: values are opaque JSON.
"""

from __future__ import annotations

import json
from typing import Any

from bot.store.base import BaseQueries


class SqlPlatformRefs(BaseQueries):
    def put(self, platform: str, kind: str, key: str, value: dict[str, Any], at: str) -> None:
        self.db.execute(
            "INSERT INTO platform_refs (platform, kind, key, value, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, kind, key) DO UPDATE SET "
            "value = excluded.value, updated_at = excluded.updated_at",
            (platform, kind, key, json.dumps(value, sort_keys=True), at))

    def get(self, platform: str, kind: str, key: str) -> dict[str, Any] | None:
        r = self._one("SELECT value FROM platform_refs WHERE platform = ? AND kind = ? AND "
                      "key = ?", (platform, kind, key))
        return json.loads(r["value"]) if r else None

    def latest(self, platform: str, kind: str) -> dict[str, Any] | None:
        r = self._one("SELECT value FROM platform_refs WHERE platform = ? AND kind = ? "
                      "ORDER BY updated_at DESC, key LIMIT 1", (platform, kind))
        return json.loads(r["value"]) if r else None
