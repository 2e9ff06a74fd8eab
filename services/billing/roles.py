"""Who may see and write a client's account, declared here once. Agency staff (advisor,
manager, admin) read and write it; a partner reads only the premium notices of the contracts
that name it (it is their insurer: billing's copy of contracts says which), and nothing else of
the account; a technician sees nothing of it (whether an intervention is to invoice is the
interventions service's to say). The gateway shows the section as null to those who may see
nothing, never an error; the service refuses them whatever the caller."""

from __future__ import annotations

from typing import Final

from runtime.caller import Caller
from runtime.errors import PermissionDenied

ACCOUNT_ROLES: Final = frozenset({"advisor", "manager", "admin"})
PARTNER: Final = "partner"


def may_see_accounts(caller: Caller) -> bool:
    return caller.role in ACCOUNT_ROLES


def require_account_role(caller: Caller) -> None:
    if not may_see_accounts(caller):
        raise PermissionDenied(f"the {caller.role} role has no access to client accounts")


def require_reader(caller: Caller) -> None:
    """Agency staff, or a partner (who then reads only its contracts' notices)."""
    if caller.role != PARTNER:
        require_account_role(caller)
