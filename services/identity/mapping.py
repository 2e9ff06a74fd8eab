"""Direct mapping between the identity protos and the service's documents (no reflection:
each field is named, which is several times faster than MessageToDict on a hot path). The
closed vocabularies are enums in the protos and words in the documents (models.py)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from client360.identity.v1 import identity_pb2
from runtime.clock import timestamp
from runtime.kit.common import (
    address_from_proto,
    address_to_proto,
    audit_to_proto,
    emails_from_proto,
    emails_to_proto,
    phones_from_proto,
    phones_to_proto,
)
from services.identity import geo
from services.identity.duplicates import Suspect
from services.identity.erasing import Erasure
from services.identity.merging import Merge
from services.identity.models import (
    CIVILITIES,
    CLIENT_KINDS,
    FAMILY_RELATIONSHIPS,
    GENDERS,
    MARITAL_STATUSES,
    PREFERRED_CHANNELS,
    SOCIAL_SECURITY_REGIMES,
    BankAccount,
    Client,
    ClientInput,
    ClientItem,
    Contact,
    ContactInput,
    FamilyMember,
    ItemList,
    ProductAssociation,
    UserAssociation,
)

# Documents → protos


def _personal(c: Client) -> identity_pb2.PersonalInfo:
    personal = c.get("personal") or {}
    return identity_pb2.PersonalInfo(
        marital_status=MARITAL_STATUSES.to_proto(personal.get("marital_status", "")),
        gender=GENDERS.to_proto(personal.get("gender", "")),
        birth_date=personal.get("birth_date", ""),
        birth_place=personal.get("birth_place", ""),
        profession=personal.get("profession", ""),
        pcs_code=personal.get("pcs_code", ""),
        social_security_number=personal.get("social_security_number", ""),
        social_security_regime=SOCIAL_SECURITY_REGIMES.to_proto(
            personal.get("social_security_regime", "")
        ),
    )


def _professional(c: Client) -> identity_pb2.ProfessionalInfo:
    professional = c.get("professional") or {}
    return identity_pb2.ProfessionalInfo(
        legal_name=professional.get("legal_name", ""),
        siren=professional.get("siren", ""),
        siret=professional.get("siret", ""),
        legal_form=professional.get("legal_form", ""),
        activity_code=professional.get("activity_code", ""),
    )


def _family_members(c: Client) -> list[identity_pb2.FamilyMember]:
    return [
        identity_pb2.FamilyMember(
            id=m.get("id", ""),
            first_name=m.get("first_name", ""),
            last_name=m.get("last_name", ""),
            relationship=FAMILY_RELATIONSHIPS.to_proto(m.get("relationship", "")),
            birth_date=m.get("birth_date", ""),
            birth_place=m.get("birth_place", ""),
            social_security_number=m.get("social_security_number", ""),
            attached_to_insured_social_security=m.get("attached_to_insured_social_security", False),
        )
        for m in c.get("family_members", [])
    ]


def _bank_accounts(c: Client) -> list[identity_pb2.BankAccount]:
    return [
        identity_pb2.BankAccount(
            id=b.get("id", ""),
            iban=b.get("iban", ""),
            bic=b.get("bic", ""),
            holder=b.get("holder", ""),
            label=b.get("label", ""),
        )
        for b in c.get("bank_accounts", [])
    ]


def _associated_users(c: Client) -> list[identity_pb2.UserAssociation]:
    return [
        identity_pb2.UserAssociation(
            id=u.get("id", ""), user_id=u.get("user_id", ""), role=u.get("role", "")
        )
        for u in c.get("associated_users", [])
    ]


def _associated_products(c: Client) -> list[identity_pb2.ProductAssociation]:
    return [
        identity_pb2.ProductAssociation(
            id=p.get("id", ""),
            product=p.get("product", ""),
            available_until=p.get("available_until", ""),
        )
        for p in c.get("associated_products", [])
    ]


def _management(c: Client) -> identity_pb2.Management:
    management = c.get("management") or {}
    return identity_pb2.Management(
        account_manager=management.get("account_manager", ""),
        origin=management.get("origin", ""),
        comment=management.get("comment", ""),
    )


def _flags(c: Client) -> identity_pb2.Flags:
    flags = c.get("flags") or {}
    return identity_pb2.Flags(
        internal=flags.get("internal", False),
        leasing_company=flags.get("leasing_company", False),
        leasing_identifier=flags.get("leasing_identifier", ""),
        archived=flags.get("archived", False),
        communication_blocked=flags.get("communication_blocked", False),
        preferred_channel=PREFERRED_CHANNELS.to_proto(flags.get("preferred_channel", "")),
        portal_access=flags.get("portal_access", False),
    )


# How each field a read mask may name is filled, by proto field name.
_CLIENT_FIELDS: dict[str, Callable[[Client], Any]] = {
    "registration_number": lambda c: c.get("registration_number", ""),
    "dms_number": lambda c: c.get("dms_number", ""),
    "civility": lambda c: CIVILITIES.to_proto(c.get("civility", "")),
    "first_name": lambda c: c.get("first_name", ""),
    "last_name": lambda c: c.get("last_name", ""),
    "phones": lambda c: phones_to_proto(c.get("phones", [])),
    "emails": lambda c: emails_to_proto(c.get("emails", [])),
    "addresses": lambda c: [address_to_proto(a) for a in c.get("addresses", [])],
    "personal": _personal,
    "professional": _professional,
    "family_members": _family_members,
    "bank_accounts": _bank_accounts,
    "management": _management,
    "flags": _flags,
    "important_notes": lambda c: c.get("important_notes", ""),
    "memo": lambda c: c.get("memo", ""),
    "audit": lambda c: audit_to_proto(c.get("audit")),
    "parent_client_id": lambda c: c.get("parent_client_id", ""),
    "associated_users": _associated_users,
    "associated_products": _associated_products,
    "merged_into": lambda c: c.get("merged_into", ""),
    "erased_at": lambda c: timestamp(c.get("erased_at", "")),
    "associated_client_ids": lambda c: c.get("associated_client_ids", []),
}
# Always filled, whatever the mask: what identifies and names a client.
ALWAYS_READ = frozenset({"id", "reference", "kind", "version", "display_name"})
READABLE = frozenset(_CLIENT_FIELDS) | ALWAYS_READ


def client_to_proto(c: Client, fields: Collection[str] | None = None) -> identity_pb2.Client:
    """The client as a proto: every field, or only ``fields`` (a read mask) and ALWAYS_READ."""
    chosen = (
        _CLIENT_FIELDS
        if fields is None
        else {f: _CLIENT_FIELDS[f] for f in fields if f in _CLIENT_FIELDS}
    )
    return identity_pb2.Client(
        id=c["id"],
        reference=c.get("reference", ""),
        kind=CLIENT_KINDS.to_proto(c.get("kind", "")),
        version=c.get("version", 0),
        display_name=c.get("display_name", ""),
        **{name: build(c) for name, build in chosen.items()},
    )


def contact_to_proto(c: Contact) -> identity_pb2.Contact:
    consents = c.get("consents") or {}
    roles = c.get("recipient_roles") or {}
    address = c.get("address")
    return identity_pb2.Contact(
        id=c["id"],
        client_id=c.get("client_id", ""),
        civility=CIVILITIES.to_proto(c.get("civility", "")),
        first_name=c.get("first_name", ""),
        last_name=c.get("last_name", ""),
        function=c.get("function", ""),
        display_order=c.get("display_order", 0),
        valid_from=c.get("valid_from", ""),
        valid_to=c.get("valid_to", ""),
        phones=phones_to_proto(c.get("phones", [])),
        emails=emails_to_proto(c.get("emails", [])),
        address=address_to_proto(address) if address else None,
        consents=identity_pb2.Consents(
            e_signature=consents.get("e_signature", False),
            commercial_emails=consents.get("commercial_emails", False),
            partner_emails=consents.get("partner_emails", False),
        ),
        recipient_roles=identity_pb2.RecipientRoles(
            due_notices=roles.get("due_notices", False),
            unpaid_reminders=roles.get("unpaid_reminders", False),
            document_reminders=roles.get("document_reminders", False),
            claim_settlements=roles.get("claim_settlements", False),
        ),
        portal_access=c.get("portal_access", False),
        version=c.get("version", 0),
        audit=audit_to_proto(c.get("audit")),
    )


# Protos → documents


# An item carries an id only when the caller named one (the service assigns ids).


def _family_member_doc(m: identity_pb2.FamilyMember) -> FamilyMember:
    member: FamilyMember = {
        "first_name": m.first_name,
        "last_name": m.last_name,
        "relationship": FAMILY_RELATIONSHIPS.to_word(m.relationship),
        "birth_date": m.birth_date,
        "birth_place": m.birth_place,
        "social_security_number": m.social_security_number,
        "attached_to_insured_social_security": m.attached_to_insured_social_security,
    }
    if m.id:
        member["id"] = m.id
    return member


def _bank_account_doc(m: identity_pb2.BankAccount) -> BankAccount:
    account: BankAccount = {"iban": m.iban, "bic": m.bic, "holder": m.holder, "label": m.label}
    if m.id:
        account["id"] = m.id
    return account


def _user_association_doc(m: identity_pb2.UserAssociation) -> UserAssociation:
    user: UserAssociation = {"user_id": m.user_id.strip(), "role": m.role.strip()}
    if m.id:
        user["id"] = m.id
    return user


def _product_association_doc(m: identity_pb2.ProductAssociation) -> ProductAssociation:
    product: ProductAssociation = {
        "product": m.product.strip(),
        "available_until": m.available_until.strip(),
    }
    if m.id:
        product["id"] = m.id
    return product


# The list each kind of ClientItem belongs to, by the name of its field in the oneof.
ITEM_LISTS: dict[str, ItemList] = {
    "address": "addresses",
    "phone": "phones",
    "email": "emails",
    "bank_account": "bank_accounts",
    "family_member": "family_members",
    "user_association": "associated_users",
    "product_association": "associated_products",
}


def client_item_to_doc(m: identity_pb2.ClientItem) -> tuple[ItemList, ClientItem] | None:
    """The list an item belongs to and the item as a document; None when no item is set."""
    kind = m.WhichOneof("item")
    if kind is None:
        return None
    item: ClientItem
    if kind == "address":
        item = address_from_proto(m.address)
    elif kind == "phone":
        (item,) = phones_from_proto([m.phone])
    elif kind == "email":
        (item,) = emails_from_proto([m.email])
    elif kind == "bank_account":
        item = _bank_account_doc(m.bank_account)
    elif kind == "user_association":
        item = _user_association_doc(m.user_association)
    elif kind == "product_association":
        item = _product_association_doc(m.product_association)
    else:
        item = _family_member_doc(m.family_member)
    return ITEM_LISTS[kind], item


def client_input_to_doc(m: identity_pb2.ClientInput) -> ClientInput:
    p, pro, mg, f = m.personal, m.professional, m.management, m.flags
    return {
        "kind": CLIENT_KINDS.to_word(m.kind),
        "reference": m.reference.strip(),
        "registration_number": m.registration_number.strip(),
        "dms_number": m.dms_number.strip(),
        "civility": CIVILITIES.to_word(m.civility),
        "first_name": m.first_name.strip(),
        "last_name": m.last_name.strip(),
        "phones": phones_from_proto(m.phones),
        "emails": emails_from_proto(m.emails),
        "addresses": [address_from_proto(a) for a in m.addresses],
        "personal": {
            "marital_status": MARITAL_STATUSES.to_word(p.marital_status),
            "gender": GENDERS.to_word(p.gender),
            "birth_date": p.birth_date,
            "birth_place": p.birth_place,
            "profession": p.profession,
            "pcs_code": p.pcs_code,
            "social_security_number": p.social_security_number,
            "social_security_regime": SOCIAL_SECURITY_REGIMES.to_word(p.social_security_regime),
        },
        "professional": {
            "legal_name": pro.legal_name.strip(),
            "siren": pro.siren,
            "siret": pro.siret,
            "legal_form": pro.legal_form,
            "activity_code": pro.activity_code,
        },
        "family_members": [_family_member_doc(fm) for fm in m.family_members],
        "bank_accounts": [_bank_account_doc(b) for b in m.bank_accounts],
        "management": {
            "account_manager": mg.account_manager,
            "origin": mg.origin,
            "comment": mg.comment,
        },
        "flags": {
            "internal": f.internal,
            "leasing_company": f.leasing_company,
            "leasing_identifier": f.leasing_identifier,
            "archived": f.archived,
            "communication_blocked": f.communication_blocked,
            "preferred_channel": PREFERRED_CHANNELS.to_word(f.preferred_channel),
            "portal_access": f.portal_access,
        },
        "important_notes": m.important_notes,
        "memo": m.memo,
    }


def contact_input_to_doc(m: identity_pb2.ContactInput) -> ContactInput:
    return {
        "civility": CIVILITIES.to_word(m.civility),
        "first_name": m.first_name.strip(),
        "last_name": m.last_name.strip(),
        "function": m.function.strip(),
        "display_order": m.display_order,
        "valid_from": m.valid_from,
        "valid_to": m.valid_to,
        "phones": phones_from_proto(m.phones),
        "emails": emails_from_proto(m.emails),
        "address": address_from_proto(m.address) if m.HasField("address") else None,
        "consents": {
            "e_signature": m.consents.e_signature,
            "commercial_emails": m.consents.commercial_emails,
            "partner_emails": m.consents.partner_emails,
        },
        "recipient_roles": {
            "due_notices": m.recipient_roles.due_notices,
            "unpaid_reminders": m.recipient_roles.unpaid_reminders,
            "document_reminders": m.recipient_roles.document_reminders,
            "claim_settlements": m.recipient_roles.claim_settlements,
        },
        "portal_access": m.portal_access,
    }


DUPLICATE_REASONS = {
    name.removeprefix("DUPLICATE_REASON_"): value
    for name, value in identity_pb2.DuplicateReason.items()
    if value
}


def suspect_to_proto(s: Suspect) -> identity_pb2.DuplicateSuspect:
    return identity_pb2.DuplicateSuspect(
        client_id=s.client["id"],
        reference=s.client.get("reference", ""),
        display_name=s.client.get("display_name", ""),
        archived=bool((s.client.get("flags") or {}).get("archived", False)),
        score=s.score,
        reasons=[DUPLICATE_REASONS[r] for r in s.reasons],
    )


def area_from_proto(m: identity_pb2.GeoArea) -> geo.Area:
    if m.WhichOneof("shape") == "polygon":
        return geo.Shape(tuple((p.latitude, p.longitude) for p in m.polygon.points))
    return geo.Circle(m.circle.centre.latitude, m.circle.centre.longitude, m.circle.radius_km)


_MERGE_STATUSES = {
    "in_progress": identity_pb2.MERGE_STATUS_IN_PROGRESS,
    "done": identity_pb2.MERGE_STATUS_DONE,
}
MERGE_SIDES = {
    "survivor": identity_pb2.MERGE_SIDE_SURVIVOR,
    "merged": identity_pb2.MERGE_SIDE_MERGED,
    "both": identity_pb2.MERGE_SIDE_BOTH,
}


def merge_to_proto(m: Merge) -> identity_pb2.Merge:
    return identity_pb2.Merge(
        id=m["id"],
        survivor_id=m.get("survivor_id", ""),
        merged_id=m.get("merged_id", ""),
        merged_reference=m.get("merged_reference", ""),
        status=_MERGE_STATUSES.get(m.get("status", ""), identity_pb2.MERGE_STATUS_UNSPECIFIED),
        steps=[
            identity_pb2.MergeStep(
                service=service, done_at=timestamp(step["at"]), moved=step["moved"]
            )
            for service, step in sorted(m.get("steps", {}).items())
        ],
        awaiting=m.get("awaiting", []),
        requested_by=m.get("requested_by", ""),
        requested_at=timestamp(m.get("requested_at", "")),
        completed_at=timestamp(m.get("completed_at", "")),
        taken_from_merged=m.get("taken_from_merged", []),
    )


_ERASURE_STATUSES = {
    "in_progress": identity_pb2.ERASURE_STATUS_IN_PROGRESS,
    "done": identity_pb2.ERASURE_STATUS_DONE,
}


def erasure_to_proto(e: Erasure) -> identity_pb2.Erasure:
    return identity_pb2.Erasure(
        id=e["id"],
        client_id=e.get("client_id", ""),
        client_reference=e.get("client_reference", ""),
        reason=e.get("reason", ""),
        status=_ERASURE_STATUSES.get(e.get("status", ""), identity_pb2.ERASURE_STATUS_UNSPECIFIED),
        steps=[
            identity_pb2.ErasureStep(
                service=service,
                done_at=timestamp(step["at"]),
                erased=step["erased"],
                retained=[identity_pb2.ErasureRetention(**r) for r in step["retained"]],
            )
            for service, step in sorted(e.get("steps", {}).items())
        ],
        awaiting=e.get("awaiting", []),
        requested_by=e.get("requested_by", ""),
        requested_at=timestamp(e.get("requested_at", "")),
        completed_at=timestamp(e.get("completed_at", "")),
    )
