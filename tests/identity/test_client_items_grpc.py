"""The item commands, the primary address switch, restoring a client and deleting a contact
over gRPC, against a real identity server and broker (no gateway: these are the calls the
gateway will make)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.protobuf.message import Message

from client360.common.v1 import common_pb2
from client360.identity.v1 import identity_pb2, identity_pb2_grpc
from runtime.caller import Caller
from runtime.errors import InvalidInput
from runtime.rpc import caller_metadata, error_from_rpc
from tests.harness import System, new_tenant, stream_events, wait_outbox_published, wait_serving
from tests.identity.queries import VALID_BIC, VALID_IBAN, VALID_NIR

Metadata = tuple[tuple[str, str], ...]
Rpc = Callable[..., Awaitable[Any]]


@pytest.fixture(scope="module")
def identity_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """The broker and the identity service alone, on free ports."""
    running = System(Path(tmp_path_factory.mktemp("identity-items")), services=("identity",))
    identity = running.services["identity"]
    running.nats.start()
    try:
        identity.start()
        identity.wait_ready()
        yield running
    finally:
        identity.stop()
        running.nats.stop()


@pytest.fixture
async def stub(
    identity_server: System,
) -> AsyncIterator[identity_pb2_grpc.IdentityServiceAsyncStub]:
    address = identity_server.address("identity")
    await wait_serving(address)
    async with grpc.aio.insecure_channel(address) as channel:
        yield identity_pb2_grpc.IdentityServiceStub(channel)


@pytest.fixture
def advisor() -> Metadata:
    """An advisor of a tenant of its own: tests never see each other's data."""
    return caller_metadata(Caller(new_tenant(), "alice", "advisor"))


def _as(metadata: Metadata, role: str) -> Metadata:
    tenant = dict(metadata)["x-c360-tenant"]
    return caller_metadata(Caller(tenant, f"a-{role}", role))


async def _create(
    stub: identity_pb2_grpc.IdentityServiceAsyncStub, metadata: Metadata
) -> identity_pb2.Client:
    client = identity_pb2.ClientInput(
        kind=identity_pb2.CLIENT_KIND_INDIVIDUAL,
        first_name="Élodie",
        last_name="Núñez",
        phones=[common_pb2.Phone(number="0612345678", kind=common_pb2.PHONE_KIND_MOBILE)],
        addresses=[
            common_pb2.Address(
                label="Domicile",
                line1="1 rue Pasteur",
                postal_code="69003",
                city="Lyon",
                primary=True,
                latitude=45.76,
                longitude=4.84,
            ),
            common_pb2.Address(line1="2 quai de la Loire", city="Nantes"),
        ],
        personal=identity_pb2.PersonalInfo(social_security_number=VALID_NIR),
        bank_accounts=[identity_pb2.BankAccount(iban=VALID_IBAN, bic=VALID_BIC)],
    )
    return await stub.CreateClient(
        identity_pb2.CreateClientRequest(client=client), metadata=metadata
    )


def _mask(*paths: str) -> field_mask_pb2.FieldMask:
    return field_mask_pb2.FieldMask(paths=paths)


async def test_one_address_is_changed_added_and_removed_without_resending_the_list(
    stub: identity_pb2_grpc.IdentityServiceAsyncStub, advisor: Metadata
) -> None:
    created = await _create(stub, advisor)
    assert all(a.id for a in created.addresses)
    assert all(p.id for p in created.phones)
    assert all(b.id for b in created.bank_accounts)
    home, vacation = created.addresses

    moved = await stub.UpdateClientItem(
        identity_pb2.UpdateClientItemRequest(
            client_id=created.id,
            version=1,
            item_id=home.id,
            item=identity_pb2.ClientItem(address=common_pb2.Address(city="Villeurbanne")),
            update_mask=_mask("city"),
        ),
        metadata=advisor,
    )
    assert moved.version == 2
    assert moved.addresses[0].city == "Villeurbanne"
    assert moved.addresses[0].latitude == 45.76
    assert moved.addresses[0].longitude == 4.84
    assert moved.addresses[0].line1 == "1 rue Pasteur"
    assert moved.addresses[0].primary
    assert moved.addresses[1] == vacation

    added = await stub.AddClientItem(
        identity_pb2.AddClientItemRequest(
            client_id=created.id,
            version=2,
            item=identity_pb2.ClientItem(
                email=common_pb2.Email(
                    address="Elodie@Exemple.fr", kind=common_pb2.EMAIL_KIND_PERSONAL
                )
            ),
        ),
        metadata=advisor,
    )
    (email,) = added.emails
    assert email.id
    assert email.address == "Elodie@exemple.fr"
    assert email.primary

    removed = await stub.RemoveClientItem(
        identity_pb2.RemoveClientItemRequest(client_id=created.id, version=3, item_id=vacation.id),
        metadata=advisor,
    )
    assert [a.id for a in removed.addresses] == [home.id]
    assert list(removed.emails) == list(added.emails)
    fetched = await stub.GetClient(identity_pb2.GetClientRequest(id=created.id), metadata=advisor)
    assert fetched == removed


async def test_the_primary_address_switches_by_id(
    stub: identity_pb2_grpc.IdentityServiceAsyncStub, advisor: Metadata
) -> None:
    created = await _create(stub, advisor)
    switched = await stub.SetPrimaryAddress(
        identity_pb2.SetPrimaryAddressRequest(
            client_id=created.id, version=1, address_id=created.addresses[1].id
        ),
        metadata=advisor,
    )
    assert [(a.city, a.primary) for a in switched.addresses] == [
        ("Lyon", False),
        ("Nantes", True),
    ]


async def test_bad_item_input_is_refused_whole_naming_every_field(
    stub: identity_pb2_grpc.IdentityServiceAsyncStub, advisor: Metadata
) -> None:
    created = await _create(stub, advisor)
    refusals: list[Awaitable[Any]] = [
        stub.AddClientItem(
            identity_pb2.AddClientItemRequest(
                client_id=created.id,
                version=1,
                item=identity_pb2.ClientItem(
                    bank_account=identity_pb2.BankAccount(iban="FR76 1234", bic="XX")
                ),
            ),
            metadata=advisor,
        ),
        stub.AddClientItem(
            identity_pb2.AddClientItemRequest(client_id=created.id, version=1), metadata=advisor
        ),
        stub.UpdateClientItem(
            identity_pb2.UpdateClientItemRequest(
                client_id=created.id,
                version=1,
                item_id=created.phones[0].id,
                item=identity_pb2.ClientItem(phone=common_pb2.Phone(number="123")),
                update_mask=_mask("number", "city"),
            ),
            metadata=advisor,
        ),
    ]
    expected = [
        ["bankAccounts[1].iban", "bankAccounts[1].bic"],
        ["item"],
        ["updateMask"],
    ]
    for call, fields in zip(refusals, expected, strict=True):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await call
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        error = error_from_rpc(refused.value, "identity")
        assert isinstance(error, InvalidInput)
        assert [v.field for v in error.violations] == fields
    unchanged = await stub.GetClient(identity_pb2.GetClientRequest(id=created.id), metadata=advisor)
    assert unchanged == created


async def test_a_stale_version_is_aborted_and_changes_nothing(
    stub: identity_pb2_grpc.IdentityServiceAsyncStub, advisor: Metadata
) -> None:
    created = await _create(stub, advisor)
    request = identity_pb2.RemoveClientItemRequest(
        client_id=created.id, version=1, item_id=created.phones[0].id
    )
    await stub.RemoveClientItem(request, metadata=advisor)
    with pytest.raises(grpc.aio.AioRpcError) as stale:
        await stub.SetPrimaryAddress(
            identity_pb2.SetPrimaryAddressRequest(
                client_id=created.id, version=1, address_id=created.addresses[1].id
            ),
            metadata=advisor,
        )
    assert stale.value.code() == grpc.StatusCode.ABORTED
    current = await stub.GetClient(identity_pb2.GetClientRequest(id=created.id), metadata=advisor)
    assert current.addresses == created.addresses


async def test_a_partner_saving_the_masked_iban_it_read_keeps_the_real_one(
    stub: identity_pb2_grpc.IdentityServiceAsyncStub, advisor: Metadata
) -> None:
    created = await _create(stub, advisor)
    partner = _as(advisor, "partner")
    shown = await stub.GetClient(identity_pb2.GetClientRequest(id=created.id), metadata=partner)
    assert shown.bank_accounts[0].iban == "FR76*******************0189"
    sent = identity_pb2.ClientInput(bank_accounts=shown.bank_accounts, personal=shown.personal)
    sent.bank_accounts[0].label = "Compte joint"
    saved = await stub.UpdateClient(
        identity_pb2.UpdateClientRequest(
            id=created.id, version=1, client=sent, update_mask=_mask("bank_accounts", "personal")
        ),
        metadata=partner,
    )
    assert saved.bank_accounts[0].iban == "FR76*******************0189"
    real = await stub.GetClient(identity_pb2.GetClientRequest(id=created.id), metadata=advisor)
    assert real.bank_accounts[0].iban == VALID_IBAN
    assert real.bank_accounts[0].label == "Compte joint"
    assert real.bank_accounts[0].id == created.bank_accounts[0].id
    assert real.personal.social_security_number == VALID_NIR


async def test_restoring_a_client_and_deleting_a_contact_publish_their_events(
    identity_server: System, stub: identity_pb2_grpc.IdentityServiceAsyncStub, advisor: Metadata
) -> None:
    created = await _create(stub, advisor)
    await stub.ArchiveClient(identity_pb2.ArchiveClientRequest(id=created.id), metadata=advisor)
    restored = await stub.RestoreClient(
        identity_pb2.RestoreClientRequest(id=created.id, version=2), metadata=advisor
    )
    assert not restored.flags.archived
    assert restored.version == 3
    contact = await stub.AddContact(
        identity_pb2.AddContactRequest(
            client_id=created.id,
            contact=identity_pb2.ContactInput(last_name="Morel", function="Comptable"),
        ),
        metadata=advisor,
    )
    deleted = await stub.DeleteContact(
        identity_pb2.DeleteContactRequest(id=contact.id, version=1), metadata=advisor
    )
    assert deleted.id == contact.id
    listed = await stub.ListContacts(
        identity_pb2.ListContactsRequest(client_ids=[created.id], include_historical=True),
        metadata=advisor,
    )
    assert list(listed.contacts) == []
    await stub.AddClientItem(
        identity_pb2.AddClientItemRequest(
            client_id=created.id,
            version=3,
            item=identity_pb2.ClientItem(
                family_member=identity_pb2.FamilyMember(
                    first_name="Léo", relationship=identity_pb2.FAMILY_RELATIONSHIP_CHILD
                )
            ),
        ),
        metadata=advisor,
    )

    await wait_outbox_published(identity_server, "identity")
    events = [
        e
        for e in await stream_events(identity_server.nats.url, "c360.identity.>")
        if e.key == created.id
    ]
    assert [e.type for e in events] == [
        "c360.identity.client.created",
        "c360.identity.client.archived",
        "c360.identity.client.restored",
        "c360.identity.contact.created",
        "c360.identity.contact.deleted",
        "c360.identity.client.updated",
    ]
    gone = identity_pb2.ContactDeleted()
    assert events[4].payload.Unpack(gone)
    assert gone.contact.id == contact.id
    item_added = identity_pb2.ClientUpdated()
    assert events[5].payload.Unpack(item_added)
    assert list(item_added.changed_fields) == ["family_members"]


async def test_every_new_rpc_answers_another_tenants_ids_like_missing_ones(
    stub: identity_pb2_grpc.IdentityServiceAsyncStub, advisor: Metadata
) -> None:
    created = await _create(stub, advisor)
    contact = await stub.AddContact(
        identity_pb2.AddContactRequest(
            client_id=created.id,
            contact=identity_pb2.ContactInput(last_name="Blanc", function="Gérant"),
        ),
        metadata=advisor,
    )
    home = created.addresses[0].id
    intruder = caller_metadata(Caller(new_tenant(), "mallory", "admin"))

    def calls(client_id: str, contact_id: str) -> list[tuple[Rpc, Message]]:
        item = identity_pb2.ClientItem(address=common_pb2.Address(city="Paris"))
        return [
            (
                stub.AddClientItem,
                identity_pb2.AddClientItemRequest(client_id=client_id, version=1, item=item),
            ),
            (
                stub.UpdateClientItem,
                identity_pb2.UpdateClientItemRequest(
                    client_id=client_id,
                    version=1,
                    item_id=home,
                    item=item,
                    update_mask=_mask("city"),
                ),
            ),
            (
                stub.RemoveClientItem,
                identity_pb2.RemoveClientItemRequest(client_id=client_id, version=1, item_id=home),
            ),
            (
                stub.SetPrimaryAddress,
                identity_pb2.SetPrimaryAddressRequest(
                    client_id=client_id, version=1, address_id=home
                ),
            ),
            (stub.RestoreClient, identity_pb2.RestoreClientRequest(id=client_id, version=1)),
            (stub.DeleteContact, identity_pb2.DeleteContactRequest(id=contact_id, version=1)),
        ]

    async def answer(method: Rpc, request: Message, metadata: Metadata) -> tuple[object, str]:
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await method(request, metadata=metadata)
        return failed.value.code(), failed.value.details() or ""

    theirs = calls(created.id, contact.id)
    missing = calls("missing-client", "missing-contact")
    for (method, request), (_, absent) in zip(theirs, missing, strict=True):
        code, details = await answer(method, request, intruder)
        absent_code, absent_details = await answer(method, absent, advisor)
        assert code == absent_code == grpc.StatusCode.NOT_FOUND
        assert details.replace(created.id, "?").replace(contact.id, "?") == (
            absent_details.replace("missing-client", "?").replace("missing-contact", "?")
        )

    # Nothing changed for the owner.
    after = await stub.GetClient(identity_pb2.GetClientRequest(id=created.id), metadata=advisor)
    assert after == created
    listed = await stub.ListContacts(
        identity_pb2.ListContactsRequest(client_ids=[created.id], include_historical=True),
        metadata=advisor,
    )
    assert [c.id for c in listed.contacts] == [contact.id]
