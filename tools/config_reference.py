"""Render docs/config-reference.md from config.example.toml, the one source of every key.

`python -m tools.config_reference --write` rewrites the page; without `--write` it prints it.
`tests/test_docs_blocks.py` fails while the page differs from what this renders.

The example file's shape: a comment block right above a section header (`[name]`, or
`# [name]` for a section left out of the example) introduces the section; a comment block
right above a key (`key = value`, or `# key = value`) describes the key, as does a comment
after the value; any other comment block is a note on the section it is in.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "config.example.toml"
PAGE = REPO / "docs" / "config-reference.md"

SECTION = re.compile(r"^(#\s*)?\[([A-Za-z0-9_.<>-]+)\]\s*$")
DOC_LINK = re.compile(r"\bdocs/([a-z0-9-]+\.md)\b")
KEY = re.compile(r"^(#\s*)?([a-z_][a-z0-9_]*)\s*=\s*(.*)$")


@dataclass
class Key:
    name: str
    value: str
    commented: bool
    about: list[str] = field(default_factory=list)
    follows: str = ""  # the key right above, whose description covers this one too
    described_above: bool = False  # a comment block above it (it may cover keys below)


@dataclass
class Section:
    name: str
    commented: bool
    intro: list[str] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _split_value(rest: str) -> tuple[str, str]:
    """`"a # b" # note` -> ('"a # b"', 'note'): a comment starts at a # outside quotes."""
    quote = ""
    for i, ch in enumerate(rest):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return rest[:i].strip(), rest[i + 1:].strip().lstrip("#").strip()
    return rest.strip(), ""


def parse(text: str) -> tuple[list[str], list[Section]]:
    preamble: list[str] = []
    sections: list[Section] = []
    pending: list[tuple[int, str]] = []  # the comment block read last: (indent, text)
    last_key: Key | None = None  # the key on the line right above, if it was one

    def flush_as_note() -> None:
        if pending:
            (sections[-1].notes if sections else preamble).append(_join(pending))
            pending.clear()

    for raw in text.splitlines():
        line = raw.strip()
        section = SECTION.match(line)
        key = KEY.match(line) if sections else None
        if section:
            sections.append(Section(section.group(2), bool(section.group(1)),
                                    intro=[_join(pending)] if pending else []))
            pending.clear()
        elif key:
            value, after = _split_value(key.group(3))
            about = [_join(pending)] if pending else []
            described_above = bool(pending)
            pending.clear()
            if after:
                about.append(after)
            follows = ""
            if not about and last_key is not None:
                follows = last_key.follows or (last_key.name if last_key.described_above else "")
            last_key = Key(key.group(2), value, bool(key.group(1)), about, follows,
                           described_above)
            sections[-1].keys.append(last_key)
            continue
        elif line.startswith("#") and line.lstrip("#").strip():
            after_hash = line.lstrip("#")
            text = after_hash.strip()
            pending.append((len(after_hash) - len(after_hash.lstrip()) - 1, text))
        else:  # a blank line or a lone `#` ends a comment block
            flush_as_note()
        last_key = None
    flush_as_note()
    return preamble, sections


def _join(lines: list[tuple[int, str]]) -> str:
    """A comment block as Markdown: lines indented a little are list items (`NAME  what` reads
    `NAME: what`), lines indented more carry on the item above, the rest is one paragraph."""
    out = ""
    in_list = False
    for indent, text in lines:
        if 1 <= indent <= 4:
            out += ("\n" if in_list else "\n\n") + "- " + re.sub(r"\s{2,}", ": ", text, count=1)
            in_list = True
        elif indent > 4 or not in_list:
            out += " " + text
        else:  # back at the margin after a list: a new paragraph
            out += "\n\n" + text
            in_list = False
    return out.strip()


def _prose(text: str) -> str:
    """Markdown-safe: `<placeholders>` outside code spans shown, not taken for HTML."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(p if p.startswith("`") else DOC_LINK.sub(r"[docs/\1](\1)",
                                                             html.escape(p, quote=False))
                   for p in parts)


def _cell(text: str) -> str:
    return re.sub(r"\n+- ", "; ", _prose(text)).replace("|", "\\|")


def _code(text: str) -> str:
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def render(text: str) -> str:
    preamble, sections = parse(text)
    out = ["# Configuration reference", "",
           "<!-- Generated from config.example.toml by `python -m tools.config_reference "
           "--write`; do not edit by hand. -->", "",
           "Every key of `config.toml`, as `config.example.toml` documents it (this page is "
           "made from that file). A section marked *optional* is left out of the example: "
           "write it to switch what it configures on. Values are the example's, which are the "
           "defaults unless the description says otherwise. Secrets never go in the file: "
           "they come from environment variables. [Configuration](configuration.md) says how "
           "the file is checked.", ""]
    out += [_prose(p) + "\n" for p in preamble]
    for s in sections:
        out.append(f"## `[{s.name}]`" + (" (optional)" if s.commented else ""))
        out.append("")
        out += [_prose(p) + "\n" for p in s.intro]
        if s.keys:
            out += ["| key | example | what it does |", "|---|---|---|"]
            for k in s.keys:
                about = _cell(" ".join(k.about)) or (f"see `{k.follows}`" if k.follows else "")
                shown = _code(k.value) + (" (commented out)" if k.commented and not s.commented
                                          else "")
                out.append(f"| `{k.name}` | {_cell(shown)} | {about} |")
            out.append("")
        out += [_prose(p) + "\n" for p in s.notes]
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", action="store_true", help="rewrite docs/config-reference.md")
    args = parser.parse_args(argv)
    page = render(SOURCE.read_text(encoding="utf-8"))
    if args.write:
        PAGE.write_text(page, encoding="utf-8")
    else:
        sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
