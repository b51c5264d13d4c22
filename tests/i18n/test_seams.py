"""Issue 25, the seams of the translations: the deployment's language in the config, the
reader's locale carried by a delivery (and by rows already in inboxes), the shell's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.shell.port import ShellChatPort
from adapters.shell.repl import Shell
from bot import i18n
from bot.config import Config, load_config
from bot.errors import ConfigError
from handlers import language
from handlers.delivery import Delivery, Sender, Typed


def test_the_deployment_language_is_checked_in_one_line(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[i18n]\nlanguage = "de"\n')
    assert load_config(good).i18n.language == "de"
    assert Config().i18n.language == "en"
    bad = tmp_path / "bad.toml"
    bad.write_text('[i18n]\nlanguage = "fr"\n')
    with pytest.raises(ConfigError) as err:
        load_config(bad)
    lines = str(err.value).splitlines()
    assert len(lines) == 1 and "[i18n] language 'fr'" in lines[0] and "'de'" in lines[0]


def test_a_locale_tag_names_a_language_with_a_catalogue_else_the_deployments() -> None:
    assert i18n.language_of("de-DE", "en") == "de"
    assert i18n.language_of("de_AT", "en") == "de"
    assert i18n.language_of("fr-FR", "en") == "en"
    assert i18n.language_of(None, "de") == "de"
    assert i18n.language_of("en-US", "de") == "en"


def test_sender_locale_survives_the_inbox_and_old_rows_still_read() -> None:
    d = Delivery(source="slack", sender=Sender("U1", locale="de-DE"), what=Typed("help"),
                 key="k1")
    assert Delivery.from_json(d.to_json()).sender.locale == "de-DE"
    old = json.loads(d.to_json())
    del old["sender"]["locale"]  # a row written before the locale was carried
    back = Delivery.from_json(json.dumps(old))
    assert back.sender == Sender("U1") and back.sender.locale is None


def test_for_sender_speaks_the_readers_and_shares_the_deployments() -> None:
    cfg = Config()
    cfg.i18n.language = "de"
    with language.for_sender(cfg, Sender("U1", locale="en-US")):
        assert i18n.current() == "en"
        with i18n.shared():
            assert i18n.current() == "de"
        assert i18n.current() == "en"
    with language.for_sender(cfg, Sender("U2")):
        assert i18n.current() == "de"
    with language.for_everyone(cfg):
        assert i18n.current() == "de"
    assert i18n.current() == "en"


def test_the_shell_takes_its_language_from_swarmbot_lang(
        monkeypatch: pytest.MonkeyPatch, core: object) -> None:
    monkeypatch.setenv("SWARMBOT_LANG", "de")
    shell = Shell(core, ShellChatPort(), out=lambda _: None)  # type: ignore[arg-type]
    assert shell.lang == "de"
    monkeypatch.delenv("SWARMBOT_LANG")
    assert Shell(core, ShellChatPort(),  # type: ignore[arg-type]
                 out=lambda _: None).lang is None
