"""Events the identity service emits: c360.identity.client.* and c360.identity.contact.*.

Payloads carry the client with its sensitive numbers masked: consumers never need them.
"""

from __future__ import annotations

from collections.abc import Sequence

from runtime.caller import Caller
from runtime.outbox import new_event, queue_event
from runtime.store import Transaction
from services.identity.mapping import client_to_proto, contact_to_proto
from services.identity.models import Client, Contact
from services.identity.privacy import masked

CLIENT_CREATED = "c360.identity.client.created"
CLIENT_UPDATED = "c360.identity.client.updated"
CLIENT_ARCHIVED = "c360.identity.client.archived"
CONTACT_CREATED = "c360.identity.contact.created"
CONTACT_UPDATED = "c360.identity.contact.updated"
CONTACT_ENDED = "c360.identity.contact.ended"


async def client_changed(
    txn: Transaction, event_type: str, caller: Caller, client: Client, changed: Sequence[str] = ()
) -> None:
    event = new_event(
        event_type, tenant_id=caller.tenant_id, client_id=client["id"], actor_id=caller.user_id
    )
    event.client_changed.client.CopyFrom(client_to_proto(masked(client)))
    event.client_changed.changed_fields.extend(changed)
    await queue_event(txn, event)


async def contact_changed(
    txn: Transaction, event_type: str, caller: Caller, contact: Contact, changed: Sequence[str] = ()
) -> None:
    event = new_event(
        event_type,
        tenant_id=caller.tenant_id,
        client_id=contact["client_id"],
        actor_id=caller.user_id,
    )
    event.contact_changed.contact.CopyFrom(contact_to_proto(contact))
    event.contact_changed.changed_fields.extend(changed)
    await queue_event(txn, event)
