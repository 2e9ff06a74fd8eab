"""Identity's sensitive numbers: social security numbers and IBANs, encrypted at rest and
masked for the roles that may not see them (partner portals)."""

from __future__ import annotations

from collections.abc import Collection

from runtime.caller import ROLES, Caller
from runtime.kit.sensitive import SensitiveField, SensitiveFields, keep_ends
from services.identity.models import Client

# A NIR shows its sex digit and its key; an IBAN its country, check digits and last four.
_NIR_MASK = keep_ends(1, 2)
_IBAN_MASK = keep_ends(4, 4)

SENSITIVE = SensitiveFields(
    [
        SensitiveField("personal.social_security_number", _NIR_MASK),
        SensitiveField("family_members[].social_security_number", _NIR_MASK),
        SensitiveField("bank_accounts[].iban", _IBAN_MASK),
    ],
    # Partner portals never see these numbers in clear.
    clear_for=frozenset(ROLES) - {"partner"},
)


def masked(client: Client) -> Client:
    """The client with every sensitive number masked (what events carry)."""
    return SENSITIVE.masked(client)


def visible_to(caller: Caller, client: Client, fields: Collection[str] | None = None) -> Client:
    """The client as the caller's role may see it; ``fields`` (a read mask) limits the masking
    to what is shown."""
    return SENSITIVE.visible_to(caller, client, fields)
