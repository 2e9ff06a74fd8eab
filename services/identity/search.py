"""How clients are found: the keys stored with each client and the filter a query becomes.

Names are folded to ASCII lowercase words (``Élodie Núñez-Dupont`` → ``elodie``, ``nunez``,
``dupont``) and matched by prefix; references, DMS and registration numbers match exactly;
phones match in E.164 whatever way they were typed; emails match by prefix. Birth dates and
SIRENs are keys too, for duplicate suspects (duplicates.py).
"""

from __future__ import annotations

import re
from typing import Any

from anyascii import anyascii

from runtime.kit.validators import normalize_phone
from services.identity import geo
from services.identity.models import ClientInput

_NON_WORD = re.compile(r"[^a-z0-9]+")
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]{6,}$")


def words(text: str) -> list[str]:
    return [w for w in _NON_WORD.split(anyascii(text).lower()) if w]


def _code(text: str) -> str:
    return "".join(words(text))


def search_keys(client: ClientInput) -> list[str]:
    professional = client.get("professional") or {}
    names = [
        client.get("first_name", ""),
        client.get("last_name", ""),
        professional.get("legal_name", ""),
    ]
    keys = {f"n:{w}" for name in names for w in words(name)}
    for prefix, value in (
        ("r", client.get("reference", "")),
        ("d", client.get("dms_number", "")),
        ("m", client.get("registration_number", "")),
    ):
        if value:
            keys.add(f"{prefix}:{_code(value)}")
    keys.update(f"p:{p['number']}" for p in client.get("phones", []) if p.get("number"))
    keys.update(f"e:{e['address'].lower()}" for e in client.get("emails", []) if e.get("address"))
    # What duplicate suspects are also found by (duplicates.py); a blind index of each IBAN
    # is added by the repository, which holds the key.
    birth_date = (client.get("personal") or {}).get("birth_date", "")
    if birth_date:
        keys.add(f"b:{birth_date}")
    siren = professional.get("siren", "") or professional.get("siret", "")[:9]
    if siren:
        keys.add(f"s:{_code(siren)}")
    # Where the client's addresses are, for area selection (geo.py).
    for latitude, longitude in geo.points_of(client.get("addresses", [])):
        keys.update(geo.point_keys(latitude, longitude))
    return sorted(keys)


def sort_name(client: ClientInput) -> str:
    """Alphabetical order of a list of clients: last name, then first name, accents folded."""
    professional = client.get("professional") or {}
    if client.get("kind") == "professional" and professional.get("legal_name"):
        return " ".join(words(professional["legal_name"]))
    return " ".join(words(f"{client.get('last_name', '')} {client.get('first_name', '')}"))


def exact_keys(query: str) -> list[str]:
    """Keys that make a client an exact hit for the query (reference, DMS, registration)."""
    code = _code(query)
    return [f"r:{code}", f"d:{code}", f"m:{code}"] if code else []


def query_filter(query: str) -> dict[str, Any] | None:
    """The store filter of a free-text query, or None when the query is blank."""
    query = query.strip()
    if not query:
        return None
    alternatives: list[dict[str, Any]] = [{"search_keys": {"$in": exact_keys(query)}}]
    if "@" in query:
        alternatives.append({"search_keys": {"$prefix": f"e:{query.lower()}"}})
    if _PHONE_LIKE.match(query):
        phone = normalize_phone(query)
        if phone:
            alternatives.append({"search_keys": f"p:{phone}"})
    tokens = words(query)
    if tokens and "@" not in query:
        alternatives.append({"$and": [{"search_keys": {"$prefix": f"n:{t}"}} for t in tokens]})
    return {"$or": alternatives}
