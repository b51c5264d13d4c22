"""Without [assistant], the shell's handoff draft of the README's worked session names the
last mood, what was tried and each open promise (issue 30)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def _readme_session() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    session = readme.split("A worked session", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    return session.splitlines()


def test_the_readme_sessions_handoff_draft_names_mood_tried_and_each_promise(
        tmp_path: Path) -> None:
    lines = _readme_session()
    at = next(i for i, line in enumerate(lines) if line.startswith("/swarm handoff @bob "))
    before = lines[:at]
    script = "\n".join(before + ["/swarm handoff @bob draft", "/swarm handoff"]) + "\n"
    proc = subprocess.run([sys.executable, "-m", "adapters.cli", "shell", "--db",
                           str(tmp_path / "s.db")], cwd=REPO, input=script,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    shown = out.split("Draft briefing for @bob on ZD-4711, by the timeline (only you see this)",
                      1)
    assert len(shown) == 2 and shown[0].rstrip().endswith("[only @alice] swarmbot:"), out
    draft = shown[1].split("Nothing was sent", 1)[0]
    mood = next(re.sub(r"^/swarm mood \w+ ", "", line) for line in reversed(before)
                if line.startswith("/swarm mood"))
    level = next(line.split()[2] for line in reversed(before) if line.startswith("/swarm mood"))
    tried = re.search(r'tried="([^"]+)"', "\n".join(before)).group(1)  # type: ignore[union-attr]
    promises = [re.sub(r"^/swarm promise (?:in \S+|\S+) ", "", line) for line in before
                if line.startswith("/swarm promise")]
    assert promises
    assert f"{level} ({mood})" in draft
    assert tried in draft
    for promise in promises:
        assert promise in draft, promise
    # The form (the shell prints it as the command to type) carries the same draft.
    form = out.split("Draft briefing for the next owner (nothing was sent):", 1)[1]
    assert tried in form and all(p in form for p in promises)
    assert "[DM @bob]" not in out  # nothing was offered
