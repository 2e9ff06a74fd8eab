"""Each validation rule gives BAD_USER_INPUT naming the input field and the rule, and
nothing is written."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from runtime.errors import FieldViolation
from services.identity.models import ClientInput
from services.identity.validation import check_client, check_contact
from tests.harness import GraphQLClient
from tests.identity.queries import (
    ADD_CONTACT,
    CREATE,
    SEARCH,
    UPDATE,
    VALID_BIC,
    VALID_IBAN,
    VALID_NIR,
    VALID_SIREN,
    individual,
)

BAD_INPUTS = [
    pytest.param(
        {"personal": {"socialSecurityNumber": VALID_NIR[:-2] + "99"}},
        "personal.socialSecurityNumber",
        "check digits",
        id="bad-nir-key",
    ),
    pytest.param(
        {"bankAccounts": [{"iban": VALID_IBAN[:-1] + "0", "bic": VALID_BIC}]},
        "bankAccounts[0].iban",
        "IBAN",
        id="bad-iban",
    ),
    pytest.param(
        {"bankAccounts": [{"iban": VALID_IBAN, "bic": "BNPAF1PP"}]},
        "bankAccounts[0].bic",
        "BIC",
        id="bad-bic",
    ),
    pytest.param(
        {"professional": {"siret": VALID_SIREN + "00075"}},
        "professional.siret",
        "SIRET",
        id="bad-siret",
    ),
    pytest.param(
        {"professional": {"siren": "732829321"}},
        "professional.siren",
        "SIREN",
        id="bad-siren",
    ),
    pytest.param(
        {"phones": [{"number": "06 12 34"}]},
        "phones[0].number",
        "phone",
        id="bad-phone",
    ),
    pytest.param(
        {"emails": [{"address": "nobody@"}]},
        "emails[0].address",
        "email",
        id="bad-email",
    ),
    pytest.param(
        {"personal": {"birthDate": "17/05/1984"}},
        "personal.birthDate",
        "YYYY-MM-DD",
        id="bad-birth-date",
    ),
    pytest.param({"lastName": " "}, "lastName", "required", id="missing-last-name"),
]


async def _count(gql: GraphQLClient) -> int:
    total: int = (await gql.data(SEARCH, {"first": 1}))["clients"]["totalCount"]
    return total


@pytest.mark.parametrize(("fields", "field", "rule"), BAD_INPUTS)
async def test_bad_input_on_create_names_the_field_and_writes_nothing(
    gql: GraphQLClient, fields: dict[str, Any], field: str, rule: str
) -> None:
    body = await gql.execute(CREATE, {"input": individual(**fields)})
    assert body["data"]["createClient"] is None
    extensions = body["errors"][0]["extensions"]
    assert extensions["code"] == "BAD_USER_INPUT"
    assert extensions["field"] == field
    assert rule in extensions["rule"]
    assert await _count(gql) == 0


async def test_bad_input_on_update_changes_nothing(gql: GraphQLClient) -> None:
    created = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    body = await gql.execute(
        UPDATE,
        {
            "id": created["id"],
            "version": 1,
            "input": {"memo": "changed", "bankAccounts": [{"iban": "FR76 1234"}]},
        },
    )
    assert body["errors"][0]["extensions"]["field"] == "bankAccounts[0].iban"
    again = await gql.data(UPDATE, {"id": created["id"], "version": 1, "input": {}})
    assert again["updateClient"]["version"] == 1
    assert again["updateClient"]["identity"]["memo"] is None


async def test_every_broken_rule_is_reported_at_once(gql: GraphQLClient) -> None:
    body = await gql.execute(
        CREATE,
        {
            "input": individual(
                phones=[{"number": "123"}],
                bankAccounts=[{"iban": "FR00", "bic": "XX"}],
            )
        },
    )
    fields = [v["field"] for v in body["errors"][0]["extensions"]["violations"]]
    assert fields == ["phones[0].number", "bankAccounts[0].iban", "bankAccounts[0].bic"]


async def test_a_contact_without_a_function_is_refused(gql: GraphQLClient) -> None:
    client = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    body = await gql.execute(
        ADD_CONTACT, {"clientId": client["id"], "input": {"lastName": "Durand"}}
    )
    assert body["data"]["addContact"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "function"
    no_name = await gql.execute(
        ADD_CONTACT, {"clientId": client["id"], "input": {"function": "Gérant"}}
    )
    assert no_name["errors"][0]["extensions"]["field"] == "lastName"
    contacts = await gql.data(
        "query($id: ID!) { client(id: $id) { contacts(includeHistorical: true) { id } } }",
        {"id": client["id"]},
    )
    assert contacts["client"]["contacts"] == []


def test_valid_numbers_are_accepted_and_stored_compact() -> None:
    client: ClientInput = {
        "kind": "professional",
        "professional": {"legal_name": "Roux SARL", "siren": "732 829 320", "siret": ""},
        "personal": {"social_security_number": "1 84 05 75 123 456 25"},
        "bank_accounts": [{"iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "bnpafrppxxx"}],
        "phones": [{"number": "+33 6 12 34 56 78"}],
    }
    assert check_client(client) == []
    assert client["professional"]["siren"] == "732829320"
    assert client["personal"]["social_security_number"] == VALID_NIR
    assert client["bank_accounts"][0] == {"iban": VALID_IBAN, "bic": "BNPAFRPPXXX"}
    assert client["phones"][0] == {"number": "+33612345678", "primary": True}


def test_a_siret_must_belong_to_the_siren() -> None:
    client: ClientInput = {
        "kind": "professional",
        "professional": {"legal_name": "X", "siren": VALID_SIREN, "siret": "44306184100047"},
    }
    violations = check_client(client)
    assert [(v.field, v.rule) for v in violations] == [
        ("professional.siret", "must start with the SIREN")
    ]


def test_every_closed_vocabulary_accepts_only_its_words() -> None:
    # The words of the demo data and of earlier clients are the vocabulary's: they pass.
    client: ClientInput = {
        "kind": "individual",
        "last_name": "Martin",
        "civility": "Mme",
        "personal": {
            "marital_status": "Pacsé(e)",
            "gender": "F",
            "social_security_regime": "MSA",
        },
        "family_members": [{"first_name": "Léo", "relationship": "Enfant"}],
        "flags": {"preferred_channel": "sms"},
    }
    assert check_client(client) == []
    # A number the proto does not know arrives as its digits (services/identity/mapping.py).
    unknown: ClientInput = {
        "kind": "individual",
        "last_name": "Martin",
        "civility": "9",
        "personal": {"marital_status": "9", "gender": "9", "social_security_regime": "9"},
        "family_members": [{"first_name": "Léo", "relationship": "9"}],
        "flags": {"preferred_channel": "9"},
    }
    assert [(v.field, v.rule.split(" of ")[0]) for v in check_client(unknown)] == [
        ("civility", "must be one"),
        ("personal.maritalStatus", "must be one"),
        ("personal.gender", "must be one"),
        ("personal.socialSecurityRegime", "must be one"),
        ("familyMembers[0].relationship", "must be one"),
        ("flags.preferredChannel", "must be one"),
    ]
    assert check_contact({"last_name": "Morel", "function": "DAF", "civility": "9"}) == [
        FieldViolation("civility", "must be one of MR, MRS, MR_AND_MRS, DOCTOR, MAITRE")
    ]


def test_a_contact_cannot_end_before_it_starts() -> None:
    violations = check_contact(
        {"last_name": "X", "function": "Y", "valid_from": "2024-01-02", "valid_to": "2024-01-01"}
    )
    assert [v.field for v in violations] == ["validTo"]


async def test_social_security_numbers_and_ibans_are_encrypted_at_rest(gql: GraphQLClient) -> None:
    created = (
        await gql.data(
            CREATE,
            {
                "input": individual(
                    personal={"socialSecurityNumber": VALID_NIR},
                    bankAccounts=[{"iban": VALID_IBAN, "bic": VALID_BIC}],
                )
            },
        )
    )["createClient"]
    database = gql.system.directory / "data" / "identity.sqlite3"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        (stored,) = connection.execute(
            "SELECT doc FROM clients WHERE id = ?", (created["id"],)
        ).fetchone()
    assert created["identity"]["personal"]["socialSecurityNumber"] == VALID_NIR
    assert VALID_NIR not in stored
    assert VALID_IBAN not in stored
    assert VALID_IBAN[-10:] not in stored
    assert "enc:" in stored
