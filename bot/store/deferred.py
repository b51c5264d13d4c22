"""Work a transaction leaves to its end: each store's `transaction()` makes one `Deferred`
and runs it just before COMMIT (not when the transaction rolls back), so that work can take
its row locks all at once, in one order, whatever order the command's steps came in
(bot/store/expert_pending.py: the expert finder's figures, issue 28). A savepoint rolled back
takes back what was deferred inside it (`mark` / `restore`)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

Flush = Callable[[Any], None]


class Deferred:
    def __init__(self) -> None:
        self._work: dict[str, tuple[Any, Flush]] = {}

    def state(self, name: str, make: Callable[[], Any], flush: Flush) -> Any:
        """The named work's state, made on first use; `flush(state)` runs it."""
        found = self._work.get(name)
        if found is None:
            found = self._work[name] = (make(), flush)
        return found[0]

    def take(self, name: str) -> tuple[Any, Flush] | None:
        """The named work (no longer deferred): to run now, before a read that needs it."""
        return self._work.pop(name, None)

    def run(self) -> None:
        """Everything deferred, each in the order first deferred (what a flush defers runs
        too)."""
        while self._work:
            name = next(iter(self._work))
            state, flush = self._work.pop(name)
            flush(state)

    def mark(self) -> dict[str, tuple[Any, Flush]]:
        return {name: (copy.deepcopy(state), flush)
                for name, (state, flush) in self._work.items()}

    def restore(self, mark: dict[str, tuple[Any, Flush]]) -> None:
        self._work = mark
