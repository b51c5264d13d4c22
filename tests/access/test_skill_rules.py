"""Skill rules (issue 26): `[[skill_rules]]` suggest skills at `open`; `need suggested` asks
triage for them once; the digest counts suggestions made and taken; config mistakes are
one line each."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.digest.metrics import compute_digest
from bot.digest.weeks import week_containing
from bot.errors import ConfigError
from bot.skill_rules import suggest

RULES = [
    {"name": "money", "words": ["invoice", "refund"], "skills": ["billing"]},
    {"words": ["sso", "log in"], "skills": ["identity"]},
    {"severity": ["sev1"], "tags": ["vip"], "skills": ["incident"]},
    {"organization": ["Initech"], "type": ["sev2"], "skills": ["legal"]},
]


def test_rules_match_words_severity_tags_organization_in_order() -> None:
    hint = suggest(RULES, "all", "Refund stuck after the SSO change", 2, "sev2")
    assert hint is not None and hint.skills == ("billing", "identity")
    assert "money" in hint.why and "refund" in hint.why
    first = suggest(RULES, "first", "Refund stuck after the SSO change", 2, "sev2")
    assert first is not None and first.skills == ("billing",)
    assert suggest(RULES, "all", "refunded", 3, "sev3") is None  # whole words only
    assert suggest(RULES, "all", "cannot log in", 3, "sev3").skills == ("identity",)  # type: ignore[union-attr]
    assert suggest(RULES, "all", "down", 1, "sev1") is None  # a tag is needed too
    assert suggest(RULES, "all", "down", 1, "sev1", ("VIP",)).skills == ("incident",)  # type: ignore[union-attr]
    assert suggest(RULES, "all", "x", 2, "sev2", (), "initech").skills == ("legal",)  # type: ignore[union-attr]
    asked = suggest(RULES, "all", "refund via sso", 3, "sev3", asked=("billing",))
    assert asked is not None and asked.skills == ("identity",)


def test_config_mistakes_are_one_line_each(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[skill_suggestions]\nmode = "some"\n\n[[skill_rules]]\nwords = "sso"\n'
                    'skills = ["identity"]\n\n[[skill_rules]]\nskills = ["x"]\ncolour = ["red"]\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    text = str(err.value)
    assert "[skill_suggestions] mode = 'some' must be \"first\" or \"all\"" in text
    assert "[[skill_rules]] #1 words must be a list of strings" in text
    assert "unknown key [[skill_rules]] #2 colour" in text
    assert "[[skill_rules]] #2 matches nothing" in text
    path.write_text('[[skill_rules]]\nwords = ["sso"]\nskills = ["identity"]\n', encoding="utf-8")
    assert load_config(path).skill_rules == [{"words": ["sso"], "skills": ["identity"]}]


@pytest.fixture
def config(config: Config) -> Config:
    config.skill_rules = list(RULES)
    config.people.managers = ["manny"]
    return config


async def test_two_rules_suggest_two_skills_and_need_suggested_asks_for_both(
        say, core, port, clock) -> None:  # noqa: ANN001
    await say("bob", "skills add billing")
    await say("ida", "skills add identity")
    out = await say("alice", "open ZD-7 sev3 Refund stuck after SSO change")
    assert "The skill rules suggest billing, identity" in out
    assert "need ZD-7 suggested" in out
    assert not [s for s in port.sent if s.action == "post" and "Help wanted" in
                (s.reply.title or "" if s.reply else "")]  # nobody asked until the owner says
    await say("carol", "open ZD-8 sev3 Printer jams")  # no rule: no suggestion
    assert "skill rules" not in (await say("carol", "status ZD-8"))

    out = await say("alice", "need ZD-7 suggested")
    assert "Asked triage for billing, identity." in out and "@bob" in out and "@ida" in out
    help_posts = [s for s in port.sent if s.action == "post" and s.reply is not None
                  and (s.reply.title or "").startswith("Help wanted on ZD-7")]
    assert len(help_posts) == 1
    again = await say("alice", "need ZD-7 suggested")
    assert "already" in again
    assert "suggested nothing" in await say("carol", "need ZD-8 suggested")

    await say("dan", "open ZD-9 sev3 Invoice doubled")  # suggested, ignored by its owner
    clock.advance(days=7)
    digest = compute_digest(core.deps.store, week_containing(clock.now - timedelta(days=7),
                                                             "UTC"), clock.now)
    assert digest["skill_suggestions"] == {"made": 2, "taken": 1}
    out = await say("manny", "digest " + digest["week"])
    assert "2 made at open, 1 taken" in out
