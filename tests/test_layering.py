"""DESIGN.md's layering: bot/ knows no platform, handlers/ know no transport and no SQL, and
adapters translate: no store, no database, no business rule. Each rule is a checker over the
source tree, and each checker is shown to catch a planted offender."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.store import open_store
from tests.conftest import REPO

PLATFORM = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "msal")
DATABASE = ("sqlite3", "sqlite_utils", "psycopg", "psycopg_pool")
# The composition root is the one adapter module that builds the store and hands it out.
COMPOSITION_ROOT = "adapters/bootstrap.py"
# Reaching into the database from outside the store: a repository or the store's connection.
_STORE_REACH = re.compile(r"\.store\.(?:cases|timeline|journal|people|inbox|outbox|sent|"
                          r"digest|refs|retention|helpdesk|db|transaction)\b|\bdeps\.store\b|\bopen_(?:store|reader)\(")


def module_imports(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def sources(root: Path, package: str) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8")
            for p in (root / package).rglob("*.py")}


def import_offenders(files: dict[str, str], banned: tuple[str, ...]) -> list[str]:
    return [f"{f}: {n}" for f, src in files.items() for n in module_imports(src)
            if n.split(".")[0] in banned or any(n == b or n.startswith(b + ".")
                                                for b in banned)]


def store_offenders(files: dict[str, str]) -> list[str]:
    """Adapter modules that import the store or a database driver, or reach into either."""
    found = []
    for f, src in files.items():
        if f == COMPOSITION_ROOT:
            continue
        found += import_offenders({f: src}, ("bot.store",) + DATABASE)
        found += [f"{f}: {m.group(0)}" for m in _STORE_REACH.finditer(src)]
    return found


def table_names() -> set[str]:
    """Every table of the real schema (made by the migrations on a fresh file)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "schema.db")
        try:
            return {t for t in store.db.table_names() if not t.startswith(("_", "sqlite"))}
        finally:
            store.close()


def _reaches_store(func: ast.expr) -> bool:
    """A call on the store or one of its repositories (`store.rows`, `deps.store.x.y`)."""
    while isinstance(func, ast.Attribute):
        if func.attr == "store":
            return True
        func = func.value
    return isinstance(func, ast.Name) and func.id == "store"


def table_offenders(files: dict[str, str], tables: set[str]) -> list[str]:
    """A table named outside the store: as an argument of a call on the store
    (`store.last_row("moods", …)`) or inside SQL text (`SELECT … FROM moods`)."""
    sql = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+(\w+)", re.IGNORECASE)
    found = []
    for f, src in files.items():
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Call) and _reaches_store(node.func) and node.args:
                # The table-taking calls took it first (`rows("moods", id)`); later string
                # arguments are values, e.g. a timeline entry's kind ("thanks").
                first = node.args[0]
                if isinstance(first, ast.Constant) and first.value in tables:
                    found.append(f"{f}:{node.lineno}: {first.value!r}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                found += [f"{f}:{node.lineno}: {name!r} in SQL"
                          for name in sql.findall(node.value) if name in tables]
    return found


def test_bot_imports_no_platform_sdk_nor_outer_layers() -> None:
    assert import_offenders(sources(REPO, "bot"), PLATFORM + ("adapters", "handlers")) == []


def test_handlers_import_no_platform_sdk_nor_adapters_nor_database() -> None:
    files = sources(REPO, "handlers")
    assert import_offenders(files, PLATFORM + ("adapters", "bot.store") + DATABASE) == []


def test_adapters_neither_import_the_store_nor_reach_into_the_database() -> None:
    assert store_offenders(sources(REPO, "adapters")) == []


def test_no_table_is_named_outside_the_store() -> None:
    tables = table_names()
    assert {"cases", "timeline", "inbox"} <= tables  # the schema really was read
    files = {**sources(REPO, "handlers"), **sources(REPO, "adapters")}
    files.update({f: s for f, s in sources(REPO, "bot").items()
                  if not f.startswith("bot/store/")})
    assert table_offenders(files, tables) == []


def test_nothing_outside_the_tests_imports_them() -> None:
    """Fakes and harnesses the benchmarks share with the tests live in testkit/; the shipped
    package and the benchmarks run where tests/ (and pytest) are not."""
    files = {f: s for d in ("benchmarks", "bot", "handlers", "adapters", "demo", "testkit")
             for f, s in sources(REPO, d).items()}
    assert any(f.startswith("benchmarks/") for f in files)  # the tree really was read
    assert import_offenders(files, ("tests",)) == []
    planted = {"benchmarks/sneaky.py": "from tests.slack.fake_slack import FakeSlack\n"
                                       "import tests.conftest\n"}
    assert sorted(import_offenders(planted, ("tests",))) == [
        "benchmarks/sneaky.py: tests.conftest", "benchmarks/sneaky.py: tests.slack.fake_slack"]


def test_the_shipped_package_keeps_no_fake() -> None:
    """DESIGN.md: fakes live outside the shipped package (tests/, testkit/)."""
    fake = re.compile(r"^class Fake\w*", re.MULTILINE)
    found = [f for d in ("bot", "handlers", "adapters", "demo")
             for f, src in sources(REPO, d).items()
             if fake.search(src) or Path(f).stem.startswith("fake")]
    assert found == []


def test_each_checker_catches_a_planted_offender(tmp_path: Path) -> None:
    (tmp_path / "adapters").mkdir()
    (tmp_path / "adapters" / "sneaky.py").write_text(
        "from slack_sdk import WebClient\n"
        "from bot.store.sqlite import open_store\n"
        "import sqlite3\n"
        "def f(core, x):\n"
        "    x.store.cases.by_ref('ZD-1')\n"
        "    x.store.last_row('moods', 1)\n"
        "    q = 'SELECT level FROM moods WHERE case_id = ?'\n"
        "    return core.deps.store, {'moods': q}\n", encoding="utf-8")
    (tmp_path / "adapters" / "bootstrap.py").write_text(
        "from bot.store import open_store\n", encoding="utf-8")
    planted = sources(tmp_path, "adapters")
    assert import_offenders(planted, PLATFORM) == ["adapters/sneaky.py: slack_sdk"]
    found = store_offenders(planted)
    assert any("bot.store.sqlite" in f for f in found)
    assert any("sqlite3" in f for f in found)
    assert any("deps.store" in f for f in found) and any(".store.cases" in f for f in found)
    assert not any("bootstrap" in f for f in found)  # the composition root may
    # A word that happens to be a table's name ({'moods': …}) is not an offence; naming it
    # to the store or in SQL is.
    assert sorted(table_offenders(planted, {"moods"})) == [
        "adapters/sneaky.py:6: 'moods'", "adapters/sneaky.py:7: 'moods' in SQL"]


def test_every_module_stays_small() -> None:
    big = [f"{p.relative_to(REPO)}: {n}" for d in ("bot", "handlers", "adapters", "demo")
           for p in (REPO / d).rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400]
    assert big == []
