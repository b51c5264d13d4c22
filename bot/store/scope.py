"""The one scoping rule of the read paths (bot/tenancy.py): SQL terms that keep what a query
finds to the tenant in scope. Every repository read that lists or finds cases, people,
friction reports or thanks takes one of these in its WHERE; with no tenant in scope each
is `1 = 1` (one workspace's deployment: nothing to keep apart)."""

from __future__ import annotations

from bot import tenancy

_ALL: tuple[str, tuple[str, ...]] = ("1 = 1", ())


def cases(alias: str = "") -> tuple[str, tuple[str, ...]]:
    """Cases the tenant may see: its own (and those of the workspaces it is joined with,
    `Tenant.also`), and on Enterprise Grid those of its org whose room is shared with it or
    with the whole org (`case_shares`)."""
    tenant = tenancy.current()
    if tenant is None:
        return _ALL
    p = f"{alias}." if alias else ""
    own, kept = _own(p, tenant)
    if tenant.org:
        return (f"({own} OR ({p}org = ? AND {p}id IN (SELECT s.case_id FROM "
                "case_shares s WHERE s.workspace IN (?, ?))))",
                (*kept, tenant.org, tenant.team, tenant.org))
    return own, kept


def _own(p: str, tenant: tenancy.Tenant) -> tuple[str, tuple[str, ...]]:
    """The tenant's own workspace, and those it is joined with (bot/tenancy.py)."""
    names = tenant.workspaces()
    if len(names) == 1:
        return f"{p}workspace = ?", names
    return f"{p}workspace IN ({', '.join('?' for _ in names)})", names


def rooms(alias: str = "") -> tuple[str, tuple[str, ...]]:
    """Cases found by their room: on Enterprise Grid any case of the org, since a request
    from a room of another workspace of the org proves the room is shared with it."""
    tenant = tenancy.current()
    if tenant is None or not tenant.org:
        return cases(alias)
    p = f"{alias}." if alias else ""
    own, kept = _own(p, tenant)
    return f"({own} OR {p}org = ?)", (*kept, tenant.org)


def home(alias: str = "") -> tuple[str, tuple[str, ...]]:
    """Rows recorded in the tenant's own workspace, or one it is joined with (people,
    frictions, thanks; the digest's figures count a case in its home workspace only)."""
    tenant = tenancy.current()
    if tenant is None:
        return _ALL
    return _own(f"{alias}." if alias else "", tenant)


def of_cases(column: str) -> tuple[str, tuple[str, ...]]:
    """`column` (a case id) names a case of the tenant's own workspace."""
    tenant = tenancy.current()
    if tenant is None:
        return _ALL
    own, kept = _own("", tenant)
    return f"{column} IN (SELECT id FROM cases WHERE {own})", kept


def active() -> bool:
    return tenancy.current() is not None
