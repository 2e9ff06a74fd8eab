"""The item mutations through the gateway, against running processes: one address, phone,
email, bank account or family member added, changed (only the fields given) or removed by its
id; the primary address switched by id; an archived client restored; a contact deleted; their
events reaching an open client screen."""

from __future__ import annotations

from typing import Any

from tests.compliance.queries import CLIENT_EVENTS
from tests.harness import GraphQLClient, Subscription
from tests.identity.queries import (
    ADD_ADDRESS,
    ADD_BANK_ACCOUNT,
    ADD_CONTACT,
    ADD_EMAIL,
    ADD_FAMILY_MEMBER,
    ADD_PHONE,
    ARCHIVE,
    CONTACTS,
    CREATE,
    DELETE_CONTACT,
    GET,
    ITEM_FIELDS,
    REMOVE_ITEM,
    RESTORE,
    SEARCH,
    SET_PRIMARY_ADDRESS,
    UPDATE_ADDRESS,
    UPDATE_BANK_ACCOUNT,
    UPDATE_EMAIL,
    UPDATE_FAMILY_MEMBER,
    UPDATE_PHONE,
    VALID_BIC,
    VALID_IBAN,
    VALID_NIR,
    individual,
)

READ_ITEMS = ITEM_FIELDS + "query($id: ID!) { client(id: $id) { ...ItemFields } }"
LYON = {
    "label": "Domicile",
    "line1": "1 rue Pasteur",
    "postalCode": "69003",
    "city": "Lyon",
    "latitude": 45.76,
    "longitude": 4.84,
}
NANTES = {
    "label": "Vacances",
    "line1": "2 quai de la Loire",
    "postalCode": "44000",
    "city": "Nantes",
}


async def _create(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    created = (await gql.data(CREATE, {"input": individual(**fields)}))["createClient"]
    client: dict[str, Any] = (await gql.data(READ_ITEMS, {"id": created["id"]}))["client"]
    return client


async def _mutate(
    gql: GraphQLClient, document: str, field: str, **variables: Any
) -> dict[str, Any]:
    client: dict[str, Any] = (await gql.data(document, variables))[field]
    return client


def _error(body: dict[str, Any], field: str) -> str:
    assert body["data"][field] is None
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def test_latitude_is_kept_when_only_the_city_changes(gql: GraphQLClient) -> None:
    client = await _create(gql, addresses=[LYON])
    (home,) = client["identity"]["addresses"]
    added = await _mutate(
        gql, ADD_ADDRESS, "addAddress", clientId=client["id"], version=1, input=NANTES
    )
    assert added["version"] == 2
    kept, vacation = added["identity"]["addresses"]
    assert kept == home
    assert vacation["id"] not in ("", home["id"])
    assert (vacation["city"], vacation["primary"], vacation["latitude"]) == ("Nantes", False, None)

    moved = await _mutate(
        gql,
        UPDATE_ADDRESS,
        "updateAddress",
        clientId=client["id"],
        version=2,
        addressId=home["id"],
        input={"city": "Villeurbanne"},
    )
    assert moved["version"] == 3
    assert moved["identity"]["addresses"] == [{**home, "city": "Villeurbanne"}, vacation]
    assert (home["latitude"], home["longitude"]) == (45.76, 4.84)


async def test_switch_the_primary_address_by_id(gql: GraphQLClient) -> None:
    client = await _create(gql, addresses=[{**LYON, "primary": True}, NANTES])
    home, vacation = client["identity"]["addresses"]
    assert client["identity"]["primaryAddress"] == {"id": home["id"], "city": "Lyon"}

    switched = await _mutate(
        gql,
        SET_PRIMARY_ADDRESS,
        "setPrimaryAddress",
        clientId=client["id"],
        version=1,
        addressId=vacation["id"],
    )
    identity = switched["identity"]
    assert identity["primaryAddress"] == {"id": vacation["id"], "city": "Nantes"}
    assert [(a["id"], a["primary"]) for a in identity["addresses"]] == [
        (home["id"], False),
        (vacation["id"], True),
    ]

    # Only an address of this client, at the version read.
    phone_id = (
        await _mutate(
            gql,
            ADD_PHONE,
            "addPhone",
            clientId=client["id"],
            version=2,
            input={"number": "0612345678"},
        )
    )["identity"]["phones"][0]["id"]
    not_an_address = await gql.execute(
        SET_PRIMARY_ADDRESS, {"clientId": client["id"], "version": 3, "addressId": phone_id}
    )
    assert _error(not_an_address, "setPrimaryAddress") == "NOT_FOUND"
    stale = await gql.execute(
        SET_PRIMARY_ADDRESS, {"clientId": client["id"], "version": 1, "addressId": home["id"]}
    )
    assert _error(stale, "setPrimaryAddress") == "CONFLICT"
    assert (await gql.data(READ_ITEMS, {"id": client["id"]}))["client"]["identity"][
        "primaryAddress"
    ]["id"] == vacation["id"]


async def test_a_partner_sends_back_a_masked_iban_and_the_real_one_is_kept(
    gql: GraphQLClient,
) -> None:
    client = await _create(
        gql,
        bankAccounts=[{"iban": VALID_IBAN, "bic": VALID_BIC, "label": "Compte courant"}],
        familyMembers=[{"firstName": "Léo", "socialSecurityNumber": VALID_NIR}],
    )
    partner = GraphQLClient(gql.system, gql.http, gql.tenant, role="partner")
    shown = (await partner.data(READ_ITEMS, {"id": client["id"]}))["client"]["identity"]
    (account,) = shown["bankAccounts"]
    (member,) = shown["familyMembers"]
    assert account["iban"] == "FR76*******************0189"
    assert member["socialSecurityNumber"] == "1************25"

    # A partner's form sends back every field as it was shown, the masked numbers included.
    saved = await _mutate(
        partner,
        UPDATE_BANK_ACCOUNT,
        "updateBankAccount",
        clientId=client["id"],
        version=1,
        bankAccountId=account["id"],
        input={"iban": account["iban"], "bic": account["bic"], "label": "Compte joint"},
    )
    await _mutate(
        partner,
        UPDATE_FAMILY_MEMBER,
        "updateFamilyMember",
        clientId=client["id"],
        version=saved["version"],
        familyMemberId=member["id"],
        input={"socialSecurityNumber": member["socialSecurityNumber"], "relationship": "CHILD"},
    )
    stored = (await gql.data(READ_ITEMS, {"id": client["id"]}))["client"]["identity"]
    assert stored["bankAccounts"] == [
        {
            "id": account["id"],
            "iban": VALID_IBAN,
            "bic": VALID_BIC,
            "holder": None,
            "label": "Compte joint",
        }
    ]
    assert stored["familyMembers"][0]["socialSecurityNumber"] == VALID_NIR
    assert stored["familyMembers"][0]["relationship"] == "CHILD"


async def test_phones_and_emails_are_added_and_changed_one_by_one_with_their_kinds(
    gql: GraphQLClient,
) -> None:
    client = await _create(gql, phones=[{"number": "0612345678", "kind": "MOBILE"}])
    (mobile,) = client["identity"]["phones"]
    assert (mobile["kind"], mobile["primary"]) == ("MOBILE", True)

    added = await _mutate(
        gql,
        ADD_PHONE,
        "addPhone",
        clientId=client["id"],
        version=1,
        input={"number": "02 99 00 11 22", "kind": "LANDLINE", "primary": True},
    )
    mobile_now, landline = added["identity"]["phones"]
    assert landline == {**landline, "number": "+33299001122", "kind": "LANDLINE", "primary": True}
    assert mobile_now == {**mobile, "primary": False}

    retyped = await _mutate(
        gql,
        UPDATE_PHONE,
        "updatePhone",
        clientId=client["id"],
        version=2,
        phoneId=landline["id"],
        input={"kind": "WORK"},
    )
    assert retyped["identity"]["phones"][1] == {**landline, "kind": "WORK"}

    with_email = await _mutate(
        gql,
        ADD_EMAIL,
        "addEmail",
        clientId=client["id"],
        version=3,
        input={"address": "Camille@Exemple.fr", "kind": "WORK"},
    )
    (email,) = with_email["identity"]["emails"]
    assert (email["address"], email["kind"], email["primary"]) == (
        "Camille@exemple.fr",
        "WORK",
        True,
    )
    readdressed = await _mutate(
        gql,
        UPDATE_EMAIL,
        "updateEmail",
        clientId=client["id"],
        version=4,
        emailId=email["id"],
        input={"address": "camille.martin@exemple.fr"},
    )
    assert readdressed["identity"]["emails"] == [{**email, "address": "camille.martin@exemple.fr"}]


async def test_bank_accounts_and_family_members_are_added_and_changed_field_by_field(
    gql: GraphQLClient,
) -> None:
    client = await _create(gql)
    with_account = await _mutate(
        gql,
        ADD_BANK_ACCOUNT,
        "addBankAccount",
        clientId=client["id"],
        version=1,
        input={"iban": "FR76 3000 6000 0112 3456 7890 189", "holder": "Camille Martin"},
    )
    (account,) = with_account["identity"]["bankAccounts"]
    assert (account["iban"], account["bic"], account["holder"]) == (
        VALID_IBAN,
        None,
        "Camille Martin",
    )
    relabelled = await _mutate(
        gql,
        UPDATE_BANK_ACCOUNT,
        "updateBankAccount",
        clientId=client["id"],
        version=2,
        bankAccountId=account["id"],
        input={"bic": VALID_BIC},
    )
    assert relabelled["identity"]["bankAccounts"] == [{**account, "bic": VALID_BIC}]

    with_member = await _mutate(
        gql,
        ADD_FAMILY_MEMBER,
        "addFamilyMember",
        clientId=client["id"],
        version=3,
        input={"firstName": "Léo", "relationship": "CHILD", "birthDate": "2012-03-04"},
    )
    (member,) = with_member["identity"]["familyMembers"]
    assert (member["relationship"], member["birthDate"], member["lastName"]) == (
        "CHILD",
        "2012-03-04",
        None,
    )
    renamed = await _mutate(
        gql,
        UPDATE_FAMILY_MEMBER,
        "updateFamilyMember",
        clientId=client["id"],
        version=4,
        familyMemberId=member["id"],
        input={"lastName": "Martin"},
    )
    assert renamed["identity"]["familyMembers"] == [{**member, "lastName": "Martin"}]


async def test_removing_an_item_by_its_id_leaves_the_others_and_a_primary_address(
    gql: GraphQLClient,
) -> None:
    client = await _create(
        gql,
        addresses=[{**LYON, "primary": True}, NANTES],
        phones=[{"number": "0612345678"}, {"number": "0299001122"}],
    )
    home, vacation = client["identity"]["addresses"]
    first_phone, second_phone = client["identity"]["phones"]

    without_phone = await _mutate(
        gql,
        REMOVE_ITEM,
        "removeClientItem",
        clientId=client["id"],
        version=1,
        itemId=second_phone["id"],
    )
    assert without_phone["identity"]["phones"] == [first_phone]
    without_home = await _mutate(
        gql, REMOVE_ITEM, "removeClientItem", clientId=client["id"], version=2, itemId=home["id"]
    )
    assert without_home["identity"]["addresses"] == [{**vacation, "primary": True}]
    assert without_home["identity"]["primaryAddress"]["id"] == vacation["id"]

    unknown = await gql.execute(
        REMOVE_ITEM, {"clientId": client["id"], "version": 3, "itemId": home["id"]}
    )
    assert _error(unknown, "removeClientItem") == "NOT_FOUND"


async def test_an_item_update_giving_no_field_changes_nothing(gql: GraphQLClient) -> None:
    client = await _create(gql, addresses=[LYON])
    (home,) = client["identity"]["addresses"]
    same = await _mutate(
        gql,
        UPDATE_ADDRESS,
        "updateAddress",
        clientId=client["id"],
        version=1,
        addressId=home["id"],
        input={},
    )
    assert same == client


async def test_item_commands_on_a_stale_version_are_conflicts_and_change_nothing(
    gql: GraphQLClient,
) -> None:
    client = await _create(gql, addresses=[LYON])
    (home,) = client["identity"]["addresses"]
    await gql.data(
        UPDATE_ADDRESS,
        {
            "clientId": client["id"],
            "version": 1,
            "addressId": home["id"],
            "input": {"label": "Maison"},
        },
    )
    for document, field, variables in (
        (ADD_ADDRESS, "addAddress", {"input": NANTES}),
        (UPDATE_ADDRESS, "updateAddress", {"addressId": home["id"], "input": {"city": "Bron"}}),
        (REMOVE_ITEM, "removeClientItem", {"itemId": home["id"]}),
    ):
        body = await gql.execute(document, {"clientId": client["id"], "version": 1, **variables})
        assert _error(body, field) == "CONFLICT"
    current = (await gql.data(READ_ITEMS, {"id": client["id"]}))["client"]
    assert current["version"] == 2
    assert current["identity"]["addresses"] == [{**home, "label": "Maison"}]


async def test_an_archived_client_is_restored_into_the_lists(gql: GraphQLClient) -> None:
    client = await _create(gql, last="Restaurable")
    await gql.data(ARCHIVE, {"id": client["id"]})
    archived = (await gql.data(GET, {"id": client["id"]}))["client"]
    assert archived["identity"]["flags"]["archived"] is True

    stale = await gql.execute(RESTORE, {"id": client["id"], "version": 1})
    assert _error(stale, "restoreClient") == "CONFLICT"
    restored = (await gql.data(RESTORE, {"id": client["id"], "version": archived["version"]}))[
        "restoreClient"
    ]
    assert restored["identity"]["flags"]["archived"] is False
    assert restored["version"] == archived["version"] + 1
    listed = await gql.data(SEARCH, {"search": "restaurable", "first": 10})
    assert [e["node"]["id"] for e in listed["clients"]["edges"]] == [client["id"]]


async def test_a_deleted_contact_is_gone_even_from_history(gql: GraphQLClient) -> None:
    client = await _create(gql)
    contact = (
        await gql.data(
            ADD_CONTACT,
            {"clientId": client["id"], "input": {"lastName": "Morel", "function": "Comptable"}},
        )
    )["addContact"]
    stale = await gql.execute(DELETE_CONTACT, {"id": contact["id"], "version": 2})
    assert _error(stale, "deleteContact") == "CONFLICT"
    deleted = (await gql.data(DELETE_CONTACT, {"id": contact["id"], "version": 1}))["deleteContact"]
    assert deleted == contact
    history = (await gql.data(CONTACTS, {"id": client["id"], "historical": True}))["client"]
    assert history["contacts"] == []
    again = await gql.execute(DELETE_CONTACT, {"id": contact["id"], "version": 1})
    assert _error(again, "deleteContact") == "NOT_FOUND"


async def test_restoring_a_client_and_deleting_a_contact_reach_an_open_screen(
    gql: GraphQLClient,
) -> None:
    client = await _create(gql, last="Suivi")
    contact = (
        await gql.data(
            ADD_CONTACT,
            {"clientId": client["id"], "input": {"lastName": "Morel", "function": "Comptable"}},
        )
    )["addContact"]
    await gql.data(ARCHIVE, {"id": client["id"]})
    version = (await gql.data(GET, {"id": client["id"]}))["client"]["version"]
    token = gql.system.token(gql.tenant)
    async with Subscription(gql.system, token, CLIENT_EVENTS, {"id": client["id"]}) as screen:
        await gql.data(RESTORE, {"id": client["id"], "version": version})
        await gql.data(DELETE_CONTACT, {"id": contact["id"], "version": 1})
        seen: list[dict[str, Any]] = []
        while len(seen) < 2:
            message = await screen.next()
            assert message["type"] == "next", message
            event = message["payload"]["data"]["clientEvents"]
            if event["type"] in ("c360.identity.client.restored", "c360.identity.contact.deleted"):
                seen.append(event)
    assert [e["type"] for e in seen] == [
        "c360.identity.client.restored",
        "c360.identity.contact.deleted",
    ]
    assert all(e["clientId"] == client["id"] for e in seen)
    assert "flags" in seen[0]["changedFields"]


async def test_absent_values_are_null_and_vocabularies_are_enum_names(gql: GraphQLClient) -> None:
    plain = (await gql.data(GET, {"id": (await _create(gql))["id"]}))["client"]
    identity = plain["identity"]
    assert identity["civility"] is None
    assert (identity["registrationNumber"], identity["dmsNumber"], identity["memo"]) == (
        None,
        None,
        None,
    )
    assert identity["personal"] == {
        "birthDate": None,
        "socialSecurityNumber": None,
        "profession": None,
    }
    assert identity["flags"]["preferredChannel"] is None
    assert identity["primaryAddress"] is None
    assert identity["audit"]["updatedAt"] is not None

    described = await _create(
        gql,
        civility="MR",
        personal={
            "maritalStatus": "CIVIL_PARTNERSHIP",
            "gender": "MALE",
            "socialSecurityRegime": "AGRICULTURAL",
        },
        flags={"preferredChannel": "POST"},
        addresses=[{"line1": "3 rue des Écoles", "city": "Rennes"}],
    )
    read = (
        await gql.data(
            """query($id: ID!) { client(id: $id) { identity {
                 civility personal { maritalStatus gender socialSecurityRegime }
                 flags { preferredChannel } addresses { label line2 latitude longitude }
               } } }""",
            {"id": described["id"]},
        )
    )["client"]["identity"]
    assert read == {
        "civility": "MR",
        "personal": {
            "maritalStatus": "CIVIL_PARTNERSHIP",
            "gender": "MALE",
            "socialSecurityRegime": "AGRICULTURAL",
        },
        "flags": {"preferredChannel": "POST"},
        "addresses": [{"label": None, "line2": None, "latitude": None, "longitude": None}],
    }
