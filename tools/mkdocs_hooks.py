"""MkDocs hooks (mkdocs.yml `hooks:`): the site's front page is README.md and BENCHMARKS.md is
one of its pages, both read from the repository's root, so that each text has one source and
reads right on GitHub too. Links are written for GitHub (README -> `docs/x.md`, a page ->
`../README.md`); here they are pointed at the site's own pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

REPO = Path(__file__).resolve().parents[1]
FROM_ROOT = {"index.md": "README.md", "BENCHMARKS.md": "BENCHMARKS.md"}
LINK = re.compile(r"\]\((?!https?:|#|mailto:)([^)\s]+)\)")


def on_files(files: Files, config: Any) -> Files:
    for site_path, root_file in FROM_ROOT.items():
        content = (REPO / root_file).read_text(encoding="utf-8")
        files.append(File.generated(config, site_path, content=content))
    return files


def _relink(target: str, root_page: bool) -> str:
    if root_page:
        if target.startswith("docs/"):
            return target[len("docs/"):]
        return target
    for site_path, root_file in FROM_ROOT.items():
        if target == "../" + root_file or target.startswith(f"../{root_file}#"):
            return site_path + target[len("../" + root_file):]
    return target


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    root_page = page.file.src_uri in FROM_ROOT
    return LINK.sub(lambda m: f"]({_relink(m.group(1), root_page)})", markdown)
