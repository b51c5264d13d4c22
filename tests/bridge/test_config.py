"""[bridge] problems are one line each, before anything starts."""

from __future__ import annotations

from adapters.checks import bridge_problems
from bot.config import Config


def test_bridge_config_problems_are_one_line_each() -> None:
    cfg = Config()
    assert bridge_problems(cfg) == []
    cfg.bridge.mirror_messages = True
    assert bridge_problems(cfg) == [
        "[bridge] mirror_messages = true needs [bridge] enabled = true"]
    cfg.bridge.enabled, cfg.slack.enabled = True, True
    assert bridge_problems(cfg) == ["[bridge] enabled = true needs both a [slack] and a "
                                    "[teams] section (one swarm across the two)"]
    cfg.teams.enabled = True
    assert bridge_problems(cfg) == []
