"""A merge's rules on a real SQLite store, in process: what the survivor keeps, identity's part
(contacts, attached and associated clients, the duplicate archived), the confirmations that
complete it, the preview, and what is refused. The kit's part of every other service, and
compliance's, on the same store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import pytest
from cryptography.fernet import Fernet

from client360.events.v1 import events_pb2
from client360.lifecycle.v1 import lifecycle_pb2
from runtime.caller import Caller
from runtime.contracts import decode_payload, payload_types
from runtime.crypto import FieldCipher
from runtime.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from runtime.kit.merges import ClientField, ClientRecords, counts_to_proto
from runtime.outbox import new_event
from runtime.store import CollectionSpec
from runtime.store.sqlite import SqliteStore
from services.compliance import status
from services.compliance.merges import CLIENT_RECORDS as COMPLIANCE_RECORDS
from services.compliance.models import COLLECTIONS as COMPLIANCE_COLLECTIONS
from services.compliance.models import COMPLIANCE, SCREENINGS
from services.identity import merging, service
from services.identity.models import COLLECTIONS, ClientInput
from services.identity.repository import IdentityRepository

ADVISOR = Caller("agency-a", "alice", "advisor")
PARTNER = Caller("agency-a", "paul", "partner")
LIFECYCLE = payload_types(lifecycle_pb2.MergeRequested, lifecycle_pb2.MergeCompleted)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "merging.sqlite3")
    await opened.open(
        [
            *COLLECTIONS,
            *(c for c in COMPLIANCE_COLLECTIONS if c.name != "counters"),
            CollectionSpec("tickets", indexes=(("client_id",),)),
        ]
    )
    yield opened
    await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> IdentityRepository:
    return IdentityRepository(store, FieldCipher(Fernet.generate_key().decode()))


async def create(repo: IdentityRepository, **fields: Any) -> str:
    data = cast(ClientInput, {"kind": "individual", **fields})
    return (await service.create_client(repo=repo, caller=ADVISOR, data=data))["id"]


async def lifecycle_events(store: SqliteStore) -> list[Any]:
    found = []
    for outbox in await store.pending_events(1000):
        event = events_pb2.Event.FromString(outbox.payload)
        payload = decode_payload(event, LIFECYCLE)
        if payload is not None:
            found.append(payload)
    return found


async def test_the_survivor_keeps_its_values_fills_its_gaps_and_joins_its_lists(
    repo: IdentityRepository, store: SqliteStore
) -> None:
    survivor = await create(
        repo,
        first_name="Camille",
        last_name="Dubois",
        phones=[{"number": "+33611223344", "kind": "mobile", "primary": True}],
    )
    merged = await create(
        repo,
        first_name="Camile",
        last_name="Dubois",
        phones=[
            {"number": "+33611223344", "kind": "mobile", "primary": True},
            {"number": "+33699887766", "kind": "mobile", "primary": False},
        ],
        emails=[{"address": "c.dubois@exemple.fr", "kind": "personal", "primary": True}],
        personal={"birth_date": "1980-02-03"},
        memo="Préfère être appelée le matin.",
    )
    parent = await create(repo, first_name="Groupe", last_name="Dubois")
    child = await create(repo, first_name="Léo", last_name="Dubois")
    friend = await create(repo, first_name="Ami", last_name="Durand")
    await service.set_parent_client(
        repo=repo, caller=ADVISOR, client_id=child, parent_client_id=merged
    )
    await service.set_parent_client(
        repo=repo, caller=ADVISOR, client_id=merged, parent_client_id=parent
    )
    await service.associate_clients(
        repo=repo, caller=ADVISOR, client_id=merged, other_client_id=friend, associated=True
    )
    await service.add_contact(
        repo=repo,
        caller=ADVISOR,
        client_id=merged,
        data={"last_name": "Notaire", "function": "Conseil"},
    )

    rows, result = await service.preview_merge(
        repo=repo, caller=ADVISOR, survivor_id=survivor, merged_id=merged, take=["first_name"]
    )
    kept = {field: side for field, _, _, side in rows}
    assert kept["first_name"] == merging.MERGED
    assert kept["phones"] == merging.BOTH
    assert kept["personal"] == merging.MERGED
    assert result["display_name"] == "Camile Dubois"

    merge = await service.merge_clients(
        repo=repo, caller=ADVISOR, survivor_id=survivor, merged_id=merged, take=[]
    )
    assert merge["status"] == merging.IN_PROGRESS
    assert merge["steps"]["identity"]["moved"] == {
        "contacts": 1,
        "attached_clients": 1,
        "associated_clients": 1,
    }
    (kept_file,) = await service.get_clients(repo=repo, caller=ADVISOR, client_ids=[survivor])
    assert kept_file["first_name"] == "Camille"
    assert [(p["number"], p["primary"]) for p in kept_file["phones"]] == [
        ("+33611223344", True),
        ("+33699887766", False),
    ]
    assert [e["address"] for e in kept_file["emails"]] == ["c.dubois@exemple.fr"]
    assert kept_file["personal"]["birth_date"] == "1980-02-03"
    assert kept_file["memo"] == "Préfère être appelée le matin."
    assert kept_file["parent_client_id"] == parent
    assert kept_file["associated_client_ids"] == [friend]
    (gone,) = await service.get_clients(repo=repo, caller=ADVISOR, client_ids=[merged])
    assert gone["merged_into"] == survivor
    assert gone["flags"]["archived"] is True
    (moved_child,) = await service.get_clients(repo=repo, caller=ADVISOR, client_ids=[child])
    assert moved_child["parent_client_id"] == survivor
    (other,) = await service.get_clients(repo=repo, caller=ADVISOR, client_ids=[friend])
    assert other["associated_client_ids"] == [survivor]
    contacts = await service.list_contacts(
        repo=repo, caller=ADVISOR, client_ids=[survivor], include_historical=True
    )
    assert [c["last_name"] for c in contacts] == ["Notaire"]
    (requested,) = [
        e for e in await lifecycle_events(store) if isinstance(e, lifecycle_pb2.MergeRequested)
    ]
    assert (requested.survivor_id, requested.merged_id) == (survivor, merged)

    # The confirmations complete it; one delivered twice counts once.
    for name in merging.AWAITED:
        for _ in range(2):
            async with repo.transaction() as txn:
                await service.record_merge_step(
                    repo=repo,
                    txn=txn,
                    tenant_id=ADVISOR.tenant_id,
                    actor_id=ADVISOR.user_id,
                    merge_id=merge["id"],
                    service=name,
                    moved={"things": 2},
                )
    finished = await service.get_merge(repo=repo, caller=ADVISOR, merge_id=merge["id"])
    assert finished["status"] == merging.DONE
    assert finished["awaiting"] == []
    assert set(finished["steps"]) == {"identity", *merging.AWAITED}
    completed = [
        e for e in await lifecycle_events(store) if isinstance(e, lifecycle_pb2.MergeCompleted)
    ]
    assert len(completed) == 1

    with pytest.raises(Conflict, match="already merged"):
        await service.merge_clients(
            repo=repo, caller=ADVISOR, survivor_id=survivor, merged_id=merged, take=[]
        )
    with pytest.raises(InvalidInput, match="survivorId"):
        await service.merge_clients(
            repo=repo, caller=ADVISOR, survivor_id=merged, merged_id=child, take=[]
        )


async def test_what_a_merge_refuses(repo: IdentityRepository, store: SqliteStore) -> None:
    one, two = await create(repo, last_name="Un"), await create(repo, last_name="Deux")
    with pytest.raises(InvalidInput, match="mergedId"):
        await service.merge_clients(
            repo=repo, caller=ADVISOR, survivor_id=one, merged_id=one, take=[]
        )
    with pytest.raises(InvalidInput, match="takeFromMerged"):
        await service.merge_clients(
            repo=repo, caller=ADVISOR, survivor_id=one, merged_id=two, take=["reference"]
        )
    with pytest.raises(PermissionDenied):
        await service.merge_clients(
            repo=repo, caller=PARTNER, survivor_id=one, merged_id=two, take=[]
        )
    with pytest.raises(NotFound):
        await service.merge_clients(
            repo=repo,
            caller=Caller("agency-b", "x", "admin"),
            survivor_id=one,
            merged_id=two,
            take=[],
        )
    with pytest.raises(NotFound):
        await service.get_merge(repo=repo, caller=ADVISOR, merge_id="nope")
    counts = await merging.CLIENT_RECORDS.count(store, ADVISOR.tenant_id, [one, one])
    assert counts == {one: {"contacts": 0, "attached_clients": 0}}


async def test_a_service_moves_its_records_once_and_confirms(store: SqliteStore) -> None:
    records = ClientRecords(service="desk", fields=(ClientField("tickets", "tickets"),))
    async with store.transaction() as txn:
        for n in range(3):
            await txn.insert("tickets", "agency-a", {"id": f"t{n}", "client_id": "dup"})
        await txn.insert("tickets", "agency-b", {"id": "t9", "client_id": "dup"})
    request = new_event(
        lifecycle_pb2.MergeRequested(merge_id="m1", survivor_id="keep", merged_id="dup"),
        tenant_id="agency-a",
        key="keep",
        actor_id="alice",
    )
    assert records.durable == "desk-merges"
    for _ in range(2):
        async with store.transaction() as txn:
            await records(txn, request)
    moved = await store.find("tickets", "agency-a", {"client_id": "keep"})
    assert len(moved) == 3
    assert await store.find("tickets", "agency-b", {"client_id": "dup"})  # another tenant's
    confirmations = []
    for outbox in await store.pending_events(100):
        event = events_pb2.Event.FromString(outbox.payload)
        done = decode_payload(event, payload_types(lifecycle_pb2.MergeStepDone))
        if isinstance(done, lifecycle_pb2.MergeStepDone):
            confirmations.append(dict(done.moved))
    assert confirmations == [{"tickets": 3}, {"tickets": 0}]
    counts = await records.count(store, "agency-a", ["keep", "dup"])
    assert counts == {"keep": {"tickets": 3}, "dup": {"tickets": 0}}
    proto = counts_to_proto(counts)
    assert [c.client_id for c in proto.clients] == ["keep", "dup"]
    async with store.transaction() as txn:
        await records(
            txn,
            new_event(lifecycle_pb2.MergeCompleted(), tenant_id="agency-a", key="", actor_id=""),
        )


@pytest.mark.parametrize(
    ("survivor", "merged", "after"),
    [
        (status.EMPTY, status.NO, status.NO),
        (status.NO, status.TO_VERIFY, status.TO_VERIFY),
        (status.NO, status.YES, status.TO_VERIFY),
        (status.YES, status.NO, status.YES),
        (status.TO_VERIFY, status.NO, status.TO_VERIFY),
        (status.EMPTY, status.EMPTY, status.EMPTY),
    ],
)
def test_the_survivors_freeze_status_after_a_merge(survivor: str, merged: str, after: str) -> None:
    assert status.after_merge(survivor, merged) == after


async def test_compliance_moves_screenings_and_decisions_to_the_survivor(
    store: SqliteStore,
) -> None:
    decision = {
        "status": "yes",
        "reason": "confirmé",
        "decided_by": "bob",
        "decided_at": "2026-01-02T00:00:00+00:00",
    }
    async with store.transaction() as txn:
        await txn.insert(
            SCREENINGS, "agency-a", {"id": "s1", "client_id": "dup", "at": "2026-01-01"}
        )
        await txn.insert(
            COMPLIANCE,
            "agency-a",
            {"id": "dup", "status": "yes", "last_screening": None, "decisions": [decision]},
        )
    request = new_event(
        lifecycle_pb2.MergeRequested(merge_id="m1", survivor_id="keep", merged_id="dup"),
        tenant_id="agency-a",
        key="keep",
        actor_id="alice",
    )
    async with store.transaction() as txn:
        await COMPLIANCE_RECORDS(txn, request)
    kept = await store.get(COMPLIANCE, "agency-a", "keep")
    assert kept is not None
    assert kept["status"] == "to_verify"
    assert kept["decisions"] == [decision]
    assert await store.find(SCREENINGS, "agency-a", {"client_id": "keep"})
    counts = await COMPLIANCE_RECORDS.count(store, "agency-a", ["keep"])
    assert counts == {"keep": {"screenings": 1, "decisions": 1}}


MANAGER = Caller("agency-a", "marc", "manager")


async def test_an_erasure_leaves_a_tombstone_and_completes_with_the_confirmations(
    repo: IdentityRepository, store: SqliteStore
) -> None:
    client_id = await create(
        repo,
        first_name="Inès",
        last_name="Lambert",
        phones=[{"number": "+33655443322", "kind": "mobile", "primary": True}],
        personal={"birth_date": "1990-01-02"},
        memo="Allergique au latex.",
    )
    await service.add_contact(
        repo=repo,
        caller=ADVISOR,
        client_id=client_id,
        data={"last_name": "Lambert", "function": "Conjoint"},
    )
    with pytest.raises(PermissionDenied):
        await service.erase_client(repo=repo, caller=ADVISOR, client_id=client_id, reason="x")
    with pytest.raises(InvalidInput, match="reason"):
        await service.erase_client(repo=repo, caller=MANAGER, client_id=client_id, reason=" ")
    with pytest.raises(InvalidInput, match="reason"):
        await service.erase_client(repo=repo, caller=MANAGER, client_id=client_id, reason="x" * 501)
    with pytest.raises(NotFound):
        await service.erase_client(repo=repo, caller=MANAGER, client_id="nope", reason="x")
    erasure = await service.erase_client(
        repo=repo, caller=MANAGER, client_id=client_id, reason="Demande du client"
    )
    assert erasure["steps"]["identity"]["erased"] == {"client_file": 1, "contacts": 1}
    (tomb,) = await service.get_clients(repo=repo, caller=MANAGER, client_ids=[client_id])
    assert tomb["display_name"] == f"Erased client {tomb['reference']}"
    assert (tomb["first_name"], tomb["last_name"], tomb["phones"], tomb["memo"]) == ("", "", [], "")
    assert tomb["personal"] == {}
    assert tomb["erased_at"]
    assert tomb["search_keys"] == [k for k in tomb["search_keys"] if k.startswith("r:")]
    assert (
        await service.list_contacts(
            repo=repo, caller=MANAGER, client_ids=[client_id], include_historical=True
        )
        == []
    )
    with pytest.raises(Conflict, match="already erased"):
        await service.erase_client(repo=repo, caller=MANAGER, client_id=client_id, reason="x")

    for name in merging.AWAITED:
        async with repo.transaction() as txn:
            await service.record_erasure_step(
                repo=repo,
                txn=txn,
                tenant_id=MANAGER.tenant_id,
                actor_id=MANAGER.user_id,
                erasure_id=erasure["id"],
                service=name,
                erased={"things": 1},
                retained=[{"what": "w", "count": 1, "until": "u", "rule": "r"}],
            )
    done = await service.get_erasure(repo=repo, caller=MANAGER, erasure_id=erasure["id"])
    assert done["status"] == "done"
    clearings = await repo.stream_clearings()
    assert [c["client_id"] for c in clearings] == [client_id]

    removed: list[tuple[str, str]] = []

    async def remove(tenant_id: str, key: str, keep: Any) -> int:
        removed.append((tenant_id, key))
        return 7

    assert await service.clear_erased_events(repo, remove) == 1
    assert removed == [(MANAGER.tenant_id, client_id)]
    cleared = await service.get_erasure(repo=repo, caller=MANAGER, erasure_id=erasure["id"])
    assert cleared["stream_events_removed"] == 7
    assert cleared["stream_cleared_at"]
    assert await repo.stream_clearings() == []
    with pytest.raises(NotFound):
        await service.get_erasure(repo=repo, caller=MANAGER, erasure_id="nope")


async def test_the_audit_records_reads_in_clear_only(repo: IdentityRepository) -> None:
    client_id = await create(
        repo,
        last_name="Audit",
        personal={"social_security_number": "184057512345625"},
        bank_accounts=[{"iban": "FR7630006000011234567890189"}],
    )
    clients = await service.get_clients(repo=repo, caller=ADVISOR, client_ids=[client_id])
    await service.audit_reads(repo=repo, caller=ADVISOR, clients=clients, fields=["last_name"])
    await service.audit_reads(repo=repo, caller=PARTNER, clients=clients, fields=None)
    await service.audit_reads(repo=repo, caller=ADVISOR, clients=clients, fields=None)
    admin = Caller("agency-a", "root", "admin")
    trail = await service.audit_trail(
        repo=repo, caller=admin, client_id=client_id, user_id="", first=10, after=""
    )
    assert trail.total_count == 1
    (entry,) = trail.rows
    assert entry["fields"] == ["personal.socialSecurityNumber", "bankAccounts[].iban"]
    with pytest.raises(PermissionDenied):
        await service.audit_trail(
            repo=repo, caller=ADVISOR, client_id="", user_id="", first=10, after=""
        )
