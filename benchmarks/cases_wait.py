"""Cases do not wait for each other: one case's commands alone, then 30 cases' at once, on a
real `swarmbot serve` whose Slack answers every Web API call after 150 ms.

    python -m benchmarks.cases_wait [--rounds 5] [--cases 30] [--latency 0.15]
                                    [--store sqlite|postgres] [--quick] [--json FILE]

Phase A: one case, 10 `/swarm` commands sent one after another by its owner, each counted
done when its first answer reaches its own response_url (a loopback recorder; the next
command is sent only then, as a person reads the answer before typing on). Phase B: `--cases`
cases x the same 10 commands, each case's commands one after another in the same way, all
cases at once. time(B) / time(A) is the figure: 1.0 means 30 cases cost no more than one;
the target is <= 2.0. Rounds alternate A and B (median of each); the cases are opened
before the first round (not timed) and the platform's calls left over are awaited between
phases.

The commands (COMMANDS) are a case's ordinary work; about half make Web API calls (ask
triage, invite, the brief's topic and update), each 150 ms at the fake Slack. swarmbot runs
as `swarmbot serve` in a process of its own, configured by a file; the benchmark speaks HTTP
only (signed slash commands in, Web API calls and response_url answers out), so it measures
whatever the core looks like inside. Server CPU is read from /proc for each phase: a phase
cannot take less wall time than the CPU the single server process spends in it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.live_serve import (  # noqa: E402
    Answers,
    SwarmbotServe,
    loopback_slack,
    pct,
    quiet,
    signed_slash,
    store_url,
)
from benchmarks.proc_cpu import cpu_seconds  # noqa: E402
from testkit.slack.fake_slack import FakeSlack  # noqa: E402

# A case's work, in the order a case's owner types it. {n}: the round, so that each round's
# invitee and severity are new (inviting someone twice is refused, rightly).
COMMANDS = (
    "need {ref} billing networking",  # asks triage: chat.postMessage
    "note {ref} called the customer, SSO config exported",
    "invite {ref} <@U{case:02d}X{n:02d}>",  # conversations.invite, then a DM
    "touch {ref} identity checked the SAML assertion",
    "set {ref} severity {sev}",  # the brief's topic and message updated
    "mood {ref} frustrated locked out since Monday",
    "promise {ref} 17:00 call back with the fix",  # the brief updated
    "delight {ref} a working login before their board meeting",  # the brief updated
    "note {ref} identity found a clock skew on the IdP",
    "status {ref}",
)


def owner(case: int) -> str:
    return f"U0OWN{case:03d}"


def ref(case: int) -> str:
    return f"ZD-{7000 + case}"


class Load:
    """Signed slash commands into one `swarmbot serve`, answers read at the recorder."""

    def __init__(self, http: aiohttp.ClientSession, url: str, answers: Answers) -> None:
        self.http, self.url, self.answers = http, url + "/slack/events", answers
        self.sent = 0

    async def command(self, text: str, user: str, rid: str, timeout: float) -> float:
        """Send one command; seconds until its first answer reached its response_url."""
        self.sent += 1
        body, headers = signed_slash(text, user, self.answers.url(rid),
                                     f"t{self.sent}.{time.monotonic_ns()}")
        started = time.perf_counter()
        async with self.http.post(self.url, data=body, headers=headers) as resp:
            await resp.read()
            if resp.status != 200:
                raise RuntimeError(f"{text!r} was answered HTTP {resp.status}")
        return await self.answers.wait(rid, timeout) - started

    async def case(self, case: int, n: int, timeout: float) -> list[float]:
        """The case's 10 commands one after another; each one's seconds to its answer."""
        sev = ("sev1", "sev3")[n % 2]
        out = []
        for i, template in enumerate(COMMANDS):
            text = template.format(ref=ref(case), case=case, n=n, sev=sev)
            out.append(await self.command(text, owner(case), f"{ref(case)}.{n}.{i}", timeout))
        return out


async def phase(load: Load, cases: list[int], n: int, pid: int, timeout: float
                ) -> dict[str, Any]:
    used = cpu_seconds(pid)
    started = time.perf_counter()
    per_case = await asyncio.gather(*(load.case(c, n, timeout) for c in cases))
    elapsed = time.perf_counter() - started
    return {"s": elapsed, "cpu_s": cpu_seconds(pid) - used,
            "answer_s": [t for ts in per_case for t in ts]}


async def measure(rounds: int = 5, cases: int = 30, latency: float = 0.150,
                  store: str = "sqlite") -> dict[str, Any]:
    timeout = 60 + 40 * latency * cases  # bounded: a stuck answer fails the run
    out: dict[str, Any] = {"rounds": rounds, "cases": cases, "commands": len(COMMANDS),
                           "latency": latency, "store": store, "A": [], "B": []}
    with store_url(store) as url, tempfile.TemporaryDirectory() as tmp:
        async with loopback_slack() as (fake, answers), aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0)) as http:
            swarmbot = SwarmbotServe(Path(tmp), fake.base_url + "api/", url)
            await swarmbot.start(http)
            try:
                fake.latency = latency  # after start-up (auth.test): the commands' calls
                load = Load(http, swarmbot.base, answers)
                assert swarmbot.proc is not None
                pid = swarmbot.proc.pid
                started = time.perf_counter()
                await open_cases(load, cases + 1, timeout)
                await quiet(fake)
                out["setup_s"] = time.perf_counter() - started
                for n in range(rounds):
                    # Case 0 is phase A's; 1..cases are phase B's.
                    out["A"].append(await phase(load, [0], n, pid, timeout))
                    await quiet(fake)
                    out["B"].append(await phase(load, list(range(1, cases + 1)), n, pid,
                                                timeout))
                    await quiet(fake)
                out["refused"] = answers.refused()
                out["web_api_calls"] = count_calls(fake)
            except BaseException:
                print(swarmbot.log_tail(), file=sys.stderr)
                raise
            finally:
                await swarmbot.stop()
    a = statistics.median(p["s"] for p in out["A"])
    b = statistics.median(p["s"] for p in out["B"])
    out["ratio"] = b / a
    return out


async def open_cases(load: Load, count: int, timeout: float) -> None:
    """Every case opened by its owner (its room made, its brief posted), 10 at a time."""
    todo = iter(range(count))

    async def opener() -> None:
        for c in todo:
            await load.command(f"open {ref(c)} sev2 Acme cannot log in after SSO change",
                               owner(c), f"{ref(c)}.open", timeout)
    await asyncio.gather(*(opener() for _ in range(min(10, count))))


def count_calls(fake: FakeSlack) -> dict[str, int]:
    calls: dict[str, int] = {}
    for c in fake.calls:
        calls[c.method] = calls.get(c.method, 0) + 1
    return calls


def report(r: dict[str, Any]) -> None:
    ms = 1000
    print(f"cases do not wait for each other: `swarmbot serve` ({r['store']}), Slack Web API "
          f"{r['latency'] * ms:.0f} ms a call, {r['rounds']} rounds A/B alternating")
    print(f"{'phase':34} {'time':>8} {'min-max':>15} {'answer p50':>11} {'p99':>8} "
          f"{'server CPU':>11}")
    for key, name in (("A", f"A: 1 case x {r['commands']} commands"),
                      ("B", f"B: {r['cases']} cases x {r['commands']} commands")):
        runs = r[key]
        times = [p["s"] for p in runs]
        lat = [t for p in runs for t in p["answer_s"]]
        print(f"{name:34} {statistics.median(times):7.2f}s "
              f"{min(times):6.2f}-{max(times):6.2f}s {pct(lat, 50) * ms:9.0f}ms "
              f"{pct(lat, 99) * ms:6.0f}ms {statistics.median(p['cpu_s'] for p in runs):10.2f}s")
    print(f"time(B) / time(A) = {r['ratio']:.2f}x (target <= 2.0; 1.0: the cases do not "
          "wait for each other)")
    if r["refused"]:
        print(f"{len(r['refused'])} answers were errors, e.g. {r['refused'][:3]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.cases_wait",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cases", type=int, default=30, help="phase B's cases")
    ap.add_argument("--latency", type=float, default=0.150, help="seconds per Web API call")
    ap.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite",
                    help="postgres: a throwaway cluster (benchmarks/pg_common.py)")
    ap.add_argument("--quick", action="store_true", help="1 round, 4 cases (the smoke test)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    if args.quick:
        args.rounds, args.cases = 1, 4
    r = asyncio.run(measure(args.rounds, args.cases, args.latency, args.store))
    report(r)
    if args.json:
        args.json.write_text(json.dumps(r, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
