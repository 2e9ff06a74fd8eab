"""Who sees and does what of field work, in one place (the gateway's section follows it).

- advisor, manager, admin (the agency): everything of their tenant; they alone record, plan,
  change and delete.
- technician: the interventions they are on, and of the client file only what those need on
  site: the equipment and worksites those interventions name, the maintenance visits they are
  on (with their plans), the photos of that equipment and the images of their own reports.
  They move their interventions along the stage path and write the report; nothing else (no
  workshop, no other equipment). Another intervention or file answers NOT_FOUND, as a missing
  one would.
- partner (and any other role): nothing of field work. The service refuses them
  (PERMISSION_DENIED); the gateway shows the section as null, never an error.
"""

from __future__ import annotations

from typing import Final

from runtime.caller import Caller
from runtime.errors import PermissionDenied

TECHNICIAN: Final = "technician"
AGENCY_ROLES: Final = frozenset({"advisor", "manager", "admin"})
FIELD_ROLES: Final = AGENCY_ROLES | {TECHNICIAN}


def is_technician(caller: Caller) -> bool:
    return caller.role == TECHNICIAN


def sees_field_work(role: str) -> bool:
    return role in FIELD_ROLES


def require_field_role(caller: Caller) -> None:
    """Reads, and a technician's own writes (stage, report)."""
    if not sees_field_work(caller.role):
        raise PermissionDenied(f"the {caller.role} role has no access to field work")


def require_agency(caller: Caller, what: str) -> None:
    """What only the agency does: record, plan, change, delete."""
    if caller.role not in AGENCY_ROLES:
        raise PermissionDenied(f"the {caller.role} role may not {what}")
