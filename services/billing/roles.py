"""Who may see and write a client's account. Agency staff (advisor, manager, admin) read and
write it; a technician only learns whether an intervention is to invoice (the interventions
service says so) and a partner sees no billing until the contracts it insures are known here.
The gateway shows the section as null to the others, never an error; the service refuses them
whatever the caller."""

from __future__ import annotations

from typing import Final

from runtime.caller import Caller
from runtime.errors import PermissionDenied

ACCOUNT_ROLES: Final = frozenset({"advisor", "manager", "admin"})


def may_see_accounts(caller: Caller) -> bool:
    return caller.role in ACCOUNT_ROLES


def require_account_role(caller: Caller) -> None:
    if not may_see_accounts(caller):
        raise PermissionDenied(f"the {caller.role} role has no access to client accounts")
