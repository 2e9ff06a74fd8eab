"""What each role sees of the communication section, declared once: the batch read leaves out
what the caller's role may not see, and the writes refuse it.

Technicians see the memo and nothing else (seed 001: the memo is what the field sees);
partners see only the documents shared with them: a partner is a user of the agency's tenant
whose token gives the role "partner", and a document names the partners' user ids it is shared
with. Platform roles belong to no agency and see nothing of a client.
"""

from __future__ import annotations

from typing import Final

from runtime.caller import Caller
from runtime.errors import PermissionDenied

FULL: Final = "full"
MEMO_ONLY: Final = "memo_only"
NONE: Final = "none"
SHARED_DOCUMENTS: Final = "shared_documents"

VIEWS: Final = {
    "advisor": FULL,
    "manager": FULL,
    "admin": FULL,
    "technician": MEMO_ONLY,
    "partner": SHARED_DOCUMENTS,
}


def view_of(caller: Caller) -> str:
    return VIEWS.get(caller.role, NONE)


def require_full_view(caller: Caller) -> None:
    """Writes change what only a full view shows (the memo included: technicians read it)."""
    if view_of(caller) != FULL:
        raise PermissionDenied(f"the {caller.role} role may not change the communication section")
