"""Who is asking: the tenant that scopes every read and write, the user and the role.

Tenant roles work inside the one agency their token names; ``admin`` administers that agency
only. ``operator`` is a platform role: it belongs to whoever runs Client 360, not to an
agency, and it alone changes the reference data every tenant shares (the asset-freeze
register). Code that grants something to "every role" of a tenant takes TENANT_ROLES, so
that a platform role never gains a tenant's rights by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

TENANT_ROLES: Final = ("advisor", "manager", "technician", "partner", "admin")
OPERATOR: Final = "operator"
PLATFORM_ROLES: Final = (OPERATOR,)
ROLES: Final = (*TENANT_ROLES, *PLATFORM_ROLES)


@dataclass(frozen=True, slots=True)
class Caller:
    tenant_id: str
    user_id: str
    role: str
    # A partner's organisation (an insurer, an introducer), as its token names it; its users
    # share its rate limit.
    organisation: str = ""
