"""When the Bot Framework's signing keys cannot be fetched, `/api/messages` answers 503 with
Retry-After (the channel tries again) and logs one line, no traceback; the first request
after the issuer recovers is accepted. Keys already held keep serving a failed refresh."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from adapters.teams.signing_keys import KeyCache
from testkit.teams.jwks_issuer import KEY_FAULTS
from tests.teams.conftest import Teams


async def post(teams: Teams, activity: dict[str, Any],
               expires_in: int = 3600) -> tuple[int, str | None]:
    """(status, Retry-After) of a real, validly signed activity. A token already verified
    is not checked against the keys again: a new `expires_in` makes a new token."""
    token = teams.token(activity, expires_in=expires_in)
    headers = {"Authorization": f"Bearer {token}"}
    async with teams.session.post(f"{teams.url}/api/messages", json=activity,
                                  headers=headers) as resp:
        await resp.read()
    await teams.runtime.work.drain()
    return resp.status, resp.headers.get("Retry-After")


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.exc_info], caplog.text
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("fault", KEY_FAULTS)
async def test_unfetchable_keys_are_a_503_with_retry_after_then_recovered(
        teams: Teams, fault: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    teams.issuer.fault = fault
    act = teams.activity("personal_message", text="open ZD-1 sev2 keys are down")
    status, retry_after = await post(teams, act)
    assert status == 503
    assert retry_after is not None and int(retry_after) > 0
    assert teams.core.deps.store.cases.by_ref("ZD-1") is None  # never reached the core
    assert teams.connector.calls == []
    said = [r for r in caplog.records if "503" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.WARNING, caplog.text
    assert "signing keys" in said[0].getMessage()
    no_traceback(caplog)

    teams.issuer.fault = None  # the issuer recovers: the very next request goes through
    act = teams.activity("personal_message", text="open ZD-1 sev2 keys are back")
    status, _ = await post(teams, act)
    assert status == 201
    assert teams.core.deps.store.cases.by_ref("ZD-1") is not None


async def test_held_keys_serve_while_a_routine_refresh_fails(
        teams: Teams, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    status, _ = await post(teams, teams.activity("personal_message", text="help"))
    assert status == 201  # the keys are fetched and held
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(KeyCache, "REFRESH_AFTER", 0)  # every request finds them due
    teams.issuer.fault = "keys_500"
    for n, text in enumerate(("open ZD-2 sev3 refresh failed", "status")):
        act = teams.activity("personal_message", text=text)
        status, _ = await post(teams, act, expires_in=3000 + n)
        assert status == 201
    said = [r for r in caplog.records if "signing keys" in r.getMessage()]
    assert len(said) == 1, caplog.text  # one try (and one line) until REFRESH_RETRY is up
    no_traceback(caplog)
    # Past the age botbuilder would trust them, held keys no longer stand in: 503.
    monkeypatch.setattr(KeyCache, "BOTBUILDER_MAX_AGE", 0)
    act = teams.activity("personal_message", text="help")
    status, retry_after = await post(teams, act, expires_in=2000)
    assert (status, retry_after is not None) == (503, True)
