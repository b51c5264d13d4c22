"""Verified Bot Framework tokens are remembered until they expire, never past it, and only
for the very inputs they were verified with (adapters/teams/verified_tokens.py)."""

from __future__ import annotations

from adapters.teams.verified_tokens import VerifiedTokens


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_token_is_kept_until_its_exp_claim() -> None:
    clock = Clock()
    seen = VerifiedTokens(clock)
    seen.put("Bearer a", {"exp": 1_060}, "claims of a")
    assert seen.get("Bearer a") == "claims of a"
    clock.now = 1_059.9
    assert seen.get("Bearer a") == "claims of a"
    clock.now = 1_060
    assert seen.get("Bearer a") is None  # expired: verified in full again
    clock.now = 1_000
    assert seen.get("Bearer a") is None  # and forgotten


def test_only_what_was_verified_is_known() -> None:
    seen = VerifiedTokens(Clock())
    seen.put(("activity", "Bearer a", "msteams", "https://smba/"), {"exp": 2_000}, "ok")
    assert seen.get(("activity", "Bearer a", "msteams", "https://evil/")) is None
    assert seen.get(("activity", "Bearer b", "msteams", "https://smba/")) is None


def test_a_token_without_a_usable_exp_is_not_kept() -> None:
    seen = VerifiedTokens(Clock())
    for claims in ({}, {"exp": "2000"}, {"exp": True}, {"exp": None}):
        seen.put("Bearer a", claims, "x")
        assert seen.get("Bearer a") is None


def test_the_oldest_go_first_past_the_limit() -> None:
    seen = VerifiedTokens(Clock(), size=2)
    for name in ("a", "b", "c"):
        seen.put(name, {"exp": 2_000}, name)
    assert [seen.get(n) for n in ("a", "b", "c")] == [None, "b", "c"]
