"""CPU time of processes on this machine, from Linux /proc: what a request or a command
costs, whatever the other load on the shared machine. One helper for every benchmark that
counts a server's or PostgreSQL's backends' CPU (standard library only, so that a benchmark
timing an older checkout with `--tree` can import it before that checkout's code)."""

from __future__ import annotations

import os
from pathlib import Path


def _stat(pid: int | str) -> list[str]:
    # The fields after the command name (which may hold spaces and parentheses).
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 if it is gone."""
    try:
        fields = _stat(pid)
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(parent: int) -> list[int]:
    """The processes whose parent is `parent` (a postmaster's backends)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(_stat(entry)[1]) == parent:
                    out.append(int(entry))
            except OSError:  # gone meanwhile
                continue
    return out


def children_cpu(parent: int | None) -> float:
    """CPU seconds of `parent`'s children alive now; 0 without a parent."""
    return sum(cpu_seconds(pid) for pid in children(parent)) if parent else 0.0
