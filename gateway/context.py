"""Per-request state: the caller, the service clients and this request's DataLoaders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from client360.identity.v1 import identity_pb2
from gateway.clients import ServiceClients
from runtime.caller import Caller

ContactsKey = tuple[str, bool]


class Loaders:
    """One batched backend call per service per request, whatever the number of clients."""

    def __init__(self, caller: Caller, clients: ServiceClients) -> None:
        self._caller = caller
        self._clients = clients
        self.client: DataLoader[str, identity_pb2.Client | None] = DataLoader(self._load_clients)
        self.contacts: DataLoader[ContactsKey, list[identity_pb2.Contact]] = DataLoader(
            self._load_contacts
        )

    async def _load_clients(self, ids: Sequence[str]) -> list[identity_pb2.Client | None]:
        found = {c.id: c for c in await self._clients.identity.batch_get_clients(self._caller, ids)}
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

    def prime_clients(self, clients: Sequence[identity_pb2.Client]) -> None:
        for client in clients:
            self.client.prime(client.id, client)


@dataclass
class RequestContext:
    caller: Caller
    clients: ServiceClients
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.caller, self.clients)
