"""The words swarmbot writes, in the language of the person who reads them.

Every text a person reads goes through `_` (or `ngettext` for a count) with the English text
as its message id, gettext's convention, so English is complete by construction and a
translation is a catalogue beside the code: `bot/locale/<lang>/LC_MESSAGES/*.po` (one file
per area of the code, so that areas are translated and reviewed apart; they are merged when
read). Placeholders are named (`_("Case {ref} opened").format(ref=ref)`): a translation may
put them in another order.

Which language: the command's reader's (Slack's user locale, Teams' activity `locale`), set
for the whole command by `speaking`; texts written for a room many people read use the
deployment's language (`shared`). A language without a catalogue is English.

The catalogues are read once, when a language is first needed (nothing is built at import).
"""

from __future__ import annotations

import gettext as stdlib_gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE = "en"  # the language of the message ids
LOCALE_DIR = Path(__file__).with_name("locale")

_reader: ContextVar[str] = ContextVar("swarmbot_language", default=SOURCE)
_deployment: ContextVar[str] = ContextVar("swarmbot_deployment_language", default=SOURCE)


def languages() -> tuple[str, ...]:
    """The languages swarmbot speaks: English and every language with a catalogue."""
    found = sorted(p.name for p in LOCALE_DIR.iterdir()
                   if p.is_dir() and any((p / "LC_MESSAGES").glob("*.po"))) \
        if LOCALE_DIR.is_dir() else []
    return (SOURCE, *(lang for lang in found if lang != SOURCE))


def problems(language: str) -> list[str]:
    """`[i18n] language` checked: one line when swarmbot has no catalogue for it."""
    if language in languages():
        return []
    return [f"[i18n] language {language!r} has no catalogue: use one of "
            f"{', '.join(repr(lang) for lang in languages())} (docs/translations.md)"]


def language_of(tag: str | None, fallback: str | None = None) -> str:
    """The language swarmbot speaks for a platform's locale tag: `de-DE`, `de_AT`, `de`
    -> `de` where there is a German catalogue; anything else -> `fallback` (the
    deployment's language unless given)."""
    if tag:
        base = tag.replace("_", "-").split("-")[0].strip().lower()
        if base in languages():
            return base
    return fallback if fallback is not None else _deployment.get()


@cache
def _translations(lang: str) -> stdlib_gettext.NullTranslations:
    """Every catalogue of `lang`, merged, as stdlib gettext translations (plural rules
    included). Babel reads the `.po` text, so no compiled `.mo` is kept in the tree."""
    merged: stdlib_gettext.NullTranslations = stdlib_gettext.NullTranslations()
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    for po in sorted(folder.glob("*.po")) if lang != SOURCE else []:
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = stdlib_gettext.GNUTranslations(buffer)
        if isinstance(merged, stdlib_gettext.GNUTranslations):
            merged.add_fallback(part)
        else:
            merged = part
    return merged


def current() -> str:
    """The language of the texts being written now."""
    return _reader.get()


def deployment() -> str:
    """The deployment's language as `speaking` set it (what `shared` writes in)."""
    return _deployment.get()


def _(message: str) -> str:
    """`message` (English) in the current reader's language."""
    return _translations(_reader.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the current reader's language."""
    return _translations(_reader.get()).ngettext(singular, plural, n)


@contextmanager
def speaking(lang: str, deployment: str | None = None) -> Iterator[None]:
    """Write in `lang` (a code from `language_of`) for the block: a command's replies.
    `deployment` is the deployment's language (`[i18n] language`) for what `shared`
    writes; a scheduler pass speaks it for both."""
    reader = _reader.set(lang)
    dep = _deployment.set(deployment) if deployment is not None else None
    try:
        yield
    finally:
        _reader.reset(reader)
        if dep is not None:
            _deployment.reset(dep)


@contextmanager
def shared() -> Iterator[None]:
    """Write in the deployment's language for the block: what a room, a channel or a
    digest shows to everyone, whoever's command made it."""
    with speaking(_deployment.get()):
        yield


def N_(message: str) -> str:  # noqa: N802 - gettext's name for it
    """A text marked for the catalogue where it is defined (a command's summary, at import)
    and translated where it is shown, with `_(text)`."""
    return message
