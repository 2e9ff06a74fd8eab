"""Who is asking: the tenant that scopes every read and write, the user and the role."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("advisor", "manager", "technician", "partner", "admin")


@dataclass(frozen=True, slots=True)
class Caller:
    tenant_id: str
    user_id: str
    role: str
