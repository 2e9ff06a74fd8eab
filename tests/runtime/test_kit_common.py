"""The common shapes between documents and common.proto: phones, emails, addresses and
audit stamps survive the round trip, and unset fields map to proto defaults."""

from __future__ import annotations

from typing import cast

from client360.common.v1 import common_pb2
from runtime.kit.common import (
    Address,
    address_from_proto,
    address_to_proto,
    audit_to_proto,
    emails_from_proto,
    emails_to_proto,
    phones_from_proto,
    phones_to_proto,
)


def test_phones_and_emails_round_trip() -> None:
    phones = phones_to_proto([{"number": "+33612345678", "kind": "mobile", "primary": True}])
    assert phones == [
        common_pb2.Phone(number="+33612345678", kind=common_pb2.PHONE_KIND_MOBILE, primary=True)
    ]
    assert phones_from_proto(phones) == [
        {"number": "+33612345678", "kind": "mobile", "primary": True}
    ]
    emails = emails_to_proto([{"address": "a@b.fr"}])
    assert emails == [common_pb2.Email(address="a@b.fr")]
    assert emails_from_proto(emails) == [{"address": "a@b.fr", "kind": "", "primary": False}]


def test_a_kind_is_an_enum_on_the_wire_and_a_word_in_the_document() -> None:
    # A word the vocabulary does not know reads as unspecified; a number the proto does not
    # know becomes its digits, which the validators refuse.
    assert phones_to_proto([{"number": "+33612345678", "kind": "pager"}])[0].kind == 0
    newer = common_pb2.Phone(number="+33612345678", kind=cast(common_pb2.PhoneKind.ValueType, 99))
    assert phones_from_proto([newer])[0]["kind"] == "99"
    assert (
        emails_from_proto([common_pb2.Email(kind=common_pb2.EMAIL_KIND_WORK)])[0]["kind"] == "work"
    )


def test_an_address_keeps_a_zero_coordinate_apart_from_an_unset_one() -> None:
    address: Address = {"line1": "1 quai", "city": "Nantes", "latitude": 0.0, "longitude": None}
    message = address_to_proto(address)
    assert message.HasField("latitude")
    assert not message.HasField("longitude")
    back = address_from_proto(message)
    assert (back["latitude"], back["longitude"]) == (0.0, None)
    assert back["city"] == "Nantes"
    assert back["country"] == ""


def test_audit_stamps_become_timestamps_and_blank_ones_stay_unset() -> None:
    stamps = audit_to_proto(
        {
            "created_at": "2026-01-02T03:04:05.000006+00:00",
            "created_by": "alice",
            "updated_at": "",
            "updated_by": "",
        }
    )
    assert stamps.created_at.ToJsonString() == "2026-01-02T03:04:05.000006Z"
    assert stamps.created_by == "alice"
    assert not stamps.HasField("updated_at")
    assert audit_to_proto(None) == common_pb2.AuditStamps()
