"""Masking of social security numbers and IBANs for callers that may not see them."""

from __future__ import annotations

import copy

from runtime.caller import Caller
from services.identity.models import Client


def mask_nir(value: str) -> str:
    compact = value.replace(" ", "")
    return compact[:1] + "*" * (len(compact) - 3) + compact[-2:] if len(compact) > 3 else value


def mask_iban(value: str) -> str:
    compact = value.replace(" ", "")
    return compact[:4] + "*" * (len(compact) - 8) + compact[-4:] if len(compact) > 8 else value


def masked(client: Client) -> Client:
    copied = copy.deepcopy(client)
    personal = copied.get("personal") or {}
    if personal.get("social_security_number"):
        personal["social_security_number"] = mask_nir(personal["social_security_number"])
    for member in copied.get("family_members", []):
        member["social_security_number"] = mask_nir(member.get("social_security_number", ""))
    for account in copied.get("bank_accounts", []):
        account["iban"] = mask_iban(account.get("iban", ""))
    return copied


def visible_to(caller: Caller, client: Client) -> Client:
    return client if caller.sees_sensitive_numbers else masked(client)
