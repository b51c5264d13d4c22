"""benchmarks/digest_hashes.py: the digest's JSON of two checkouts compared week by week.
The same tree on two copies of a store agrees; a copy with one more resolved case differs,
and the tool says which weeks and exits 1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks import digest_hashes
from bot.store import open_store
from tests.store.conftest import open_case


def test_equal_copies_agree_and_a_changed_copy_is_told(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    before = tmp_path / "before.db"
    store = open_store(before)
    cid = open_case(store, "ZD-1", at="2026-11-16T09:00:00Z")
    store.cases.resolve(cid, "fixed", "2026-11-17T09:00:00Z")
    store.close()
    after = tmp_path / "after.db"
    shutil.copyfile(before, after)
    root = str(digest_hashes.ROOT)
    args = ["--before", root, "--db", str(before), "--after-db", str(after), "--every", "2"]
    assert digest_hashes.main(args) == 0
    assert "208 digests compared, 0 differ" in capsys.readouterr().out
    store = open_store(after)
    cid = open_case(store, "ZD-2", at="2026-11-16T09:00:00Z")
    store.cases.resolve(cid, "fixed", "2026-11-18T09:00:00Z")  # in 2026-W47
    store.close()
    assert digest_hashes.main(args) == 1
    out = capsys.readouterr().out
    assert "0 differ" not in out and "2026-W47 UTC" in out and "2026-W45" not in out
