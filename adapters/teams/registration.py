"""Which Azure bot registration the environment describes, and what it needs.

`MicrosoftAppType` says it, as Azure's own templates do:

- `SingleTenant`: an app registration in your Entra tenant; `MicrosoftAppId`,
  `MicrosoftAppPassword` (its client secret) and `MicrosoftAppTenantId`.
- `UserAssignedMSI`: a user-assigned managed identity; `MicrosoftAppId` is the identity's
  client id, `MicrosoftAppTenantId` its tenant, and there is no secret: the bot's outgoing
  tokens come from the managed identity endpoint of the Azure host (managed_identity.py).
- `MultiTenant`: the legacy registration. Azure creates no new multi-tenant bots since
  2025-07-31; one registered before still works where configured.

Unset, the type is `SingleTenant` when a tenant is given, else `MultiTenant`. With no
`MicrosoftAppId` at all, swarmbot runs in Emulator mode (no authentication; local use).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.errors import ConfigError

SINGLE, MSI, MULTI = "SingleTenant", "UserAssignedMSI", "MultiTenant"
TYPES = {t.lower(): t for t in (SINGLE, MSI, MULTI)}


@dataclass(frozen=True)
class Registration:
    kind: str  # SINGLE | MSI | MULTI, or "" for Emulator mode (no app id)
    app_id: str = ""
    tenant_id: str = ""

    def describe(self) -> str:
        if not self.kind:
            return ("Teams registration: none (MicrosoftAppId unset: Emulator mode, requests "
                    "are not authenticated)")
        if self.kind == MSI:
            return (f"Teams registration: user-assigned managed identity (client id "
                    f"{self.app_id}, tenant {self.tenant_id}; no client secret: tokens from "
                    "the host's managed identity endpoint)")
        if self.kind == SINGLE:
            return (f"Teams registration: single-tenant (app {self.app_id}, tenant "
                    f"{self.tenant_id}; activities from other tenants are refused)")
        return (f"Teams registration: multi-tenant (app {self.app_id}; legacy: Azure creates "
                "no new multi-tenant bots since 2025-07-31, use SingleTenant or "
                "UserAssignedMSI for a new one)")


def _get(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def registration_problems(env: Mapping[str, str]) -> list[str]:
    """Every problem of the registration variables, one line each ([] when it is whole)."""
    app_id, kind = _get(env, "MicrosoftAppId"), _get(env, "MicrosoftAppType")
    if kind and kind.lower() not in TYPES:
        known = ", ".join(TYPES.values())
        return [f"environment variable MicrosoftAppType must be one of {known}, not {kind!r}"]
    if not app_id:
        if kind:
            return [f"environment variable MicrosoftAppId is not set (needed by "
                    f"MicrosoftAppType={kind})"]
        return []
    kind = TYPES.get(kind.lower(), SINGLE if _get(env, "MicrosoftAppTenantId") else MULTI)
    needed = {SINGLE: ("MicrosoftAppPassword", "MicrosoftAppTenantId"),
              MSI: ("MicrosoftAppTenantId",), MULTI: ("MicrosoftAppPassword",)}[kind]
    absent = [n for n in needed if not _get(env, n)]
    problems = []
    if absent:
        problems.append(f"environment variable{'s' if len(absent) > 1 else ''} "
                        f"{', '.join(absent)} not set (needed by a {kind} Teams registration)")
    if kind == MSI and _get(env, "MicrosoftAppPassword"):
        problems.append("MicrosoftAppPassword is set but MicrosoftAppType=UserAssignedMSI uses "
                        "no secret: unset it (the managed identity gives the tokens)")
    return problems


def registration_of(env: Mapping[str, str]) -> Registration:
    """The registration; a ConfigError naming every problem when it is not whole."""
    problems = registration_problems(env)
    if problems:
        raise ConfigError(*problems)
    app_id, tenant = _get(env, "MicrosoftAppId"), _get(env, "MicrosoftAppTenantId")
    if not app_id:
        return Registration("")
    kind = TYPES.get(_get(env, "MicrosoftAppType").lower(), SINGLE if tenant else MULTI)
    return Registration(kind, app_id, tenant)
