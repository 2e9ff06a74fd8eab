"""Events the interventions service consumes: identity's client events, which keep its own copy
of what the technician's day shows of a client (name, memo, addresses).

The handler runs in the consumer's transaction (runtime.bus.EventConsumer), which also records
the event id as applied, so a redelivered event is skipped whole or applied whole; an event
older than the copy (by identity's version) leaves it as it is.
"""

from __future__ import annotations

import logging

from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.contracts import decode_payload, payload_types
from runtime.kit.common import address_from_proto
from runtime.kit.files import FileStore
from runtime.store import Transaction
from services.interventions import demo
from services.interventions.models import ClientCopy
from services.interventions.repository import InterventionsRepository

log = logging.getLogger(__name__)

IDENTITY_PAYLOADS = payload_types(
    identity_pb2.ClientCreated,
    identity_pb2.ClientUpdated,
    identity_pb2.ClientArchived,
    identity_pb2.ClientRestored,
)
IDENTITY_SUBJECTS = tuple(IDENTITY_PAYLOADS)
IDENTITY_DURABLE = "interventions-identity"


def client_copy(client: identity_pb2.Client) -> ClientCopy:
    return {
        "id": client.id,
        "display_name": client.display_name,
        "memo": client.memo,
        "addresses": [address_from_proto(a) for a in client.addresses],
        "archived": client.flags.archived,
    }


class IdentityEventHandler:
    """Keeps the copy of identity's clients; with ``demo_tenant`` set, gives each client that
    tenant creates its demo field work (demo.py)."""

    def __init__(
        self,
        repo: InterventionsRepository,
        demo_tenant: str = "",
        files: FileStore | None = None,
    ) -> None:
        self._repo = repo
        self._demo_tenant = demo_tenant
        self._files = files

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        payload = decode_payload(event, IDENTITY_PAYLOADS)
        if not isinstance(
            payload,
            identity_pb2.ClientCreated
            | identity_pb2.ClientUpdated
            | identity_pb2.ClientArchived
            | identity_pb2.ClientRestored,
        ):
            log.warning("event not understood, skipped", extra={"type": event.type})
            return
        refresh = await self._repo.clients.refresh(
            txn, event.tenant_id, client_copy(payload.client), source_version=payload.client.version
        )
        created = isinstance(payload, identity_pb2.ClientCreated)
        if created and refresh.previous is None and event.tenant_id == self._demo_tenant:
            await demo.seed_client(
                txn, self._repo, event.tenant_id, payload.client, files=self._files
            )
