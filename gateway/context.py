"""Per-request state: the caller, the service clients and this request's DataLoaders."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader

from client360.compliance.v1 import compliance_pb2
from client360.identity.v1 import identity_pb2
from gateway.clients import ServiceClients
from gateway.live import LiveEvents
from gateway.sections import ComplianceSection, compliance_section
from gateway.selection import SelectionPlan
from runtime.caller import Caller

ContactsKey = tuple[str, bool]
# A client id and how many past screenings to bring with its compliance section.
ComplianceKey = tuple[str, int]


class Loaders:
    """One batched backend call per service per request, whatever the number of clients."""

    def __init__(self, caller: Caller, clients: ServiceClients) -> None:
        self._caller = caller
        self._clients = clients
        # The identity fields this request shows (a read mask); every field until known.
        self.client_fields: Sequence[str] = ()
        self.client: DataLoader[str, identity_pb2.Client | None] = DataLoader(self._load_clients)
        self.contacts: DataLoader[ContactsKey, list[identity_pb2.Contact]] = DataLoader(
            self._load_contacts
        )
        self.compliance: DataLoader[ComplianceKey, ComplianceSection] = DataLoader(
            self._load_compliance
        )
        # Sections fetched for a whole page before its clients resolve (see Query.clients).
        self.prefetched: dict[ComplianceKey, ComplianceSection | Exception] = {}

    async def _load_clients(self, ids: Sequence[str]) -> list[identity_pb2.Client | None]:
        found = {
            c.id: c
            for c in await self._clients.identity.batch_get_clients(
                self._caller, ids, fields=self.client_fields
            )
        }
        return [found.get(i) for i in ids]

    async def _load_contacts(self, keys: Sequence[ContactsKey]) -> list[list[identity_pb2.Contact]]:
        by_client: dict[ContactsKey, list[identity_pb2.Contact]] = defaultdict(list)
        for historical in sorted({h for _, h in keys}):
            ids = [client_id for client_id, h in keys if h == historical]
            contacts = await self._clients.identity.list_contacts(
                self._caller, ids, include_historical=historical
            )
            for contact in contacts:
                by_client[(contact.client_id, historical)].append(contact)
        return [by_client.get(key, []) for key in keys]

    async def _load_compliance(self, keys: Sequence[ComplianceKey]) -> list[ComplianceSection]:
        found: dict[ComplianceKey, compliance_pb2.ClientCompliance] = {}
        # One call per history depth asked for in the request: in practice one call.
        for limit in sorted({limit for _, limit in keys}):
            ids = [client_id for client_id, asked in keys if asked == limit]
            sections = await self._clients.compliance.batch_get_compliance(
                self._caller, ids, history_limit=limit
            )
            found.update({(s.client_id, limit): s for s in sections})
        return [
            compliance_section(found.get(key) or compliance_pb2.ClientCompliance(client_id=key[0]))
            for key in keys
        ]

    async def prefetch_compliance(self, keys: Sequence[ComplianceKey]) -> None:
        """Fetch the sections of a page at once; each client's field then reads its own
        without awaiting (an await per item costs more than the item)."""
        results = await asyncio.gather(
            *(self.compliance.load(key) for key in keys), return_exceptions=True
        )
        for key, result in zip(keys, results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result
            self.prefetched[key] = result

    def prime_clients(self, clients: Sequence[identity_pb2.Client]) -> None:
        for client in clients:
            self.client.prime(client.id, client)


@dataclass
class RequestContext:
    """Built per HTTP request, or once per WebSocket connection (the caller is then set when
    the connection's init message brings its token)."""

    caller: Caller
    clients: ServiceClients
    live: LiveEvents
    loaders: Loaders = field(init=False)
    plan: SelectionPlan = field(init=False, default_factory=SelectionPlan)
    # Filled by Strawberry from a WebSocket's connection_init payload.
    connection_params: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.caller, self.clients)

    def authenticate(self, caller: Caller) -> None:
        self.caller = caller
        self.loaders = Loaders(caller, self.clients)
