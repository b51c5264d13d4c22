"""What the tests and the benchmarks both stand up: the other side of each wire on
loopback (a fake Slack Web API, a fake Bot Connector, a local JWKS issuer, Graph), Slack's
request signing, a throwaway PostgreSQL cluster, `serve` subprocesses, the in-memory chat
port.

Not part of the shipped package (pyproject's package find includes bot, handlers,
adapters and demo only), and it imports nothing from `tests`: the benchmarks run from a
checkout without pytest's fixtures, and the shipped code never sees a fake.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
