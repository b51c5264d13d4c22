"""Each digest figure on a hand-built timeline (through the real commands) with known answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.digest.metrics import compute_digest, spread
from bot.digest.weeks import parse_week
from tests.digest.script import Script, utc


async def build_two_weeks(s: Script) -> None:
    """W45 (2-8 Nov 2026): P-1 opened and resolved in 24 h; P-2 opened and left open.
    W46 (9-15 Nov 2026): A-1, A-2 resolved, A-3 opened late on Sunday and left open."""
    for who, skills, function in (("bob", "sso", "identity"), ("carol", "billing", "billing"),
                                  ("dan", "networking", "support")):
        await s.at("2026-11-01 08:00", who, f"skills add {skills}")
        await s.at("2026-11-01 08:00", who, f"skills function {function}")
    await s.at("2026-11-03 10:00", "alice", "open P-1 sev3 printer on fire")
    await s.at("2026-11-04 10:00", "alice", "resolve P-1 replaced the printer")
    await s.at("2026-11-06 10:00", "alice", "open P-2 sev4 slow exports")

    await s.at("2026-11-09 09:00", "alice", 'open A-1 sev2 customer="Acme" invoices wrong')
    await s.at("2026-11-09 09:10", "alice", "need A-1 sso")
    await s.at("2026-11-09 09:17", "bob", "join A-1")  # connect: 7 min
    await s.at("2026-11-09 09:20", "bob", "touch A-1 identity checked the SSO claims")
    await s.at("2026-11-09 09:21", "alice", "mood A-1 angry billed twice")
    await s.at("2026-11-09 09:30", "carol", "join A-1")
    await s.at("2026-11-09 09:31", "carol", "touch A-1 billing found the duplicate invoice")
    await s.at("2026-11-09 09:35", "alice", "decide A-1 high refund both invoices because "
                                            "our error")
    await s.at("2026-11-09 09:36", "alice", "outcome A-1 1 kept")
    await s.at("2026-11-09 09:40", "alice", "promise A-1 2026-11-09T11:00:00Z call back")
    await s.at("2026-11-09 09:45", "alice", "thanks A-1 @carol found the duplicate invoice")
    await s.at("2026-11-09 09:50", "carol", "friction A-1 refunds: three approvals for 20 EUR")
    await s.at("2026-11-09 10:00", "alice", "mood A-1 satisfied refund confirmed")
    await s.at("2026-11-09 10:00", "alice", "handoff A-1 @dan refund done, confirm with customer")
    await s.at("2026-11-09 10:30", "dan", "accept A-1")
    await s.at("2026-11-09 10:50", "dan", "kept A-1 1")  # on time
    await s.at("2026-11-09 12:00", "dan", "resolve A-1 refunded")  # 3 h

    await s.at("2026-11-10 08:00", "alice", "open A-2 sev3 cannot pay by cheque")
    await s.at("2026-11-10 08:00", "alice", "need A-2 billing")
    await s.at("2026-11-10 08:30", "alice", "mood A-2 neutral")
    await s.at("2026-11-10 09:00", "carol", "join A-2")  # connect: 1 h
    await s.at("2026-11-10 09:00", "alice", "handoff A-2 @bob you know their admin")
    await s.at("2026-11-10 09:05", "carol", "touch A-2 billing cheque refused")
    await s.at("2026-11-10 09:06", "carol", "touch A-2 legal checked the contract")
    await s.at("2026-11-10 09:07", "alice", "touch A-2 identity reset their admin")
    await s.at("2026-11-10 09:10", "alice", "decide A-2 low accept a bank transfer")
    await s.at("2026-11-10 09:11", "alice", "decide A-2 medium waive the late fee")
    await s.at("2026-11-10 09:12", "alice", "outcome A-2 1 lost")
    await s.at("2026-11-10 09:15", "alice", "promise A-2 2026-11-10T12:00:00Z send the form")
    await s.at("2026-11-10 09:16", "alice", "promise A-2 2026-11-11T12:00:00Z call finance")
    await s.at("2026-11-10 10:00", "bob", "decline A-2 on leave tomorrow")
    await s.at("2026-11-10 10:30", "alice", "handoff A-2 @dan please take the finance call")
    await s.at("2026-11-10 11:00", "alice", "mood A-2 frustrated still no invoice")
    await s.at("2026-11-10 11:30", "carol", "friction A-2 refunds: no one owns it")
    await s.at("2026-11-10 11:31", "carol", "friction sso change: no notice to customers")
    await s.at("2026-11-10 13:00", "alice", "kept A-2 1")  # late
    await s.at("2026-11-12 08:00", "alice",
               'resolve A-2 carry="dan sends it" paid by transfer')  # 48 h

    await s.at("2026-11-15 22:00", "alice", "open A-3 sev2 VPN down")
    await s.at("2026-11-15 22:30", "alice", "need A-3 networking")  # nobody comes
    await s.at("2026-11-15 22:40", "alice", "mood A-3 neutral")
    await s.at("2026-11-15 22:45", "alice", "promise A-3 2026-11-16T12:00:00Z status update")
    s.clock.now = utc("2026-11-16 09:00")


@pytest.fixture
async def digest(tmp_path: Path) -> dict:
    s = Script(tmp_path)
    await build_two_weeks(s)
    d = compute_digest(s.core.deps.store, parse_week("2026-W46", "UTC"), s.clock.now)
    s.close()
    return d


def test_swarm_counts_and_per_day(digest: dict) -> None:
    assert (digest["opened"], digest["resolved"], digest["open_at_end"]) == (3, 2, 2)
    p = digest["previous"]
    assert (p["week"], p["opened"], p["resolved"], p["open_at_end"]) == ("2026-W45", 2, 1, 1)
    days = {d["date"]: (d["opened"], d["resolved"]) for d in digest["per_day"]}
    assert days["2026-11-09"] == (1, 1) and days["2026-11-12"] == (0, 1)
    assert days["2026-11-15"] == (1, 0) and sum(o for o, _ in days.values()) == 3


def test_time_to_resolution_and_to_connect(digest: dict) -> None:
    assert digest["time_to_resolution"] == {"median_s": 10800, "p90_s": 172800, "n": 2}
    assert digest["previous"]["time_to_resolution"] == {"median_s": 86400, "p90_s": 86400,
                                                        "n": 1}
    assert digest["time_to_connect"] == {"median_s": 420, "p90_s": 3600, "n": 2}
    assert digest["help_requests"] == 3 and digest["unanswered"] == 1
    buckets = {b["bucket"]: b["requests"] for b in digest["connect_distribution"]}
    assert buckets["5-15 min"] == 1 and buckets["15-60 min"] == 0 and buckets["1-4 h"] == 1
    assert buckets["unanswered"] == 1
    assert digest["previous"]["time_to_connect"] == {"median_s": None, "p90_s": None, "n": 0}


def test_owners_and_warm_handoffs(digest: dict) -> None:
    assert digest["handoffs"] == {"offered": 3, "accepted": 1, "declined": 1, "withdrawn": 1,
                                  "pending": 0, "stalled": 1}
    own = digest["owners_per_resolved_case"]
    assert own == {"mean": 1.5, "max": 2, "cases": 2, "passed_around": 1,
                   "distribution": {"1": 1, "2": 1, "3+": 0}}


def test_moods_are_per_case_never_per_agent(digest: dict) -> None:
    assert digest["mood_shift"] == {"improved": 1, "same": 0, "worse": 1}
    assert digest["last_mood"] == {"angry": 0, "frustrated": 1, "neutral": 0, "satisfied": 1,
                                   "delighted": 0}
    assert "alice" not in str({k: digest[k] for k in ("mood_shift", "last_mood")})


def test_recognition_quotes_what_the_colleague_added(digest: dict) -> None:
    assert [(r["from"], r["to"], r["for"], r["case"]) for r in digest["recognition"]] == [
        ("alice", "carol", "found the duplicate invoice", "A-1")]


def test_promises_decisions_friction(digest: dict) -> None:
    assert digest["promises"] == {"kept": 1, "late": 1, "broken": 1, "open": 1}
    assert digest["decisions"] == {"taken": 3, "by_risk": {"low": 1, "medium": 1, "high": 1},
                                   "by_outcome": {"kept": 1, "lost": 1, "escalated": 0,
                                                  "pending": 1}}
    assert digest["friction"] == [
        {"process": "refunds", "reports": 2,
         "quotes": ["no one owns it", "three approvals for 20 EUR"]},
        {"process": "sso change", "reports": 1, "quotes": ["no notice to customers"]}]


def test_functions_and_pairs(digest: dict) -> None:
    assert digest["functions"] == [{"function": "billing", "swarms": 2},
                                   {"function": "identity", "swarms": 2},
                                   {"function": "legal", "swarms": 1}]
    assert digest["function_pairs"] == [
        {"functions": ["billing", "identity"], "swarms": 2},
        {"functions": ["billing", "legal"], "swarms": 1},
        {"functions": ["identity", "legal"], "swarms": 1}]
    assert digest["touchpoints"] == {"total": 5, "cases": 2, "per_case": 2.5,
                                     "cases_3plus_functions": 1}



def test_spread_uses_nearest_rank() -> None:
    assert spread(list(range(1, 11))) == {"median_s": 5, "p90_s": 9, "n": 10}
    assert spread([7]) == {"median_s": 7, "p90_s": 7, "n": 1}
    assert spread([4, 1, 3]) == {"median_s": 3, "p90_s": 4, "n": 3}


async def test_off_loop_digest_equals_the_direct_one(tmp_path: Path) -> None:
    from bot.digest.metrics import compute_digest_off_loop

    s = Script(tmp_path)
    await build_two_weeks(s)
    week = parse_week("2026-W46", "UTC")
    now = s.clock.now
    direct = compute_digest(s.core.deps.store, week, now)
    assert await compute_digest_off_loop(s.core.deps.store, week, now) == direct
    assert direct["opened"] > 0
    s.close()
