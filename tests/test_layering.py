"""DESIGN.md's layering: bot/ knows no platform, handlers/ know no transport."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PLATFORM = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "msal")


def imports(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (REPO / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(REPO))] = names
    return found


def offenders(package: str, banned: tuple[str, ...]) -> list[str]:
    return [f"{f}: {n}" for f, names in imports(package).items() for n in names
            if n.split(".")[0] in banned]


def test_bot_imports_no_platform_sdk_nor_outer_layers() -> None:
    assert offenders("bot", PLATFORM + ("adapters", "handlers")) == []


def test_handlers_import_no_platform_sdk_nor_adapters() -> None:
    assert offenders("handlers", PLATFORM + ("adapters",)) == []


def test_the_check_itself_can_fail(tmp_path: Path) -> None:
    tree = ast.parse("from slack_sdk import WebClient\nimport botbuilder.core\n")
    names = {n.module if isinstance(n, ast.ImportFrom) else n.names[0].name
             for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)}
    assert {n.split(".")[0] for n in names} <= set(PLATFORM)
    assert len(names) == 2


def test_every_module_stays_small() -> None:
    big = [f"{p.relative_to(REPO)}: {n}" for d in ("bot", "handlers", "adapters")
           for p in (REPO / d).rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400]
    assert big == []
