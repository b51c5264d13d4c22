"""One swarm across the chat platforms served (issue 29, docs/bridge.md).

A person is one record whatever platform they write from: each platform account maps to
one person id (`accounts`, matched by verified email at the edge). A case has its home
room (on the platform it was opened on) and, once it reaches someone on another platform,
a mirror room there (`rooms`). What the core records once is shown in every room of the
case (`effects`, `relay`); the outbox performs each platform's calls with their own
idempotency plans (bot/services/bridge_performers.py). Nothing here names a platform:
platforms are the keys of `Deps.ports`.
"""
