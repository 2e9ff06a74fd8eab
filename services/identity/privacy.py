"""Identity's sensitive numbers: social security numbers and IBANs, encrypted at rest and
masked for the roles that may not see them (partner portals)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from runtime.caller import TENANT_ROLES, Caller
from runtime.kit.sensitive import Mask, SensitiveField, SensitiveFields, keep_ends
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
    # Platform operators are not among them: they run the platform, not a client file.
    clear_for=frozenset(TENANT_ROLES) - {"partner"},
)


def masked(client: Client) -> Client:
    """The client with every sensitive number masked (what events carry)."""
    return SENSITIVE.masked(client)


def visible_to(caller: Caller, client: Client, fields: Collection[str] | None = None) -> Client:
    """The client as the caller's role may see it; ``fields`` (a read mask) limits the masking
    to what is shown."""
    return SENSITIVE.visible_to(caller, client, fields)


def keep_masked_numbers(caller: Caller, incoming: Client, stored: Client) -> None:
    """Where ``incoming`` (a client about to be written) holds a number in the masked form the
    caller was shown of the stored one, put the stored number back: a partner portal that
    saves the file it read never overwrites an IBAN or a NIR with its mask.

    A list item's stored counterpart is the item with its id, or else the one at its position;
    a masked value with no counterpart stays, and the number's check refuses it.
    """
    if SENSITIVE.sees_clear(caller):
        return
    _keep_number(incoming.get("personal"), stored.get("personal"), "social_security_number")
    _keep_in_items(
        incoming.get("family_members") or [],
        stored.get("family_members") or [],
        "social_security_number",
    )
    _keep_in_items(incoming.get("bank_accounts") or [], stored.get("bank_accounts") or [], "iban")


_MASKS: dict[str, Mask] = {"social_security_number": _NIR_MASK, "iban": _IBAN_MASK}


def _keep_in_items(
    items: Sequence[Mapping[str, Any]], before: Sequence[Mapping[str, Any]], key: str
) -> None:
    by_id = {item["id"]: item for item in before if item.get("id")}
    for index, item in enumerate(items):
        if item.get("id"):
            counterpart = by_id.get(item["id"])
        else:
            counterpart = before[index] if index < len(before) else None
        _keep_number(item, counterpart, key)


def _keep_number(
    incoming: Mapping[str, Any] | None, stored: Mapping[str, Any] | None, key: str
) -> None:
    if not isinstance(incoming, dict) or not stored:
        return
    value, original = incoming.get(key) or "", stored.get(key) or ""
    if value and original and value != original and value.replace(" ", "") == _MASKS[key](original):
        incoming[key] = original


# How the audit names each sensitive number it saw read (the API's field names).
_REVEALED = (
    ("personal", "personal.socialSecurityNumber"),
    ("family_members", "familyMembers[].socialSecurityNumber"),
    ("bank_accounts", "bankAccounts[].iban"),
)


def revealed(caller: Caller, client: Client, fields: Collection[str] | None) -> list[str]:
    """The sensitive numbers a read shows ``caller`` in clear: none for a role that sees them
    masked, nor for a section the read mask leaves out or that holds no number."""
    if not SENSITIVE.sees_clear(caller):
        return []
    shown = []
    for section, name in _REVEALED:
        if fields is not None and section not in fields:
            continue
        if section == "personal":
            present = bool((client.get("personal") or {}).get("social_security_number"))
        elif section == "family_members":
            present = any(m.get("social_security_number") for m in client.get("family_members", []))
        else:
            present = any(a.get("iban") for a in client.get("bank_accounts", []))
        if present:
            shown.append(name)
    return shown
