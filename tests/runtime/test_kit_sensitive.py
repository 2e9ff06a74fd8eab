"""Sensitive fields by path: encrypted on write, decrypted only under the sections a read asks
for, masked for the roles that may not see them."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from cryptography.fernet import Fernet

from runtime.caller import Caller
from runtime.crypto import FieldCipher
from runtime.kit.sensitive import SensitiveField, SensitiveFields, keep_ends

NIR = "184057512345625"
IBAN = "FR7630006000011234567890189"

FIELDS = SensitiveFields(
    [
        SensitiveField("personal.social_security_number", keep_ends(1, 2)),
        SensitiveField("family_members[].social_security_number", keep_ends(1, 2)),
        SensitiveField("bank_accounts[].iban", keep_ends(4, 4)),
        SensitiveField("tags[]", keep_ends(0, 1)),
    ],
    clear_for={"advisor", "admin"},
)


def client() -> dict[str, Any]:
    return {
        "id": "c1",
        "personal": {"social_security_number": NIR, "birth_date": "1984-05-17"},
        "family_members": [{"social_security_number": NIR}, {"social_security_number": ""}],
        "bank_accounts": [{"iban": IBAN, "bic": "BNPAFRPP"}],
        "tags": ["secret"],
        "memo": NIR,
    }


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(Fernet.generate_key().decode())


def test_every_declared_path_is_encrypted_and_nothing_else(cipher: FieldCipher) -> None:
    plain = client()
    sealed = FIELDS.encrypt(plain, cipher)
    assert plain == client(), "the caller's document is left as it was"
    assert sealed["personal"]["social_security_number"].startswith("enc:")
    assert sealed["family_members"][0]["social_security_number"].startswith("enc:")
    assert sealed["family_members"][1]["social_security_number"] == ""
    assert sealed["bank_accounts"][0]["iban"].startswith("enc:")
    assert sealed["bank_accounts"][0]["bic"] == "BNPAFRPP"
    assert sealed["tags"][0].startswith("enc:")
    assert sealed["memo"] == NIR
    assert FIELDS.decrypt(sealed, cipher) == client()


def test_a_read_decrypts_only_the_sections_it_asks_for(cipher: FieldCipher) -> None:
    sealed = FIELDS.encrypt(client(), cipher)
    opened = FIELDS.decrypt(copy.deepcopy(sealed), cipher, sections={"bank_accounts", "memo"})
    assert opened["bank_accounts"][0]["iban"] == IBAN
    assert opened["personal"] == sealed["personal"]
    assert opened["family_members"] == sealed["family_members"]


def test_missing_sections_and_documents_without_lists_are_fine(cipher: FieldCipher) -> None:
    partial: dict[str, Any] = {"id": "c2", "personal": None, "bank_accounts": []}
    assert FIELDS.decrypt(FIELDS.encrypt(partial, cipher), cipher) == partial


def test_a_role_not_cleared_sees_masked_values() -> None:
    partner, advisor = Caller("t", "p", "partner"), Caller("t", "a", "advisor")
    assert FIELDS.visible_to(advisor, client()) == client()
    shown = FIELDS.visible_to(partner, client())
    assert shown["personal"]["social_security_number"] == "1" + "*" * 12 + "25"
    assert shown["family_members"][0]["social_security_number"] == "1" + "*" * 12 + "25"
    assert shown["bank_accounts"][0]["iban"] == "FR76" + "*" * 19 + "0189"
    assert shown["tags"] == ["*****t"]
    assert shown["memo"] == NIR


def test_masking_can_be_limited_to_the_sections_shown() -> None:
    shown = FIELDS.masked(client(), sections={"bank_accounts"})
    assert shown["bank_accounts"][0]["iban"].startswith("FR76*")
    assert shown["personal"]["social_security_number"] == NIR


def test_a_value_too_short_to_hide_is_shown_as_it_is() -> None:
    assert keep_ends(4, 4)("FR76") == "FR76"
    assert keep_ends(1, 2)("1 84 05") == "1**05"


def test_sections_and_bad_paths() -> None:
    assert FIELDS.sections == {"personal", "family_members", "bank_accounts", "tags"}
    with pytest.raises(ValueError, match="not a sensitive field path"):
        SensitiveFields([SensitiveField("a..b", keep_ends(1, 1))], clear_for=())
