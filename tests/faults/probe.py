"""Probes of their own: `probes(base, folder, healthz=0.05)` runs one per path, and
`python -m tests.faults.probe URL EVERY OUT` (what each runs) GETs URL every EVERY
seconds on one keep-alive connection and appends a JSON line per answer to OUT:
`{"t": <CLOCK_MONOTONIC when sent>, "status": <int or null>, "took": <seconds>}`.

Why a process of its own: the test's event loop also serves the fake Slack and sends the
load; a probe on it would measure its own queueing as the server's. CLOCK_MONOTONIC is one
clock for every process on the machine, so the test lines its samples up with its events.
Stopped with SIGTERM (each line is flushed as written).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]



def probe(url: str, every: float, out: Path, timeout: float = 5.0) -> None:
    parts = urlsplit(url)
    conn: http.client.HTTPConnection | None = None
    stop = False

    def stopping(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, stopping)
    with out.open("a", encoding="utf-8") as lines:
        while not stop:
            sent = time.monotonic()
            status: int | None = None
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(parts.hostname, parts.port,
                                                      timeout=timeout)
                conn.request("GET", parts.path)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
            took = time.monotonic() - sent
            lines.write(json.dumps({"t": sent, "status": status, "took": took}) + "\n")
            lines.flush()
            time.sleep(max(0.0, every - took))


def read_probe(out: Path) -> list[dict[str, float | int | None]]:
    """The samples written so far (a line being written is left out)."""
    if not out.exists():
        return []
    samples = []
    for line in out.read_text(encoding="utf-8").splitlines():
        try:
            samples.append(json.loads(line))
        except ValueError:
            continue
    return samples


class Probe:
    """`GET path` every `every` seconds from a process of its own (tests/faults/probe.py)."""

    def __init__(self, base: str, path: str, every: float, out: Path) -> None:
        self.url, self.every, self.out = base + path, every, out
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.faults.probe", self.url, str(self.every),
            str(self.out), cwd=REPO, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()

    def samples(self) -> list[dict]:
        return read_probe(self.out)

    async def first(self) -> None:
        """Wait until the probe has answered once (its interpreter is up)."""
        while not self.samples():
            assert self.proc is not None and self.proc.returncode is None, "probe died"
            await asyncio.sleep(0.02)


@asynccontextmanager
async def probes(base: str, folder: Path, **every: float) -> AsyncIterator[dict[str, Probe]]:
    """One probe process per path: `probes(base, tmp, healthz=0.05, readyz=0.25)`."""
    found = {name: Probe(base, f"/{name}", period, folder / f"probe-{name}.jsonl")
             for name, period in every.items()}
    try:
        for p in found.values():
            await p.start()
        for p in found.values():
            await p.first()
        yield found
    finally:
        for p in found.values():
            await p.stop()


if __name__ == "__main__":
    probe(sys.argv[1], float(sys.argv[2]), Path(sys.argv[3]))
