"""Cases with their owners, participants, handoffs and help requests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from bot.domain import (
    Case,
    CaseStatus,
    Handoff,
    HandoffState,
    HelpRequest,
    Ownership,
    Participant,
    Role,
)
from bot.store.expert_shortlist import Listed
from bot.store.interfaces.base import Row


class Cases(Protocol):
    """Cases with their owners, participants, handoffs and help requests."""

    def add(self, ref: str, customer: str, summary: str, severity: int, owner: str,
            platform: str, at: str) -> int: ...
    def by_id(self, case_id: int) -> Case | None: ...
    def lock(self, case_id: int) -> Case | None:
        """The case now; no other transaction changes it until this one ends."""
    def by_ref(self, ref: str, lock: bool = False) -> Case | None:
        """Refs match without regard to case (`zd-1` finds ZD-1). `lock`: read and locked
        in one statement, as `lock` does."""
    def ref_taken(self, ref: str) -> bool:
        """Whether a case of the workspace in scope has the ref (refs are unique per
        workspace)."""
    def claim_platform(self, platform: str, earlier: Sequence[str], workspace: str) -> int:
        """The platform's cases and people in `earlier` workspaces become `workspace`'s."""
    def all_with_ref(self, ref: str) -> list[Case]:
        """Every case with the ref, of every workspace, oldest first (the operator's)."""
    def by_room(self, room_id: str, lock: bool = False) -> Case | None: ...
    def room_id_by_name(self, platform: str, room_name: str) -> str | None: ...
    def recent(self, status: CaseStatus | None = None, person: str | None = None,
               limit: int = 50) -> list[Case]:
        """Newest first; `person` keeps the cases they own or are active in."""
    def all(self) -> list[Case]:
        """Every case, oldest first."""
    def set_room(self, case_id: int, room_id: str, room_name: str) -> None: ...
    def set_owner(self, case_id: int, owner: str) -> None: ...
    def set_delight(self, case_id: int, delight: str) -> None: ...
    def resolve(self, case_id: int, resolution: str, at: str) -> None: ...
    def close(self, case_id: int, status: CaseStatus, resolution: str, at: str) -> None:
        """Resolved or cancelled: `resolution` is how, or why; `at` is the closing time."""
    def reopen(self, case_id: int) -> None:
        """Open again: the resolution and closing time are cleared (the timeline keeps them)."""
    def set_details(self, case_id: int, *, severity: int | None = None,
                    customer: str | None = None, summary: str | None = None,
                    customer_tz: str | None = None, link: str | None = None,
                    sla: str | None = None, priority: str | None = None) -> None:
        """Change what is given (None: left as it is)."""
    def share(self, case_id: int, workspace: str, at: str) -> bool:
        """On Enterprise Grid: the case's room is shared with `workspace` (a team, or its
        org's enterprise id: the whole org); True when it was not before."""
    def unshare(self, case_id: int, workspace: str) -> int:
        """Not shared with `workspace` any more (nor with the whole org); unshared from
        the org (its enterprise id): with nobody. The shares removed."""
    def shared_with(self, case_id: int) -> list[str]: ...
    def claim_unscoped(self, workspace: str) -> int:
        """Rows of no workspace become `workspace`'s; the number of cases."""

    def set_type(self, case_id: int, swarm_type: str | None) -> None: ...
    def pending_handoffs(self, after: str | None = None, by: str | None = None
                         ) -> list[Handoff]:
        """Pending offers on open cases, oldest first (offered in (after, by] if given)."""
    def unanswered_help(self, after: str | None = None, by: str | None = None
                        ) -> list[HelpRequest]:
        """Help requests on open cases that nobody besides the asker joined after (people a
        swarm type auto-invited, whose `why` starts with swarm_types.AUTO_INVITED, don't
        count: they were brought, not answering); asked in (after, by] if given."""

    # ownership periods
    def add_owner(self, case_id: int, person: str, at: str) -> None: ...
    def end_owner(self, case_id: int, at: str) -> None: ...
    def owners(self, case_id: int) -> list[Ownership]: ...

    # participants
    def add_participant(self, case_id: int, person: str, role: Role, at: str,
                        invited_by: str | None, why: str | None) -> None: ...
    def participant(self, case_id: int, person: str) -> Participant | None:
        """The person's active participation (not left), if any."""
    def participants(self, case_id: int, active_only: bool = False) -> list[Participant]: ...
    def set_role(self, case_id: int, person: str, role: Role) -> None: ...
    def leave(self, case_id: int, person: str, at: str) -> None: ...
    def open_load(self, person: str) -> int:
        """Open cases the person is active in."""
    def open_loads(self, persons: Sequence[str]) -> dict[str, int]:
        """`open_load` of many people in one go (absent: 0)."""

    # handoffs
    def add_handoff(self, case_id: int, from_id: str, to_id: str, briefing: str,
                    tried: str | None, at: str) -> int: ...
    def pending_handoff(self, case_id: int) -> Handoff | None: ...
    def decide_handoff(self, handoff_id: int, state: HandoffState, at: str,
                       reason: str | None = None) -> None: ...
    def handoffs(self, case_id: int) -> list[Handoff]: ...

    # help requests
    def add_help_request(self, case_id: int, skills: Sequence[str], tried: str | None,
                         by: str, at: str) -> int: ...
    def help_requests(self, case_id: int) -> list[HelpRequest]: ...
    def last_tried(self, case_id: int) -> str | None: ...
    def past_help(self, person: str, skills: Sequence[str]) -> int:
        """Resolved cases the person joined as a specialist after a request for these skills."""
    def past_helps(self, persons: Sequence[str], skills: Sequence[str]) -> dict[str, int]:
        """`past_help` of many people in one go (absent: 0)."""
    def expert_candidates(self, skills: Sequence[str]
                          ) -> dict[str, tuple[list[str], bool, int]]:
        """Everyone with any of `skills`, by id: (those of the skills they have, whether
        they are available, their open load), in one read (the expert finder's)."""
    def expert_shortlist(self, skills: Sequence[str], per_subset: int,
                         also: Sequence[str] = ()) -> list[Listed]:
        """Per subset of `skills` covered, the first `per_subset` people by (load,
        -past help, person), with everyone in `also` or with their own working hours
        (bot/store/expert_shortlist.py)."""
    def least_loaded(self, skills: Sequence[str], n: int) -> list[str]:
        """The first `n` available people (the tenant's own) with any of `skills`, by (open
        load, person), read in that order from the kept figures (bot/store/expert_ranked.py)."""

    def bulk(self, cases: Iterable[Row] = (), owners: Iterable[Row] = (),
             participants: Iterable[Row] = (), handoffs: Iterable[Row] = (),
             help_requests: Iterable[Row] = (), with_figures: bool = True) -> None:
        """The `demo --bulk` fast path; column orders are in bot/store/bulk.py. With
        `with_figures=False` the new cases' expert figures wait for `bulk_figures`."""

    def bulk_figures(self, case_ids: Sequence[int]) -> None:
        """The expert figures of cases written by `bulk(with_figures=False)`, added at once (a
        bulk load's batches would each rewrite their helpers' figures from all their past
        help: a cost growing with what is already loaded)."""
