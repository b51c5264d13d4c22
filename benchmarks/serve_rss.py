"""Memory of a real `swarmbot serve` process, idle and after load, beside a bare Bolt app.

    python benchmarks/serve_rss.py [--requests 2000] [--opens 50]

`swarmbot serve` runs as the CLI starts it (testkit/serve_proc.py: a config file, the
fake Slack on 127.0.0.1 in this process); the baseline is a bare Bolt app acking and
answering on response_url, in its own process too (benchmarks/slack_ack.py). Resident set
size (VmRSS) after start-up, then after `requests` signed `/swarm help` (10 in flight) and
`opens` `/swarm open`s, every one answered (and every swarm's platform calls made).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.slack_ack import signed_command, start_side, wait_answered  # noqa: E402
from testkit.loopback import serve  # noqa: E402
from testkit.serve_proc import Serve, settled  # noqa: E402
from testkit.slack.fake_slack import FakeSlack  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


async def load(session: aiohttp.ClientSession, url: str, fake: FakeSlack,
               requests: int) -> None:
    """`requests` signed `/swarm help`, 10 in flight, until each is answered."""
    answered = len(fake.responses)
    queue = iter(range(requests))

    async def worker() -> None:
        for i in queue:
            body, headers = signed_command(fake, i)
            async with session.post(url + "/slack/events", data=body, headers=headers) as r:
                assert r.status == 200, r.status
    await asyncio.gather(*(worker() for _ in range(10)))
    await wait_answered(fake, answered + requests)


async def measure(requests: int = 2000, opens: int = 50) -> dict[str, Any]:
    fake = FakeSlack()
    fake.add_channel("swarm-triage")
    fake_runner, fake_url = await serve(fake.app)
    fake.base_url = fake_url + "/"
    out: dict[str, Any] = {"requests": requests, "opens": opens}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        ours = Serve(tmp, fake)
        async with aiohttp.ClientSession() as session:
            await ours.start(session)
            bolt, bolt_url = await start_side("bolt", fake.base_url + "api/", tmp)
            try:
                assert ours.proc is not None
                pids = {"swarmbot": ours.proc.pid, "bare bolt": bolt.pid}
                out["idle_mb"] = {k: rss_mb(p) for k, p in pids.items()}
                await load(session, ours.base, fake, requests)
                for n in range(opens):
                    assert await ours.slash(session, "U0OWNER1", f"open ZD-{n + 1} sev3 "
                                            "Acme cannot log in after SSO change")
                    await ours.answered(ours.last_rid())
                await ours.settle(settled)
                await load(session, bolt_url, fake, requests)
                out["loaded_mb"] = {k: rss_mb(p) for k, p in pids.items()}
            finally:
                await ours.stop()
                bolt.terminate()
                bolt.wait(timeout=10)
    await fake_runner.cleanup()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--opens", type=int, default=50)
    args = ap.parse_args()
    r = asyncio.run(measure(args.requests, args.opens))
    for side in ("swarmbot", "bare bolt"):
        print(f"{side:10} idle {r['idle_mb'][side]:6.1f} MB   after {args.requests} requests"
              f" (+{args.opens} opens for swarmbot) {r['loaded_mb'][side]:6.1f} MB")


if __name__ == "__main__":
    main()
