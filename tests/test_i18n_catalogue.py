"""Issue 25: every text of the code has its German translation, with the same placeholders,
and the translator's workflow of docs/translations.md runs as written.

The texts are extracted as `pybabel extract -F babel.cfg` extracts them (Babel's
extract_from_dir with the mapping of babel.cfg), from bot/, handlers/ and adapters/."""

from __future__ import annotations

import os
import shutil
import string
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot import i18n
from tests.conftest import REPO
from tests.docs_blocks import blocks, commands

AREAS = ("bot", "handlers", "adapters")
LANG = "de"
Msgid = str | tuple[str, ...]


def extracted(root: Path = REPO) -> dict[Msgid, list[str]]:
    """Every message id of the code, with where it is (file:line)."""
    with (root / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[Msgid, list[str]] = {}
    for area in AREAS:
        for filename, lineno, message, _comments, _ctx in extract_from_dir(
                root / area, method_map, options_map):
            found.setdefault(message, []).append(f"{area}/{filename}:{lineno}")
    return found


def catalogues(lang: str = LANG) -> dict[str, Catalog]:
    folder = i18n.LOCALE_DIR / lang / "LC_MESSAGES"
    out = {}
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as f:
            out[po.name] = read_po(f, locale=lang)
    return out


def _key(message: Msgid) -> str:
    return message[0] if isinstance(message, tuple) else message


def _names(texts: Iterable[str]) -> set[str]:
    """The `{placeholders}` of some texts (`{{` is a brace, not one)."""
    names = set()
    for text in texts:
        for _lit, field, _spec, _conv in string.Formatter().parse(text):
            if field is not None:
                names.add(field.split(".")[0].split("[")[0])
    return names


def _texts(value: Msgid | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def test_the_code_has_texts_to_translate_and_finds_them_as_pybabel_does() -> None:
    found = extracted()
    assert len(found) > 100, len(found)
    assert "Unknown command `{word}`." in {_key(m) for m in found}


def test_every_text_has_its_german_translation() -> None:
    translated = {_key(msg.id) for cat in catalogues().values() for msg in cat
                  if msg.id and not msg.fuzzy and all(_texts(msg.string))}
    missing = [f"{where[0]}: {_key(m)!r}" for m, where in extracted().items()
               if _key(m) not in translated]
    assert not missing, f"{len(missing)} texts without a German translation " \
        f"(docs/translations.md says how to add them):\n" + "\n".join(sorted(missing))


def test_a_translation_keeps_the_placeholders_of_its_id() -> None:
    wrong = []
    for name, cat in catalogues().items():
        for msg in cat:
            if not msg.id or not all(_texts(msg.string)):
                continue
            ids = _texts(msg.id)
            if isinstance(msg.id, tuple):
                # A plural form may leave the count out ("one case"); together they match.
                ok = _names(_texts(msg.string)) == _names(ids) and all(
                    _names([s]) <= _names(ids) for s in _texts(msg.string))
            else:
                ok = _names(_texts(msg.string)) == _names(ids)
            if not ok:
                wrong.append(f"{name}: {_key(msg.id)!r} -> {_texts(msg.string)!r}")
    assert not wrong, "placeholders differ from the id's:\n" + "\n".join(wrong)


def test_the_catalogues_agree_on_each_translation() -> None:
    seen: dict[str, tuple[str, tuple[str, ...]]] = {}
    clashes = []
    for name, cat in catalogues().items():
        for msg in cat:
            if not msg.id or not all(_texts(msg.string)):
                continue
            text = _texts(msg.string)
            before = seen.setdefault(_key(msg.id), (name, text))
            if before[1] != text:
                clashes.append(f"{_key(msg.id)!r}: {before[0]} {before[1]!r} vs {name} {text!r}")
    assert not clashes, "two catalogues translate one id differently:\n" + "\n".join(clashes)


def test_the_german_catalogues_are_read_and_speak() -> None:
    with i18n.speaking("de"):
        assert i18n._("Unknown command `{word}`.") == "Unbekannter Befehl `{word}`."
        assert i18n.ngettext("Trying {count} platform call for {ref} again; you will hear if "
                             "it still fails.", "Trying {count} platform calls for {ref} "
                             "again; you will hear if any still fails.", 2).startswith(
                                 "{count} Plattformaufrufe")
    with i18n.speaking("en"):
        assert i18n._("Unknown command `{word}`.") == "Unknown command `{word}`."


def test_the_check_catches_a_missing_translation_and_a_changed_placeholder() -> None:
    assert _names(["Case {ref} opened by {who}"]) == {"ref", "who"}
    assert _names(["Fall {ref} von {wer} eröffnet"]) != _names(["Case {ref} opened by {who}"])
    assert _names(["{{literal}} {n:>3}"]) == {"n"}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The code and its catalogues, as a translator's checkout holds them."""
    root = tmp_path / "swarmbot"
    for area in AREAS:
        shutil.copytree(REPO / area, root / area,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(REPO / "babel.cfg", root / "babel.cfg")
    return root


def _run(block: str, cwd: Path) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
           f"{os.environ.get('PATH', '')}"}
    for command in commands_of(block):
        done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, f"{command}: {done.stderr[-2000:]}"


def commands_of(block: str) -> list[str]:
    return [b for b in block.splitlines() if b.strip() and not b.startswith("#")]


def test_the_translators_workflow_runs_as_documented(copy: Path) -> None:
    page = REPO / "docs" / "translations.md"
    shown = [b for b in blocks(page) if b.run_by == "tests/test_i18n_catalogue.py"]
    assert len(shown) == 3, [b.text for b in shown]
    update, new_language, everything = shown
    # Update: the German catalogue of handlers/ keeps every translation it had.
    _run(update.text, copy)
    assert (copy / "handlers.pot").is_file()
    with (copy / "bot/locale/de/LC_MESSAGES/handlers.po").open("rb") as f:
        updated = read_po(f, locale="de")
    area = {_key(m) for m, where in extracted(copy).items()
            if any(w.startswith("handlers/") for w in where)}
    kept = {_key(m.id) for m in updated if m.id and all(_texts(m.string)) and not m.fuzzy}
    assert area and area <= kept, sorted(area - kept)[:5]
    # A new language: its catalogue of bot/ with every id of bot/, untranslated.
    _run(new_language.text, copy)
    with (copy / "bot/locale/fr/LC_MESSAGES/core.po").open("rb") as f:
        french = read_po(f, locale="fr")
    bot_ids = {_key(m) for m, where in extracted(copy).items()
               if any(w.startswith("bot/") for w in where)}
    assert {_key(m.id) for m in french if m.id} == bot_ids
    # The template of everything: what this test extracts.
    _run(everything.text, copy)
    with (copy / "swarmbot.pot").open("rb") as f:
        template = read_po(f)
    assert {_key(m.id) for m in template if m.id} == {_key(m) for m in extracted(copy)}
    assert commands(update) == commands_of(update.text)


def test_pybabel_extract_as_babel_cfg_says_runs(tmp_path: Path) -> None:
    out = tmp_path / "swarmbot.pot"
    done = subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F",
                           "babel.cfg", "-o", str(out), *AREAS], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    with out.open("rb") as f:
        template = read_po(f)
    assert {_key(m.id) for m in template if m.id} == {_key(m) for m in extracted()}
