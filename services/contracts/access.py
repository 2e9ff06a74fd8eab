"""Who may see and change the contracts section, declared once for the whole service (the
gateway's section declares the same table for what it shows):

- advisors, managers and admins read and write every contract and claim of their agency;
- partners (insurers, introducers) read only the contracts, quotes, claims and complaints that
  name them in ``partner_ids`` (a claim's and a complaint's are its contract's), and change
  nothing;
- managers and admins alone list complaints across clients;
- technicians see none of this section; nor does a platform role, which is no agency's.
"""

from __future__ import annotations

from typing import Final

from runtime.caller import Caller
from runtime.errors import PermissionDenied

WRITERS: Final = frozenset({"advisor", "manager", "admin"})
PARTNER: Final = "partner"
READERS: Final = WRITERS | {PARTNER}
# The agency's settings of the section (the renewal window, the timezone), and the complaints
# listed across clients (a manager's follow-up of the ACPR deadlines).
SETTINGS_WRITERS: Final = frozenset({"manager", "admin"})
COMPLAINT_LISTERS: Final = SETTINGS_WRITERS


def partner_scope(caller: Caller) -> str | None:
    """What the caller may read: None for the whole agency, a partner's id for the records
    naming that partner; any other role is refused."""
    if caller.role not in READERS:
        raise PermissionDenied(f"the {caller.role} role may not see contracts or claims")
    return caller.user_id if caller.role == PARTNER else None


def require_writer(caller: Caller) -> None:
    if caller.role not in WRITERS:
        raise PermissionDenied(f"the {caller.role} role may not change contracts or claims")


def require_settings_writer(caller: Caller) -> None:
    if caller.role not in SETTINGS_WRITERS:
        raise PermissionDenied(f"the {caller.role} role may not change the contract settings")


def require_complaint_lister(caller: Caller) -> None:
    if caller.role not in COMPLAINT_LISTERS:
        raise PermissionDenied(f"the {caller.role} role may not list complaints across clients")
