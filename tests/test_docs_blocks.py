"""The documentation keeps its promises: every shell block in README.md and docs/ is run by
something that can fail (or says why it cannot be), the configuration reference is what
config.example.toml says, and the MkDocs site builds with --strict (no missing page, link or
anchor)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.docs_blocks import MARK, all_blocks, blocks, commands
from tools.config_reference import PAGE, SOURCE, render


def test_every_shell_block_says_what_runs_it() -> None:
    found = all_blocks()
    assert len(found) >= 15, [b.page for b in found]  # README.md and docs/ are read at all
    unmarked = [f"{b.page}:{b.line}" for b in found if not b.marked]
    assert not unmarked, (
        "each ```sh block needs `<!-- run by PATH -->` or `<!-- not run: why -->` on the line "
        "before it, or its page listed in RUN_WHOLE_PAGE (tests/docs_blocks.py) with the test "
        f"that runs every block on it: {unmarked}")


def test_what_runs_a_block_exists_and_reads_its_page() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    for b in all_blocks():
        if b.run_by is None:
            assert b.why_not and len(b.why_not.split()) >= 3, f"{b.page}:{b.line}: say why"
            continue
        where = REPO / b.run_by
        assert where.is_file(), f"{b.page}:{b.line}: {b.run_by} does not exist"
        if b.run_by == ".ci/run":  # CI runs these lines as the page shows them
            for command in commands(b):
                assert command in ci, f"{b.page}:{b.line}: .ci/run does not run {command!r}"
        else:
            assert Path(b.page).name in where.read_text(encoding="utf-8"), (
                f"{b.page}:{b.line}: {b.run_by} never reads {b.page}")


def test_the_block_check_catches_an_unmarked_block(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "page.md"
    page.write_text("# P\n\n```sh\nswarmbot\n```\n\n<!-- not run: it needs Slack here -->\n"
                    "```sh\nswarmbot serve\n```\n\n  <!-- run by .ci/run -->\n\n  ```sh\n"
                    "  ls\n  ```\n", encoding="utf-8")
    import tests.docs_blocks as docs_blocks

    monkeypatch.setattr(docs_blocks, "REPO", tmp_path)
    found = blocks(page)
    assert [(b.marked, b.run_by, b.why_not) for b in found] == [
        (False, None, None), (True, None, "it needs Slack here"), (True, ".ci/run", None)]
    assert MARK.match("<!-- run by tests/x.py -->")


def test_the_configuration_reference_is_made_from_the_example() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(SOURCE.read_text(encoding="utf-8")), (
        "docs/config-reference.md is stale: run `python -m tools.config_reference --write`")


def test_the_configuration_reference_has_every_section_and_key() -> None:
    import tomllib

    page = PAGE.read_text(encoding="utf-8")
    example = tomllib.loads(SOURCE.read_text(encoding="utf-8"))
    for section, keys in example.items():
        assert f"## `[{section}]`" in page, section
        for key in keys:
            assert f"| `{key}` |" in page, (section, key)
    # Sections the example leaves commented out are there too, marked optional.
    for section in ("slack.oauth", "teams.graph", "helpdesk.zendesk", "assistant", "types.sev1"):
        assert f"## `[{section}]` (optional)" in page, section


needs_mkdocs = pytest.mark.skipif(
    importlib.util.find_spec("mkdocs") is None and os.environ.get("CI") != "true",
    reason="MkDocs is not installed: `.venv/bin/pip install -e '.[docs]'` (CI installs it)")


@needs_mkdocs
def test_the_site_builds_strict(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(tmp_path / "site")], cwd=REPO, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    site = tmp_path / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Quick start" in home and 'href="install-slack/"' in home  # README, relinked
    assert (site / "BENCHMARKS" / "index.html").is_file()
    reference = (site / "config-reference" / "index.html").read_text(encoding="utf-8")
    assert "&lt;public_url&gt;/slack/events" in reference


def test_the_regenerate_command_on_docs_testing_md_writes_the_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [block] = [b for b in blocks(REPO / "docs" / "testing.md")
               if b.run_by == "tests/test_docs_blocks.py"]
    [command] = commands(block)
    assert command == ".venv/bin/python -m tools.config_reference --write"
    import tools.config_reference as reference

    monkeypatch.setattr(reference, "PAGE", tmp_path / "config-reference.md")
    assert reference.main(command.split()[3:]) == 0
    assert reference.PAGE.read_text(encoding="utf-8") == PAGE.read_text(encoding="utf-8")


def test_the_readme_is_a_front_door_that_links_every_page() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200, "the README is a front door: move detail to docs/"
    assert "## Quick start" in readme and "copy `config.example.toml`" in readme
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for page in sorted((REPO / "docs").glob("*.md")):
        assert f": {page.name}\n" in nav, f"mkdocs.yml's nav lacks docs/{page.name}"
