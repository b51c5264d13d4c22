"""Customers' data: `swarmbot erase` leaves no erased text in the database files (as it
left them) and the digest's figures for the week unchanged; the other customers' text
stays."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.digest.metrics import compute_digest
from bot.digest.weeks import week_containing
from bot.domain import utcnow
from bot.store import open_store
from tests.conftest import REPO

ACME = ("""\
@bob /swarm skills add sso saml
@carol /swarm skills add networking
@alice #general /swarm open ZD-4711 sev2 customer="Acme Corp" Acme cannot log in after SSO change
#swarm-zd-4711-acme-cannot-log-in-after-sso-change """
        """/swarm need sso networking tried="reset the IdP cert"
@bob /swarm join
/swarm invite @carol knows the Zurich proxy
/swarm note Jane Roe from Acme said the portal shows error 1234
/swarm touch identity checked the IdP metadata with the customer
/swarm mood frustrated second day without access
@alice /swarm delight a call back from their account manager
/swarm decide low extend the trial by a week because they lost two days
/swarm friction sso change process: no customer notice before rotation
/swarm promise in 2h call back with status
/swarm handoff @bob cert rotated upstream; IdP fix due tonight
@bob /swarm accept
/swarm thanks @carol spotted the stale DNS cache
/swarm kept 1
/swarm resolve IdP metadata refreshed, customer confirmed login
""")
GLOBEX = """\
@dave #general /swarm open GX-1 sev3 customer="Globex" Globex invoices doubled
#swarm-gx-1-globex-invoices-doubled /swarm note Globex finance team called twice
/swarm friction sso change process: Globex waited for the rotation window
"""
ERASED = ["Acme Corp", "Acme cannot log in after SSO change", "acme-cannot-log-in",
          "reset the IdP cert", "knows the Zurich proxy", "Jane Roe", "error 1234",
          "checked the IdP metadata", "second day without access",
          "call back from their account manager", "extend the trial by a week",
          "they lost two days", "no customer notice before rotation", "call back with status",
          "cert rotated upstream", "spotted the stale DNS cache", "customer confirmed login"]
KEPT = ["Globex invoices doubled", "Globex finance team called twice",
        "waited for the rotation window"]


def cli(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "adapters.cli", *args], cwd=REPO, input=stdin,
                          capture_output=True, text=True, timeout=60)


def figures(d: Any) -> Any:
    """The digest without the words people wrote (thanks, friction quotes): the figures."""
    if isinstance(d, dict):
        return {k: figures(v) for k, v in d.items() if k not in ("for", "quotes")}
    if isinstance(d, list):
        return [figures(v) for v in d]
    return d


def digest_at(db: Path, now: datetime) -> dict[str, Any]:
    store = open_store(db)
    try:
        return compute_digest(store, week_containing(now, "UTC"), now + timedelta(hours=1))
    finally:
        store.close()


def files_bytes(db: Path) -> bytes:
    """The database's files as they are on disk (the main file, its WAL and shm)."""
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def vacuumed_bytes(db: Path) -> bytes:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_erase_a_customer_leaves_no_text_and_the_same_figures(tmp_path: Path) -> None:
    db = tmp_path / "swarmbot.db"
    proc = cli(["shell", "--db", str(db)], ACME + GLOBEX)
    assert proc.returncode == 0 and "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    now = utcnow()
    before = digest_at(db, now)
    data = vacuumed_bytes(db)
    for text in ERASED + KEPT:  # the session did write every text this test looks for
        assert text.encode() in data, text

    proc = cli(["erase", "--db", str(db), "--customer", "acme corp", "--by", "dpo@example.com"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("erased ZD-4711: ") and "GX-1" not in proc.stdout

    # The files as erase left them (no VACUUM of the test's own): what a copy of the disk
    # would hold. Erase rewrites the file (VACUUM) only if its texts are still found in it.
    data = files_bytes(db)
    assert [t for t in ERASED if t.encode() in data] == []
    assert [t for t in KEPT if t.encode() not in data] == []
    after = digest_at(db, now)
    assert figures(after) == figures(before)
    assert before["resolved"] == 1 and before["friction"][0]["reports"] == 2
    assert after["friction"][0]["quotes"] == ["Globex waited for the rotation window"]

    store = open_store(db)
    try:
        case = store.cases.by_ref("ZD-4711")
        assert case is not None and case.customer == "[erased]" and case.summary == "[erased]"
        last = store.timeline.events(case.id)[-1]
        assert last.kind == "erased"
        assert last.text.startswith("Erased on the customer's request by dpo@example.com at ")
        assert "customer name, summary" in last.text
    finally:
        store.close()


def test_erase_by_ref_and_bad_input_are_one_line(tmp_path: Path) -> None:
    db = tmp_path / "swarmbot.db"
    assert cli(["shell", "--db", str(db)], GLOBEX).returncode == 0
    nothing = cli(["erase", "--db", str(db), "--customer", "Initech"])
    assert nothing.returncode == 2
    assert nothing.stderr.startswith("swarmbot: no case has customer 'Initech'")
    assert len(nothing.stderr.splitlines()) == 1
    neither = cli(["erase", "--db", str(db)])
    assert neither.returncode == 2 and "--customer" in neither.stderr
    missing = cli(["erase", "--db", str(tmp_path / "nothere.db"), "--ref", "GX-1"])
    assert missing.returncode == 2 and missing.stderr.startswith("swarmbot: no database at")
    assert not (tmp_path / "nothere.db").exists()
    done = cli(["erase", "--db", str(db), "--ref", "gx-1", "--by", "dpo"])
    assert done.returncode == 0 and done.stdout.startswith("erased GX-1: "), done.stderr
    assert b"Globex invoices doubled" not in files_bytes(db)


def test_erase_names_the_workspace_where_a_ref_is_in_several(tmp_path: Path) -> None:
    """Issue 27: a ref is unique per workspace. `erase --ref ZD-8` where two workspaces have
    a ZD-8 erases nothing and says which workspaces, in one line; `--workspace` picks one
    and leaves the other's case as it was."""
    from bot import tenancy
    from bot.store import open_store
    from tests.store.conftest import open_case

    db = tmp_path / "swarmbot.db"
    store = open_store(db)
    try:
        for team, owner in (("TA", "ann"), ("TB", "bob")):
            with tenancy.scoped(tenancy.Tenant(team)):
                open_case(store, "ZD-8", owner=owner)
    finally:
        store.close()
    both = cli(["erase", "--db", str(db), "--ref", "ZD-8"])
    assert both.returncode == 2 and len(both.stderr.splitlines()) == 1, both.stderr
    assert "2 workspaces (TA, TB)" in both.stderr and "--workspace" in both.stderr
    none = cli(["erase", "--db", str(db), "--ref", "ZD-8", "--workspace", "TC"])
    assert none.returncode == 2 and "in workspace TC" in none.stderr
    done = cli(["erase", "--db", str(db), "--ref", "ZD-8", "--workspace", "TB", "--by", "dpo"])
    assert done.returncode == 0 and done.stdout.startswith("erased ZD-8: "), done.stderr
    store = open_store(db)
    try:
        kept = {c.workspace: c for c in store.cases.all_with_ref("ZD-8")}
        assert kept["TA"].summary == "cannot log in" and kept["TA"].customer == "Acme"
        assert kept["TB"].summary == "[erased]"
    finally:
        store.close()
