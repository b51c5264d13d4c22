"""What authenticating a Teams activity costs swarmbot, with a real (loopback-signed) token.

    python benchmarks/teams_auth.py [--requests 300]

The turn benchmark (teams_turn.py) runs both sides in Emulator mode, without tokens (the
stock side cannot fetch them from a loopback issuer), so it leaves this cost out. Here a
local OpenID/JWKS issuer signs Bot Framework channel tokens and swarmbot's authentication
checks them as `/api/messages` does: `verify_token` (before the body is read), then
botbuilder's `authenticate_request` (against the activity). Reported: microseconds per
request with a new token every time (the worst case) and with the same token again (what
the Bot Connector does while a token is valid: botbuilder_fixes defect 8).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.teams.endpoint import start_teams  # noqa: E402
from adapters.teams.envelope import parse_activity  # noqa: E402
from benchmarks.teams_turn import activity  # noqa: E402
from bot.config import Config  # noqa: E402
from testkit.teams.jwks_issuer import APP_ID, PASSWORD, JwksIssuer  # noqa: E402

SERVICE_URL = "http://127.0.0.1:9/"


async def measure(requests: int) -> dict[str, float]:
    issuer = JwksIssuer(APP_ID, PASSWORD)
    await issuer.start()
    config = Config()
    config.teams.enabled = True
    config.teams.openid_metadata_url = issuer.metadata_url
    runtime = await start_teams(config, {"MicrosoftAppId": APP_ID,
                                         "MicrosoftAppPassword": PASSWORD})
    auth = runtime.auth
    act = parse_activity(json.dumps(activity(SERVICE_URL, "help")).encode())
    try:
        async def check(header: str) -> float:
            start = time.perf_counter()
            await auth.verify_token(header)
            await auth.authenticate_request(act, header)
            return time.perf_counter() - start

        # Tokens differ by their iat/exp; signing is done before the clock starts.
        fresh = []
        for i in range(requests):
            header = "Bearer " + issuer.channel_token(SERVICE_URL, expires_in=3600 + i)
            fresh.append(await check(header))
        same = "Bearer " + issuer.channel_token(SERVICE_URL)
        await check(same)
        again = [await check(same) for _ in range(requests)]
    finally:
        await runtime.close()
        await issuer.stop()
    return {"new_token_us": 1e6 * statistics.median(fresh),
            "same_token_us": 1e6 * statistics.median(again)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    r = asyncio.run(measure(args.requests))
    print(f"authenticating one activity: a new token {r['new_token_us']:.0f} µs, the same "
          f"token again {r['same_token_us']:.1f} µs (median of {args.requests})")


if __name__ == "__main__":
    main()
