"""One item of a client's lists (addresses, phones, emails, bank accounts, family members) is
added, changed or removed by its id without resending the list; the primary address switches
by id; an archived client is restored; a contact is deleted physically; a partner sending
back the masked numbers it was shown never overwrites the real ones. The domain functions on
a real SQLite store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any, cast

import pytest
from cryptography.fernet import Fernet
from google.protobuf.message import Message

from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.caller import Caller
from runtime.contracts import decode_payload, payload_types
from runtime.crypto import FieldCipher
from runtime.errors import Conflict, InvalidInput, NotFound
from runtime.store.sqlite import SqliteStore
from services.identity import service
from services.identity.demo import load_demo_data
from services.identity.items import derived_id
from services.identity.models import (
    CLIENT_ITEM_LISTS,
    CLIENTS,
    COLLECTIONS,
    CONTACTS,
    Client,
    ClientInput,
)
from services.identity.privacy import visible_to
from services.identity.repository import IdentityRepository
from tests.identity.queries import VALID_BIC, VALID_IBAN, VALID_NIR

ADVISOR = Caller("agency-a", "alice", "advisor")
PARTNER = Caller("agency-a", "paul", "partner")
INTRUDER = Caller("agency-b", "mallory", "admin")

OTHER_IBAN = "FR5417569000401234567890123"
OTHER_NIR = "290017512345605"

EVENTS = payload_types(
    identity_pb2.ClientCreated,
    identity_pb2.ClientUpdated,
    identity_pb2.ClientArchived,
    identity_pb2.ClientRestored,
    identity_pb2.ContactCreated,
    identity_pb2.ContactUpdated,
    identity_pb2.ContactEnded,
    identity_pb2.ContactDeleted,
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "identity.sqlite3")
    await opened.open(COLLECTIONS)
    yield opened
    await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> IdentityRepository:
    return IdentityRepository(store, FieldCipher(Fernet.generate_key().decode()))


def a_client(**extra: Any) -> ClientInput:
    client: dict[str, Any] = {
        "kind": "individual",
        "first_name": "Élodie",
        "last_name": "Núñez",
        "phones": [{"number": "0612345678", "kind": "mobile"}],
        "emails": [{"address": "elodie@exemple.fr"}],
        "addresses": [
            {
                "label": "Domicile",
                "line1": "1 rue Pasteur",
                "postal_code": "69003",
                "city": "Lyon",
                "latitude": 45.76,
                "longitude": 4.84,
                "primary": True,
            },
            {"label": "Vacances", "line1": "2 quai de la Loire", "city": "Nantes"},
        ],
        "personal": {"social_security_number": VALID_NIR},
        "family_members": [
            {"first_name": "Léo", "relationship": "Enfant", "social_security_number": VALID_NIR}
        ],
        "bank_accounts": [{"iban": VALID_IBAN, "bic": VALID_BIC, "label": "Courant"}],
        **extra,
    }
    return client  # type: ignore[return-value]


async def events_of(store: SqliteStore, client_id: str) -> list[tuple[str, Message]]:
    """The events committed about ``client_id``, oldest first: (subject, payload)."""
    found = []
    for queued in await store.pending_events(1000):
        event = events_pb2.Event.FromString(queued.payload)
        payload = decode_payload(event, EVENTS)
        if event.key == client_id and payload is not None:
            found.append((event.type, payload))
    return found


def ids(client: Client, list_name: str) -> list[str]:
    items: list[dict[str, Any]] = cast(dict[str, Any], client).get(list_name, [])
    return [item["id"] for item in items]


def without_id(item: Mapping[str, Any]) -> Any:
    """An item as a form without ids sends it back."""
    return {k: v for k, v in item.items() if k != "id"}


def primaries(client: Client) -> list[str]:
    return [a["city"] for a in client.get("addresses", []) if a.get("primary")]


# Ids


async def test_every_item_of_a_new_client_has_its_own_id(repo: IdentityRepository) -> None:
    created = await service.create_client(
        repo=repo,
        caller=ADVISOR,
        data=a_client(addresses=[{"id": "chosen-by-caller", "city": "Lyon"}]),
    )
    every_id = [i for name in CLIENT_ITEM_LISTS for i in ids(created, name)]
    assert len(every_id) == 5
    assert all(len(i) == 26 for i in every_id)
    assert len(set(every_id)) == len(every_id)
    # Ids are the service's: a caller does not choose them.
    assert "chosen-by-caller" not in every_id
    (read,) = await service.get_clients(repo=repo, caller=ADVISOR, client_ids=[created["id"]])
    assert [i for name in CLIENT_ITEM_LISTS for i in ids(read, name)] == every_id


async def test_the_demo_data_is_created_with_ids_on_every_item(
    store: SqliteStore, repo: IdentityRepository
) -> None:
    assert await load_demo_data(repo, tenant_id="agency-demo") > 0
    stored = await store.find(CLIENTS, "agency-demo")
    for name in CLIENT_ITEM_LISTS:
        items = [item for client in stored for item in client[name]]
        assert items, name
        assert all(item.get("id") for item in items), name
    contacts = await store.find(CONTACTS, "agency-demo")
    assert contacts
    assert all(c["address"]["id"] and all(p["id"] for p in c["phones"]) for c in contacts)


async def _strip_item_ids(store: SqliteStore, client_id: str) -> None:
    """The client as stored before items had ids."""
    async with store.transaction() as txn:
        stored = await txn.get(CLIENTS, ADVISOR.tenant_id, client_id)
        assert stored is not None
        for name in CLIENT_ITEM_LISTS:
            for item in stored[name]:
                del item["id"]
        await txn.replace(CLIENTS, ADVISOR.tenant_id, stored, expected_version=stored["version"])


async def test_items_stored_without_ids_show_the_same_ids_on_every_read_and_keep_them_once_written(
    store: SqliteStore, repo: IdentityRepository
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    await _strip_item_ids(store, created["id"])

    first = await service.get_client(repo=repo, caller=ADVISOR, client_id=created["id"])
    again = await service.get_client(repo=repo, caller=ADVISOR, client_id=created["id"])
    shown = {name: ids(first, name) for name in CLIENT_ITEM_LISTS}
    assert all(all(found) for found in shown.values())
    assert shown == {name: ids(again, name) for name in CLIENT_ITEM_LISTS}
    assert shown["addresses"][1] == derived_id(
        created["id"], "addresses", 1, created["audit"]["created_at"]
    )

    # An id read before the first write names its item in that write, and stays after it.
    vacation = shown["addresses"][1]
    updated = await service.update_client_item(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=first["version"],
        list_name="addresses",
        item_id=vacation,
        item={"city": "Saint-Nazaire"},
        paths=["city"],
    )
    assert [a["city"] for a in updated["addresses"]] == ["Lyon", "Saint-Nazaire"]
    assert {name: ids(updated, name) for name in CLIENT_ITEM_LISTS} == shown
    raw = await store.get(CLIENTS, ADVISOR.tenant_id, created["id"])
    assert raw is not None
    assert [a["id"] for a in raw["addresses"]] == shown["addresses"]
    assert [p["id"] for p in raw["phones"]] == shown["phones"]


async def test_a_list_sent_back_whole_keeps_the_ids_of_the_items_it_repeats(
    repo: IdentityRepository,
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    home, vacation = created["addresses"]
    # Sent back as a form would: the first without its id but unchanged, the second by id.
    sent: list[Any] = [
        without_id(home),
        {**vacation, "city": "Pornic"},
        {"line1": "3 place Neuve", "city": "Rennes"},
    ]
    updated = await service.update_client(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=1,
        changes={"addresses": sent},
        paths=["addresses"],
    )
    assert ids(updated, "addresses")[:2] == [home["id"], vacation["id"]]
    assert ids(updated, "addresses")[2] not in (home["id"], vacation["id"])
    # Sending the same list again changes nothing: no new ids, no new version.
    same = await service.update_client(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=2,
        changes={"addresses": [without_id(a) for a in updated["addresses"]]},
        paths=["addresses"],
    )
    assert same["version"] == 2
    assert ids(same, "addresses") == ids(updated, "addresses")


# Adding, changing, removing one item


async def test_adding_an_item_appends_it_with_a_new_id_and_announces_the_list(
    store: SqliteStore, repo: IdentityRepository
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    updated = await service.add_client_item(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=1,
        list_name="phones",
        item={"number": "02 99 00 11 22", "kind": "landline", "id": "ignored"},
    )
    assert updated["version"] == 2
    first, added = updated["phones"]
    assert first == created["phones"][0]
    assert added["number"] == "+33299001122"
    assert not added.get("primary")
    assert added["id"] not in ("ignored", first["id"])
    assert updated["audit"]["updated_by"] == "alice"
    subject, payload = (await events_of(store, created["id"]))[-1]
    assert subject == "c360.identity.client.updated"
    assert isinstance(payload, identity_pb2.ClientUpdated)
    assert list(payload.changed_fields) == ["phones"]
    assert payload.client.phones[1].id == added["id"]


async def test_changing_only_the_city_of_an_address_keeps_its_coordinates(
    repo: IdentityRepository,
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    home = created["addresses"][0]
    updated = await service.update_client_item(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=1,
        list_name="addresses",
        item_id=home["id"],
        # What a caller sends with a mask: the other fields at their defaults.
        item={"city": "Villeurbanne", "line1": "", "latitude": None, "primary": False},
        paths=["city"],
    )
    changed = updated["addresses"][0]
    assert changed["city"] == "Villeurbanne"
    assert (changed["latitude"], changed["longitude"]) == (45.76, 4.84)
    assert (changed["line1"], changed["postal_code"], changed["label"]) == (
        "1 rue Pasteur",
        "69003",
        "Domicile",
    )
    assert changed["primary"] is True
    assert changed["id"] == home["id"]
    assert updated["addresses"][1] == created["addresses"][1]


async def test_a_field_named_in_the_mask_and_left_unset_is_cleared(
    repo: IdentityRepository,
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    updated = await service.update_client_item(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=1,
        list_name="addresses",
        item_id=created["addresses"][0]["id"],
        item={"latitude": None, "longitude": None},
        paths=["latitude", "longitude"],
    )
    assert updated["addresses"][0].get("latitude") is None
    assert updated["addresses"][0]["city"] == "Lyon"


async def test_removing_an_item_leaves_the_others_as_they_were(repo: IdentityRepository) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    updated = await service.remove_client_item(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=1,
        item_id=created["family_members"][0]["id"],
    )
    assert updated["family_members"] == []
    assert updated["addresses"] == created["addresses"]
    assert updated["version"] == 2


async def test_an_update_that_changes_nothing_writes_nothing(
    store: SqliteStore, repo: IdentityRepository
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    account = created["bank_accounts"][0]
    same = await service.update_client_item(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=1,
        list_name="bank_accounts",
        item_id=account["id"],
        item={"label": "Courant"},
        paths=["label"],
    )
    assert same["version"] == 1
    nothing = await service.update_client_item(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=1,
        list_name="bank_accounts",
        item_id=account["id"],
        item={"label": "Épargne"},
        paths=[],
    )
    assert nothing["bank_accounts"][0]["label"] == "Courant"
    assert [s for s, _ in await events_of(store, created["id"])] == ["c360.identity.client.created"]


# The primary address


async def test_switching_the_primary_address_leaves_exactly_one_primary(
    store: SqliteStore, repo: IdentityRepository
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    assert primaries(created) == ["Lyon"]
    switched = await service.set_primary_address(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=1,
        address_id=created["addresses"][1]["id"],
    )
    assert primaries(switched) == ["Nantes"]
    assert switched["version"] == 2
    subject, payload = (await events_of(store, created["id"]))[-1]
    assert subject == "c360.identity.client.updated"
    assert isinstance(payload, identity_pb2.ClientUpdated)
    assert list(payload.changed_fields) == ["addresses"]
    # Already primary: nothing to write.
    again = await service.set_primary_address(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=2,
        address_id=created["addresses"][1]["id"],
    )
    assert again["version"] == 2


async def test_an_address_added_or_changed_as_primary_takes_the_mark_from_the_old_one(
    repo: IdentityRepository,
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    added = await service.add_client_item(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=1,
        list_name="addresses",
        item={"line1": "9 rue Neuve", "city": "Rennes", "primary": True},
    )
    assert primaries(added) == ["Rennes"]
    changed = await service.update_client_item(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=2,
        list_name="addresses",
        item_id=created["addresses"][1]["id"],
        item={"primary": True},
        paths=["primary"],
    )
    assert primaries(changed) == ["Nantes"]


async def test_removing_the_primary_address_makes_the_first_remaining_one_primary(
    repo: IdentityRepository,
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    updated = await service.remove_client_item(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=1,
        item_id=created["addresses"][0]["id"],
    )
    assert primaries(updated) == ["Nantes"]


async def test_the_primary_mark_cannot_be_taken_off_the_primary_address(
    repo: IdentityRepository,
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    with pytest.raises(InvalidInput) as refused:
        await service.update_client_item(
            repo=repo,
            caller=ADVISOR,
            client_id=created["id"],
            version=1,
            list_name="addresses",
            item_id=created["addresses"][0]["id"],
            item={"primary": False},
            paths=["primary"],
        )
    assert [v.field for v in refused.value.violations] == ["addresses[0].primary"]
    assert "make another one primary" in refused.value.violations[0].rule


async def test_the_primary_address_is_switched_only_to_one_of_the_clients_addresses(
    repo: IdentityRepository,
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    with pytest.raises(NotFound, match="address"):
        await service.set_primary_address(
            repo=repo,
            caller=ADVISOR,
            client_id=created["id"],
            version=1,
            # A phone's id is no address.
            address_id=created["phones"][0]["id"],
        )


# Refusals


async def test_a_bad_item_is_refused_whole_naming_every_field_and_nothing_is_written(
    store: SqliteStore, repo: IdentityRepository
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    with pytest.raises(InvalidInput) as refused:
        await service.add_client_item(
            repo=repo,
            caller=ADVISOR,
            client_id=created["id"],
            version=1,
            list_name="bank_accounts",
            item={"iban": VALID_IBAN[:-1] + "0", "bic": "XX"},
        )
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("bankAccounts[1].iban", "not a valid IBAN: the check digits do not match"),
        ("bankAccounts[1].bic", "not a valid BIC: wrong length"),
    ]
    with pytest.raises(InvalidInput) as bad_update:
        await service.update_client_item(
            repo=repo,
            caller=ADVISOR,
            client_id=created["id"],
            version=1,
            list_name="addresses",
            item_id=created["addresses"][1]["id"],
            item={"line1": "", "city": "", "latitude": 91.0, "country": "France"},
            paths=["line1", "city", "latitude", "country"],
        )
    assert [v.field for v in bad_update.value.violations] == [
        "addresses[1].line1",
        "addresses[1].country",
        "addresses[1].latitude",
    ]
    unchanged = await service.get_client(repo=repo, caller=ADVISOR, client_id=created["id"])
    assert unchanged["version"] == 1
    assert unchanged["bank_accounts"] == created["bank_accounts"]
    assert unchanged["addresses"] == created["addresses"]
    assert len(await events_of(store, created["id"])) == 1


async def test_an_update_mask_naming_no_field_of_the_item_is_refused(
    repo: IdentityRepository,
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    with pytest.raises(InvalidInput) as refused:
        await service.update_client_item(
            repo=repo,
            caller=ADVISOR,
            client_id=created["id"],
            version=1,
            list_name="phones",
            item_id=created["phones"][0]["id"],
            item={"number": "0611111111"},
            paths=["number", "city", "id"],
        )
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("updateMask", "'city' is not a field of a phone"),
        ("updateMask", "'id' is not a field of a phone"),
    ]


async def test_item_commands_on_a_stale_version_are_conflicts(repo: IdentityRepository) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    await service.add_client_item(
        repo=repo,
        caller=ADVISOR,
        client_id=created["id"],
        version=1,
        list_name="emails",
        item={"address": "autre@exemple.fr"},
    )
    home = created["addresses"][0]["id"]
    stale = [
        service.add_client_item(
            repo=repo,
            caller=ADVISOR,
            client_id=created["id"],
            version=1,
            list_name="emails",
            item={"address": "x@exemple.fr"},
        ),
        service.update_client_item(
            repo=repo,
            caller=ADVISOR,
            client_id=created["id"],
            version=1,
            list_name="addresses",
            item_id=home,
            item={"city": "Paris"},
            paths=["city"],
        ),
        service.remove_client_item(
            repo=repo, caller=ADVISOR, client_id=created["id"], version=1, item_id=home
        ),
        service.set_primary_address(
            repo=repo, caller=ADVISOR, client_id=created["id"], version=1, address_id=home
        ),
    ]
    for command in stale:
        with pytest.raises(Conflict, match="current version is 2"):
            await command
    current = await service.get_client(repo=repo, caller=ADVISOR, client_id=created["id"])
    assert current["version"] == 2
    assert current["addresses"] == created["addresses"]


async def test_an_unknown_item_id_is_not_found(repo: IdentityRepository) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    with pytest.raises(NotFound, match="item nope not found"):
        await service.remove_client_item(
            repo=repo, caller=ADVISOR, client_id=created["id"], version=1, item_id="nope"
        )
    with pytest.raises(NotFound, match="bank account"):
        await service.update_client_item(
            repo=repo,
            caller=ADVISOR,
            client_id=created["id"],
            version=1,
            list_name="bank_accounts",
            # An address is looked for among the bank accounts: not there.
            item_id=created["addresses"][0]["id"],
            item={"label": "x"},
            paths=["label"],
        )


# Masked numbers sent back


async def test_a_partner_saving_the_masked_iban_and_nir_it_was_shown_keeps_the_real_ones(
    store: SqliteStore, repo: IdentityRepository
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    shown = visible_to(
        PARTNER, await service.get_client(repo=repo, caller=PARTNER, client_id=created["id"])
    )
    assert shown["bank_accounts"][0]["iban"] == "FR76*******************0189"
    assert shown["personal"]["social_security_number"] == "1************25"

    # The partner's form sends the whole file back, with one real change: the account's label.
    accounts: list[Any] = [{**shown["bank_accounts"][0], "label": "Compte joint"}]
    updated = await service.update_client(
        repo=repo,
        caller=PARTNER,
        client_id=created["id"],
        version=1,
        changes={
            "bank_accounts": accounts,
            "personal": shown["personal"],
            # Without ids (an older form): matched by position.
            "family_members": [without_id(m) for m in shown["family_members"]],
        },
        paths=["bank_accounts", "personal", "family_members"],
    )
    assert updated["bank_accounts"][0]["iban"] == VALID_IBAN
    assert updated["bank_accounts"][0]["label"] == "Compte joint"
    assert updated["personal"]["social_security_number"] == VALID_NIR
    assert updated["family_members"][0]["social_security_number"] == VALID_NIR
    _, payload = (await events_of(store, created["id"]))[-1]
    assert isinstance(payload, identity_pb2.ClientUpdated)
    assert list(payload.changed_fields) == ["bank_accounts"]

    # One item sent back whole, masked IBAN included.
    account = visible_to(PARTNER, updated)["bank_accounts"][0]
    relabelled = await service.update_client_item(
        repo=repo,
        caller=PARTNER,
        client_id=created["id"],
        version=2,
        list_name="bank_accounts",
        item_id=account["id"],
        item={**account, "label": "Joint"},
        paths=["*"],
    )
    assert relabelled["bank_accounts"][0]["iban"] == VALID_IBAN
    assert relabelled["bank_accounts"][0]["label"] == "Joint"


async def test_a_partner_still_replaces_a_number_with_a_new_real_one(
    repo: IdentityRepository,
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    member = created["family_members"][0]
    updated = await service.update_client_item(
        repo=repo,
        caller=PARTNER,
        client_id=created["id"],
        version=1,
        list_name="family_members",
        item_id=member["id"],
        item={"social_security_number": OTHER_NIR},
        paths=["social_security_number"],
    )
    assert updated["family_members"][0]["social_security_number"] == OTHER_NIR


async def test_a_masked_number_that_is_not_the_one_shown_is_refused_not_stored(
    repo: IdentityRepository,
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    account = created["bank_accounts"][0]
    # The mask of another IBAN, and the right mask sent by a role that was shown the number.
    for caller, masked_iban in (
        (PARTNER, "FR54*******************0123"),
        (ADVISOR, "FR76*******************0189"),
    ):
        with pytest.raises(InvalidInput) as refused:
            await service.update_client_item(
                repo=repo,
                caller=caller,
                client_id=created["id"],
                version=1,
                list_name="bank_accounts",
                item_id=account["id"],
                item={"iban": masked_iban},
                paths=["iban"],
            )
        assert [v.field for v in refused.value.violations] == ["bankAccounts[0].iban"]


# Restoring a client, deleting a contact


async def test_an_archived_client_is_restored_and_announced(
    store: SqliteStore, repo: IdentityRepository
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    archived = await service.archive_client(repo=repo, caller=ADVISOR, client_id=created["id"])
    with pytest.raises(Conflict):
        await service.restore_client(repo=repo, caller=ADVISOR, client_id=created["id"], version=1)
    restored = await service.restore_client(
        repo=repo, caller=ADVISOR, client_id=created["id"], version=archived["version"]
    )
    assert restored["flags"]["archived"] is False
    assert restored["version"] == 3
    found = await service.search_clients(repo=repo, caller=ADVISOR, query="nunez")
    assert [c["id"] for c in found.rows] == [created["id"]]
    subject, payload = (await events_of(store, created["id"]))[-1]
    assert subject == "c360.identity.client.restored"
    assert isinstance(payload, identity_pb2.ClientRestored)
    assert list(payload.changed_fields) == ["flags"]
    assert payload.client.flags.archived is False
    # Restoring a client that is not archived changes nothing.
    again = await service.restore_client(
        repo=repo, caller=ADVISOR, client_id=created["id"], version=3
    )
    assert again["version"] == 3
    assert len(await events_of(store, created["id"])) == 3


async def test_a_deleted_contact_is_gone_even_from_history_and_announced(
    store: SqliteStore, repo: IdentityRepository
) -> None:
    client = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    kept = await service.add_contact(
        repo=repo,
        caller=ADVISOR,
        client_id=client["id"],
        data={"last_name": "Blanc", "function": "Gérant"},
    )
    doomed = await service.add_contact(
        repo=repo,
        caller=ADVISOR,
        client_id=client["id"],
        data={"last_name": "Morel", "function": "Comptable"},
        copy_client_address=True,
    )
    with pytest.raises(Conflict):
        await service.delete_contact(repo=repo, caller=ADVISOR, contact_id=doomed["id"], version=2)
    deleted = await service.delete_contact(
        repo=repo, caller=ADVISOR, contact_id=doomed["id"], version=1
    )
    assert deleted["id"] == doomed["id"]
    history = await service.list_contacts(
        repo=repo, caller=ADVISOR, client_ids=[client["id"]], include_historical=True
    )
    assert [c["id"] for c in history] == [kept["id"]]
    subject, payload = (await events_of(store, client["id"]))[-1]
    assert subject == "c360.identity.contact.deleted"
    assert isinstance(payload, identity_pb2.ContactDeleted)
    assert payload.contact.id == doomed["id"]
    assert payload.contact.last_name == "Morel"
    with pytest.raises(NotFound):
        await service.delete_contact(repo=repo, caller=ADVISOR, contact_id=doomed["id"], version=1)


async def test_a_contacts_phones_emails_and_address_have_their_own_ids(
    repo: IdentityRepository,
) -> None:
    client = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    contact = await service.add_contact(
        repo=repo,
        caller=ADVISOR,
        client_id=client["id"],
        data={"last_name": "Blanc", "function": "Gérant"},
        copy_client_address=True,
    )
    address = contact["address"]
    assert address is not None
    assert address["city"] == "Lyon"
    assert address["id"] not in ids(client, "addresses")
    assert contact["phones"][0]["id"]
    assert contact["phones"][0]["id"] not in ids(client, "phones")
    renamed = await service.update_contact(
        repo=repo,
        caller=ADVISOR,
        contact_id=contact["id"],
        version=1,
        changes={"address": {**address, "id": "", "city": "Bron"}, "function": "PDG"},
        paths=["address", "function"],
    )
    assert renamed["address"] is not None
    assert renamed["address"]["id"] == address["id"]
    assert renamed["phones"] == contact["phones"]


# Tenants


async def test_another_tenants_ids_answer_like_missing_ones_for_every_new_command(
    store: SqliteStore, repo: IdentityRepository
) -> None:
    client = await service.create_client(repo=repo, caller=ADVISOR, data=a_client())
    archived = await service.archive_client(repo=repo, caller=ADVISOR, client_id=client["id"])
    contact = await service.add_contact(
        repo=repo,
        caller=ADVISOR,
        client_id=client["id"],
        data={"last_name": "Blanc", "function": "Gérant"},
    )
    home = client["addresses"][0]["id"]

    def commands(caller: Caller, client_id: str, contact_id: str) -> list[Any]:
        return [
            service.add_client_item(
                repo=repo,
                caller=caller,
                client_id=client_id,
                version=2,
                list_name="phones",
                item={"number": "0611111111"},
            ),
            service.update_client_item(
                repo=repo,
                caller=caller,
                client_id=client_id,
                version=2,
                list_name="addresses",
                item_id=home,
                item={"city": "Paris"},
                paths=["city"],
            ),
            service.remove_client_item(
                repo=repo, caller=caller, client_id=client_id, version=2, item_id=home
            ),
            service.set_primary_address(
                repo=repo, caller=caller, client_id=client_id, version=2, address_id=home
            ),
            service.restore_client(repo=repo, caller=caller, client_id=client_id, version=2),
            service.delete_contact(repo=repo, caller=caller, contact_id=contact_id, version=1),
        ]

    intruded = commands(INTRUDER, client["id"], contact["id"])
    missing = commands(ADVISOR, "missing-client", "missing-contact")
    for theirs, absent in zip(intruded, missing, strict=True):
        with pytest.raises(NotFound) as other_tenant:
            await theirs
        with pytest.raises(NotFound) as not_there:
            await absent
        assert other_tenant.value.message.replace(client["id"], "X").replace(
            contact["id"], "X"
        ) == not_there.value.message.replace("missing-client", "X").replace("missing-contact", "X")
    current = await service.get_client(repo=repo, caller=ADVISOR, client_id=client["id"])
    assert current["version"] == archived["version"]
    assert current["flags"]["archived"] is True
    listed = await service.list_contacts(
        repo=repo, caller=ADVISOR, client_ids=[client["id"]], include_historical=True
    )
    assert [c["id"] for c in listed] == [contact["id"]]
