"""DESIGN.md's layering: bot/ knows no platform, handlers/ know no transport and no SQL, and
adapters translate: no store, no database, no business rule; no module imports itself round a
circle, and none hides an import in a function to dodge one. Each rule is a checker over the
source tree, and each checker is shown to catch a planted offender."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from bot.store import open_store
from tests.conftest import REPO

PLATFORM = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "msal")
DATABASE = ("sqlite3", "sqlite_utils", "psycopg", "psycopg_pool")
# The composition root is the one adapter module that builds the store and hands it out.
COMPOSITION_ROOT = "adapters/bootstrap.py"
# Reaching into the database from outside the store: a repository or the store's connection.
_STORE_REACH = re.compile(r"\.store\.(?:cases|timeline|journal|people|inbox|outbox|sent|"
                          r"digest|refs|retention|helpdesk|access|db|transaction)\b|\bdeps\.store\b|\bopen_(?:store|reader)\(")


PROJECT = ("bot", "handlers", "adapters")
# Imports of project modules inside a function in bot/ and handlers/, each for start-up cost
# alone (never to dodge a cycle: test_no_import_cycle counts these imports too).
LAZY_IMPORTS = {
    # The readiness check of a PostgreSQL store: importing it loads psycopg (~0.2 s), which
    # a SQLite deployment never needs.
    ("bot/store/health.py", "bot.store.postgres"),
}


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


def _module_names(files: dict[str, str]) -> dict[str, str]:
    """Dotted module name -> its file, for `sources` of the project packages."""
    names = {}
    for f in files:
        parts = f[:-3].split("/")
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = f
    return names


def _import_nodes(node: ast.AST, in_function: bool = False
                  ) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement under `node`, and whether it is inside a function."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, in_function
        yield from _import_nodes(child, in_function or isinstance(
            child, ast.FunctionDef | ast.AsyncFunctionDef))


def project_imports(files: dict[str, str]) -> dict[str, list[tuple[str, int, bool]]]:
    """Module -> (project module it imports, line, inside a function) for every import,
    those under TYPE_CHECKING and inside functions included. `from pkg import name` imports
    pkg.name when that is a module, else pkg."""
    names = _module_names(files)

    def resolve(name: str) -> str | None:
        while name and name not in names:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, list[tuple[str, int, bool]]] = {}
    for module, f in names.items():
        package = module if f.endswith("__init__.py") else module.rpartition(".")[0]
        graph[module] = []
        for node, in_function in _import_nodes(ast.parse(files[f])):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    up = package
                    for _ in range(node.level - 1):
                        up = up.rpartition(".")[0]
                    base = f"{up}.{base}" if base else up
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in names else base
                           for a in node.names]
            graph[module] += [(hit, node.lineno, in_function) for t in targets
                              if (hit := resolve(t)) is not None and hit != module]
    return graph


def import_cycles(graph: dict[str, list[tuple[str, int, bool]]]) -> list[list[str]]:
    """Each set of modules that import one another round a circle (Tarjan's strongly
    connected components of more than one module), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w, _, _ in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(cycles)


def hidden_imports(graph: dict[str, list[tuple[str, int, bool]]], files: dict[str, str],
                   allowed: set[tuple[str, str]]) -> list[str]:
    """Project modules imported inside a function, other than the allowed (file, module)."""
    names = _module_names(files)
    return [f"{names[m]}:{line}: {target}" for m, edges in sorted(graph.items())
            for target, line, in_function in edges
            if in_function and (names[m], target) not in allowed]


def project_sources(root: Path) -> dict[str, str]:
    return {f: src for package in PROJECT for f, src in sources(root, package).items()}


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


def test_no_import_cycle() -> None:
    """Counting every import: under TYPE_CHECKING (a Protocol answers those) and inside
    functions (a lazy import is still a circle)."""
    assert import_cycles(project_imports(project_sources(REPO))) == []


def test_no_import_hidden_in_a_function() -> None:
    files = {f: src for f, src in project_sources(REPO).items()
             if f.startswith(("bot/", "handlers/"))}
    assert hidden_imports(project_imports(files), files, LAZY_IMPORTS) == []


def test_the_import_checkers_catch_a_planted_circle_and_a_hidden_import(tmp_path: Path
                                                                        ) -> None:
    for package in PROJECT:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "handlers" / "registry.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from handlers.router import Router\n"
        "def all_commands():\n"
        "    from handlers import help_command\n"
        "    return help_command.COMMANDS\n", encoding="utf-8")
    (tmp_path / "handlers" / "router.py").write_text(
        "from handlers.registry import all_commands\n", encoding="utf-8")
    (tmp_path / "handlers" / "help_command.py").write_text(
        "from . import registry\nCOMMANDS = []\n", encoding="utf-8")
    (tmp_path / "bot" / "lazy.py").write_text(
        "import json\ndef f():\n    import json\n    from bot import domain\n"
        "    return domain\n", encoding="utf-8")
    (tmp_path / "bot" / "domain.py").write_text("", encoding="utf-8")
    files = project_sources(tmp_path)
    graph = project_imports(files)
    assert import_cycles(graph) == [["handlers.help_command", "handlers.registry",
                                     "handlers.router"]]
    assert hidden_imports(graph, files, set()) == [
        "bot/lazy.py:4: bot.domain", "handlers/registry.py:5: handlers.help_command"]
    assert hidden_imports(graph, files, {("bot/lazy.py", "bot.domain")}) == [
        "handlers/registry.py:5: handlers.help_command"]
