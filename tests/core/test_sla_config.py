"""`[sla.<name>]` policies (bot/sla.py): every problem reported at once, one line each, and
which policy a case is under."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import sla
from bot.config import load_config
from bot.domain import Case, CaseStatus
from bot.errors import ConfigError

BAD = """
[sla.gold]
first_response = "1 hour"
warn_before = "soon"
timezone = "Mars/Olympus"
days = ["mon", "funday"]
hours = "17:00-09:00"
holidays = ["2026-12-24", "Christmas"]
types = ["billing", "nosuch"]
severities = ["sev1", "sev9"]
priorities = "urgent"
colour = "gold"

[sla.none]
resolution = "1d"

[sla.bronze]
resolution = "3d"
hours = "09:00-17:00"

[sla.silver]
timezone = "Europe/Berlin"

[types.billing]
skills = ["invoices"]
"""


def test_every_problem_at_once(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(BAD)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    lines = str(err.value).splitlines()
    expected = [
        "[sla.gold] first_response = '1 hour' is not a duration",
        "[sla.gold] warn_before = 'soon' is not a duration",
        "[sla.gold] timezone 'Mars/Olympus' is not an IANA zone",
        "[sla.gold] days: 'funday' is not a weekday",
        "[sla.gold] hours = '17:00-09:00' is not an opening span like \"09:00-17:00\"",
        "[sla.gold] holidays: 'Christmas' is not a date (YYYY-MM-DD)",
        "[sla.gold] types: 'nosuch' is no swarm type (known: billing, sev1, sev2, sev3, sev4)",
        "[sla.gold] severities: 'sev9' is not sev1..sev4",
        "[sla.gold] priorities must be a list of strings",
        "unknown key [sla.gold] colour (known: ",
        "[sla.none]: a policy name is lowercase letters, digits, - or _ (not \"none\"",
        "[sla.bronze] resolution = '3d': on business hours give hours or minutes",
        "[sla.silver] sets no target: give first_response, next_update or resolution",
        "[sla.silver] timezone is set without business hours",
    ]
    for want in expected:
        assert any(want in line for line in lines), (want, lines)
    assert len([x for x in lines if "[sla." in x]) == len(expected)


def test_a_good_policy_loads(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[sla.gold]\nfirst_response = "1h"\nresolution = "48h"\n'
                    'hours = "08:00-24:00"\ndays = ["Mon", "tuesday"]\n'
                    'timezone = "Europe/Berlin"\nseverities = ["sev1"]\n')
    gold = sla.policies(load_config(path).sla)["gold"]
    assert gold.targets == {"first_response": timedelta(hours=1),
                            "resolution": timedelta(days=2)}
    assert gold.hours is not None and gold.hours.days == frozenset({0, 1})
    assert gold.hours.closes is None and gold.severities == (1,)
    assert gold.warn_before == sla.DEFAULT_WARN


POLICIES = sla.policies({
    "sev1-cover": {"first_response": "1h", "severities": ["sev1"]},
    "billing": {"first_response": "4h", "types": ["billing"]},
    "urgent": {"first_response": "30m", "priorities": ["urgent"], "tags": ["vip"]},
})
CASE = Case(id=1, ref="ZD-1", customer="Acme", summary="down", severity=1,
            status=CaseStatus.OPEN, owner="ann", platform="slack", room_id=None,
            room_name=None, delight=None, resolution=None, opened_at="2026-11-16T09:00:00Z",
            resolved_at=None)


def test_the_first_match_wins() -> None:
    def chosen(case: Case, kind: str = "sev1") -> str | None:
        p = sla.choose(POLICIES, case, kind)
        return p.name if p else None

    assert chosen(CASE) == "sev1-cover"
    assert chosen(replace(CASE, severity=3), "billing") == "billing"
    assert chosen(replace(CASE, severity=3), "sev3") is None
    assert chosen(replace(CASE, priority="urgent"), "billing") == "urgent"
    assert chosen(replace(CASE, sla="billing", priority="urgent")) == "billing"
    assert chosen(replace(CASE, sla="none")) is None
    assert sla.from_ticket(POLICIES, ("VIP", "sso")) == "urgent"
    assert sla.from_ticket(POLICIES, ("sso",)) is None


def test_targets() -> None:
    gold = sla.policies({"gold": {"first_response": "1h", "next_update": "2h",
                                  "resolution": "1d"}})["gold"]
    opened = "2026-11-16T09:00:00Z"
    now = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
    names = [t.name for t in sla.targets(gold, opened, (None, None), None)]
    assert names == ["first_response", "resolution"]  # no update owed before a first contact
    first, update, resolution = sla.targets(
        gold, opened, ("2026-11-16T09:40:00Z", "2026-11-16T10:00:00Z"), None)
    assert not first.breached(now) and first.met_at is not None
    assert update.due == datetime(2026, 11, 16, 12, tzinfo=UTC)
    assert resolution.due == datetime(2026, 11, 17, 9, tzinfo=UTC)
    late = sla.targets(gold, opened, ("2026-11-16T10:01:00Z",) * 2, "2026-11-18T09:00:00Z")
    assert late[0].breached(now) and late[1].breached(now)  # met late; resolved late
    assert [t.name for t in late] == ["first_response", "resolution"]  # closed: no update
