"""The documentation's shell blocks and what runs them (tests/test_docs_blocks.py,
tests/test_docs_commands.py).

Every ```sh block in README.md and docs/ is preceded (the line before, blanks aside) by one
comment: `<!-- run by PATH -->` (a test that reads the page and runs the block, or `.ci/run`,
which holds its lines as written) or `<!-- not run: REASON -->`. A page whose own test runs
every block on it, and which its owner keeps without markers, is listed in RUN_WHOLE_PAGE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

FENCE = re.compile(r"^([ \t]*)```(sh|bash|shell|console)[ \t]*\n(.*?)^\1```[ \t]*$", re.M | re.S)
MARK = re.compile(r"^[ \t]*<!-- (?:run by (?P<by>\S+)|not run: (?P<why>.+?)) -->[ \t]*$")

# Pages whose test runs every ```sh block on them (the page's owner keeps it unmarked).
RUN_WHOLE_PAGE = {"docs/slack-oauth.md": "tests/slack/test_oauth_docs.py"}


@dataclass(frozen=True)
class Block:
    page: str  # relative to the repository: README.md, docs/x.md
    line: int  # of the opening fence
    text: str  # the commands, dedented
    run_by: str | None  # a path, or None when not run
    why_not: str | None
    marked: bool


def pages() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    name = page.relative_to(REPO).as_posix()
    found = []
    for m in FENCE.finditer(text):
        indent = m.group(1)
        body = "".join(line[len(indent):] if line.startswith(indent) else line
                       for line in m.group(3).splitlines(keepends=True))
        before = [line for line in text[:m.start()].splitlines() if line.strip()]
        mark = MARK.match(before[-1]) if before else None
        by = mark.group("by") if mark else RUN_WHOLE_PAGE.get(name)
        found.append(Block(name, text.count("\n", 0, m.start()) + 1, body, by,
                           mark.group("why") if mark else None, bool(mark) or by is not None))
    return found


def all_blocks() -> list[Block]:
    return [b for page in pages() for b in blocks(page)]


def commands(block: Block) -> list[str]:
    """The block's command lines, comments and continuations joined, as a reader types them."""
    joined = re.sub(r"\\\n\s*", "", block.text)
    out = []
    for line in joined.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out
