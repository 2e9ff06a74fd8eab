"""Events the compliance service consumes: identity's client and contact events, which keep its
own copy of clients and contacts and trigger their screening.

The handler runs in the consumer's transaction (runtime.bus.EventConsumer), which also records
the event id as applied: the copy, the check, its history and its event commit together or
not at all, so a redelivered event is either skipped whole or applied whole.
"""

from __future__ import annotations

import logging

from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.contracts import decode_payload, payload_types, subject_of
from runtime.store import Transaction
from services.compliance import service
from services.compliance.mapping import client_subject, contact_subject
from services.compliance.models import (
    TRIGGER_CLIENT_CREATED,
    TRIGGER_CLIENT_UPDATED,
    TRIGGER_CONTACT_SAVED,
    Subject,
)
from services.compliance.repository import ComplianceRepository

log = logging.getLogger(__name__)

# Consumed, from the identity service: its payload messages and their subjects come from
# identity's proto package, the contract between the two services (no identity code imported).
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
IDENTITY_DURABLE = "compliance-identity"
_CLIENT_UPDATED = subject_of(identity_pb2.ClientUpdated)


class IdentityEventHandler:
    """Keeps the subjects copy of identity's clients and contacts, and screens them when the
    name, kind or birth date that a check depends on appears or changes."""

    def __init__(self, repo: ComplianceRepository, register: service.ScreeningRegister) -> None:
        self._repo = repo
        self._register = register

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        payload = decode_payload(event, IDENTITY_PAYLOADS)
        if isinstance(payload, identity_pb2.ClientCreated):
            await self._client_changed(txn, event, payload.client, created=True)
        elif isinstance(
            payload,
            identity_pb2.ClientUpdated | identity_pb2.ClientArchived | identity_pb2.ClientRestored,
        ):
            await self._client_changed(txn, event, payload.client, created=False)
        elif isinstance(payload, identity_pb2.ContactCreated):
            await self._contact_changed(txn, event, payload.contact, created=True)
        elif isinstance(payload, identity_pb2.ContactUpdated):
            await self._contact_changed(txn, event, payload.contact, created=False)
        elif isinstance(payload, identity_pb2.ContactEnded | identity_pb2.ContactDeleted):
            # An ended or deleted contact keeps its name: the copy follows, with no new check,
            # and the checks made while it was a contact stay on record.
            await self._contact_changed(txn, event, payload.contact, created=False, ended=True)
        else:
            log.warning("event not understood, skipped", extra={"type": event.type})

    async def _client_changed(
        self,
        txn: Transaction,
        event: events_pb2.Event,
        client: identity_pb2.Client,
        *,
        created: bool,
    ) -> None:
        copy = client_subject(client)
        # An event older than the copy (a redelivery overtaken by a later one) is skipped.
        refresh = await self._repo.subjects.refresh(
            txn, event.tenant_id, copy, source_version=client.version
        )
        if not refresh.applied:
            return
        previous = refresh.previous
        trigger = ""
        if client.HasField("erased_at"):
            # An erased file has no name left to check.
            pass
        elif created:
            trigger = TRIGGER_CLIENT_CREATED
        elif event.type == _CLIENT_UPDATED and service.screened_fields_changed(previous, copy):
            trigger = TRIGGER_CLIENT_UPDATED
        await self._screen(txn, event, copy, trigger)

    async def _contact_changed(
        self,
        txn: Transaction,
        event: events_pb2.Event,
        contact: identity_pb2.Contact,
        *,
        created: bool,
        ended: bool = False,
    ) -> None:
        copy = contact_subject(contact)
        refresh = await self._repo.subjects.refresh(
            txn, event.tenant_id, copy, source_version=contact.version
        )
        if not refresh.applied:
            return
        previous = refresh.previous
        renamed = previous is None or previous.get("full_name") != copy["full_name"]
        if created or (not ended and renamed):
            await self._screen(txn, event, copy, TRIGGER_CONTACT_SAVED)

    async def _screen(
        self, txn: Transaction, event: events_pb2.Event, subject: Subject, trigger: str
    ) -> None:
        if not trigger:
            return
        if not service.screenable(subject):
            # Identity requires a name; without one there is nothing a check could say.
            log.warning("subject without a name, not screened", extra={"subject": subject["id"]})
            return
        await service.screen_subject(
            txn,
            repo=self._repo,
            register=self._register,
            tenant_id=event.tenant_id,
            subject=subject,
            trigger=trigger,
            actor_id=event.actor_id,
        )
