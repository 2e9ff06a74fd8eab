"""Events the identity service emits: c360.identity.client.* and c360.identity.contact.*, whose
payload messages and subjects are declared in protos/client360/identity/v1, and the merge
requests and completions of client360.lifecycle.v1.

Payloads carry the client with its sensitive numbers masked: consumers never need them.
"""

from __future__ import annotations

from collections.abc import Sequence

from client360.identity.v1 import identity_pb2
from client360.lifecycle.v1 import lifecycle_pb2
from runtime.caller import Caller
from runtime.outbox import new_event, queue_event
from runtime.store import Transaction
from services.identity.erasing import Erasure
from services.identity.mapping import client_to_proto, contact_to_proto
from services.identity.merging import Merge
from services.identity.models import Client, Contact
from services.identity.privacy import masked

ClientEvent = type[
    identity_pb2.ClientCreated
    | identity_pb2.ClientUpdated
    | identity_pb2.ClientArchived
    | identity_pb2.ClientRestored
]
ContactEvent = type[
    identity_pb2.ContactCreated
    | identity_pb2.ContactUpdated
    | identity_pb2.ContactEnded
    | identity_pb2.ContactDeleted
]

CLIENT_CREATED = identity_pb2.ClientCreated
CLIENT_UPDATED = identity_pb2.ClientUpdated
CLIENT_ARCHIVED = identity_pb2.ClientArchived
CLIENT_RESTORED = identity_pb2.ClientRestored
CONTACT_CREATED = identity_pb2.ContactCreated
CONTACT_UPDATED = identity_pb2.ContactUpdated
CONTACT_ENDED = identity_pb2.ContactEnded
CONTACT_DELETED = identity_pb2.ContactDeleted


async def client_changed(
    txn: Transaction,
    event_type: ClientEvent,
    caller: Caller,
    client: Client,
    changed: Sequence[str] = (),
) -> None:
    payload = event_type(client=client_to_proto(masked(client)), changed_fields=changed)
    event = new_event(
        payload, tenant_id=caller.tenant_id, key=client["id"], actor_id=caller.user_id
    )
    await queue_event(txn, event)


async def contact_changed(
    txn: Transaction,
    event_type: ContactEvent,
    caller: Caller,
    contact: Contact,
    changed: Sequence[str] = (),
) -> None:
    payload = event_type(contact=contact_to_proto(contact), changed_fields=changed)
    event = new_event(
        payload, tenant_id=caller.tenant_id, key=contact["client_id"], actor_id=caller.user_id
    )
    await queue_event(txn, event)


async def merge_requested(txn: Transaction, caller: Caller, merge: Merge) -> None:
    """Every other service is asked to move the merged file's records (runtime.kit.merges)."""
    payload = lifecycle_pb2.MergeRequested(
        merge_id=merge["id"], survivor_id=merge["survivor_id"], merged_id=merge["merged_id"]
    )
    await queue_event(
        txn,
        new_event(
            payload, tenant_id=caller.tenant_id, key=merge["survivor_id"], actor_id=caller.user_id
        ),
    )


async def merge_completed(txn: Transaction, tenant_id: str, actor_id: str, merge: Merge) -> None:
    payload = lifecycle_pb2.MergeCompleted(
        merge_id=merge["id"], survivor_id=merge["survivor_id"], merged_id=merge["merged_id"]
    )
    await queue_event(
        txn, new_event(payload, tenant_id=tenant_id, key=merge["survivor_id"], actor_id=actor_id)
    )


async def contact_erased(txn: Transaction, caller: Caller, contact: Contact) -> None:
    """A contact deleted with its client's erasure: the event names it, and nothing else."""
    gone = identity_pb2.Contact(id=contact["id"], client_id=contact["client_id"])
    await queue_event(
        txn,
        new_event(
            identity_pb2.ContactDeleted(contact=gone),
            tenant_id=caller.tenant_id,
            key=contact["client_id"],
            actor_id=caller.user_id,
        ),
    )


async def erasure_requested(txn: Transaction, caller: Caller, erasure: Erasure) -> None:
    """Every other service is asked to erase the client (runtime.kit.erasure)."""
    payload = lifecycle_pb2.ErasureRequested(
        erasure_id=erasure["id"], client_id=erasure["client_id"]
    )
    await queue_event(
        txn,
        new_event(
            payload, tenant_id=caller.tenant_id, key=erasure["client_id"], actor_id=caller.user_id
        ),
    )


async def erasure_completed(
    txn: Transaction, tenant_id: str, actor_id: str, erasure: Erasure
) -> None:
    payload = lifecycle_pb2.ErasureCompleted(
        erasure_id=erasure["id"], client_id=erasure["client_id"]
    )
    await queue_event(
        txn, new_event(payload, tenant_id=tenant_id, key=erasure["client_id"], actor_id=actor_id)
    )
