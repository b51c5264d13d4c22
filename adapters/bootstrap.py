"""The one place that wires swarmbot together. Nothing is built at import time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.config import Config
from bot.domain import utcnow
from bot.ports import ChatPort
from bot.services.base import Deps
from bot.store import Store, open_store
from handlers.entrance import Entrance
from handlers.registry import Command


def build_core(config: Config, ports: dict[str, ChatPort],
               clock: Callable[[], datetime] | None = None, store: Store | None = None,
               extra_commands: list[Command] | None = None) -> Entrance:
    store = store or open_store(config.store.path)
    deps = Deps(store=store, ports=ports, config=config, clock=clock or utcnow)
    return Entrance(deps, extra_commands)
