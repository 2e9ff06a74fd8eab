"""Events the communication service consumes: identity's client and contact events, which keep
its local copies of clients and contacts (what sending needs: the communication block, mobile
numbers, addresses, consents) and, when demo data is on, give the demo tenant's new clients
their demo follow-up.

The handler runs in the consumer's transaction (runtime.bus.EventConsumer), which also records
the event id as applied: a redelivered event is skipped whole or applied whole.
"""

from __future__ import annotations

import logging

from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.contracts import decode_payload, payload_types
from runtime.kit.files import FileStore
from runtime.store import Transaction
from services.communication import timeline
from services.communication.demo import seed_client
from services.communication.mapping import client_copy, contact_copy
from services.communication.repository import CommunicationRepository

log = logging.getLogger(__name__)

# Identity's payloads, from its proto package (the contract between the two services).
IDENTITY_PAYLOADS = payload_types(
    identity_pb2.ClientCreated,
    identity_pb2.ClientUpdated,
    identity_pb2.ClientArchived,
    identity_pb2.ClientRestored,
    identity_pb2.ContactCreated,
    identity_pb2.ContactUpdated,
    identity_pb2.ContactEnded,
    identity_pb2.ContactDeleted,
)
IDENTITY_SUBJECTS = tuple(IDENTITY_PAYLOADS)
IDENTITY_DURABLE = "communication-identity"


class IdentityClientsHandler:
    """Keeps the copies of identity's clients and contacts; seeds the follow-up of each client
    created in ``demo_tenant`` (None: no demo data)."""

    def __init__(
        self,
        repo: CommunicationRepository,
        *,
        demo_tenant: str | None,
        files: FileStore | None = None,
    ) -> None:
        self._repo = repo
        self._demo_tenant = demo_tenant
        # Where the demo documents' files go (none: demo clients get no documents).
        self._files = files

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        payload = decode_payload(event, IDENTITY_PAYLOADS)
        if isinstance(
            payload,
            identity_pb2.ContactCreated
            | identity_pb2.ContactUpdated
            | identity_pb2.ContactEnded
            | identity_pb2.ContactDeleted,
        ):
            ended = isinstance(payload, identity_pb2.ContactEnded | identity_pb2.ContactDeleted)
            contact = payload.contact
            await self._repo.contacts.refresh(
                txn,
                event.tenant_id,
                contact_copy(contact, ended=ended),
                source_version=contact.version,
            )
            return
        if not isinstance(
            payload,
            identity_pb2.ClientCreated
            | identity_pb2.ClientUpdated
            | identity_pb2.ClientArchived
            | identity_pb2.ClientRestored,
        ):
            log.warning("event not understood, skipped", extra={"type": event.type})
            return
        client = payload.client
        copy = client_copy(client)
        await self._repo.clients.refresh(txn, event.tenant_id, copy, source_version=client.version)
        if isinstance(payload, identity_pb2.ClientCreated) and event.tenant_id == self._demo_tenant:
            await seed_client(
                txn,
                self._repo,
                tenant_id=event.tenant_id,
                client_id=client.id,
                address=copy["emails"][0] if copy["emails"] else "",
                files=self._files,
            )


TIMELINE_DURABLE = "communication-timeline"


class TimelineHandler:
    """Keeps every client's timeline from every service's events (timeline.py)."""

    def __init__(self, repo: CommunicationRepository) -> None:
        self._repo = repo

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        entry = timeline.entry_of(event)
        if entry is not None:
            await self._repo.add_timeline_entry(txn, event.tenant_id, entry)
