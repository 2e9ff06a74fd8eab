"""The gateway's schema run in-process over a clients layer that answers from memory and
records every call: for unit tests of the planner and of what a query's selection asks for.
(Integration tests run the real services instead; see tests/harness.py.)"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from strawberry.types import ExecutionResult

from client360.compliance.v1 import compliance_pb2
from client360.identity.v1 import identity_pb2
from gateway.context import RequestContext
from gateway.errors import graphql_error
from gateway.planner import Planner
from gateway.schema import build_schema
from gateway.sections import SECTIONS
from runtime.caller import Caller
from runtime.errors import ServiceUnavailable

SCHEMA = build_schema()
CALLER = Caller(tenant_id="agency", user_id="alice", role="advisor")


@dataclass(frozen=True)
class Call:
    method: str
    ids: tuple[str, ...]
    # The read mask, includeHistorical or the history limit the call was made with.
    asked: Any = None


def record(
    client_id: str, *, parent: str = "", associated: Sequence[str] = (), last_name: str = ""
) -> identity_pb2.Client:
    return identity_pb2.Client(
        id=client_id,
        reference=f"CL-{client_id}",
        display_name=f"Client {client_id}",
        last_name=last_name or client_id.capitalize(),
        kind=identity_pb2.CLIENT_KIND_INDIVIDUAL,
        version=1,
        parent_client_id=parent,
        associated_client_ids=list(associated),
    )


class RecordingClients:
    """What ServiceClients offers the planner, from memory. Methods named in ``failing``
    answer as an unavailable service does; those in ``broken`` raise a bug."""

    def __init__(
        self,
        records: Iterable[identity_pb2.Client],
        *,
        failing: Iterable[str] = (),
        broken: Iterable[str] = (),
    ) -> None:
        self.records = {r.id: r for r in records}
        self.failing = set(failing)
        self.broken = set(broken)
        self.calls: list[Call] = []
        self.identity = _Identity(self)
        self.compliance = _Compliance(self)

    def made(self, method: str, ids: Sequence[str], asked: Any, service: str) -> None:
        self.calls.append(Call(method, tuple(ids), asked))
        if method in self.failing:
            raise graphql_error(ServiceUnavailable(f"{service}: down", service=service))
        if method in self.broken:
            raise RuntimeError(f"{method} is broken")

    def count(self, method: str) -> int:
        return sum(1 for call in self.calls if call.method == method)

    def only(self, method: str) -> Call:
        (call,) = (c for c in self.calls if c.method == method)
        return call


class _Identity:
    def __init__(self, clients: RecordingClients) -> None:
        self._clients = clients

    async def batch_get_clients(
        self, caller: Caller, ids: Sequence[str], *, fields: Sequence[str] = ()
    ) -> list[identity_pb2.Client]:
        self._clients.made("BatchGetClients", ids, tuple(fields), "identity")
        return [self._clients.records[i] for i in ids if i in self._clients.records]

    async def search_clients(
        self,
        caller: Caller,
        *,
        query: str,
        first: int,
        after: str,
        include_archived: bool,
        fields: Sequence[str] = (),
        leasing_company: bool | None = None,
        area: identity_pb2.GeoArea | None = None,
    ) -> identity_pb2.SearchClientsResponse:
        self._clients.made("SearchClients", (), tuple(fields), "identity")
        page = list(self._clients.records.values())[:first]
        return identity_pb2.SearchClientsResponse(
            clients=page, cursors=[c.id for c in page], total_count=len(self._clients.records)
        )

    async def list_contacts(
        self, caller: Caller, client_ids: Sequence[str], *, include_historical: bool
    ) -> list[identity_pb2.Contact]:
        self._clients.made("ListContacts", client_ids, include_historical, "identity")
        ended = "2020-01-01" if include_historical else ""
        return [
            identity_pb2.Contact(
                id=f"{c}-contact", client_id=c, last_name="Contact", valid_to=ended
            )
            for c in client_ids
        ]

    async def create_client(
        self, caller: Caller, client: identity_pb2.ClientInput
    ) -> identity_pb2.Client:
        created = record("new", parent=next(iter(self._clients.records), ""))
        self._clients.records[created.id] = created
        return created


class _Compliance:
    def __init__(self, clients: RecordingClients) -> None:
        self._clients = clients

    async def batch_get_compliance(
        self, caller: Caller, client_ids: Sequence[str], *, history_limit: int
    ) -> list[compliance_pb2.ClientCompliance]:
        self._clients.made("BatchGetCompliance", client_ids, history_limit, "compliance")
        return [
            compliance_pb2.ClientCompliance(
                client_id=c,
                status=compliance_pb2.ASSET_FREEZE_STATUS_NO,
                history=[compliance_pb2.Screening(id=f"{c}-{n}") for n in range(history_limit)],
            )
            for c in client_ids
        ]


async def execute(
    clients: RecordingClients,
    query: str,
    variables: Mapping[str, Any] | None = None,
    *,
    planner: Planner | None = None,
) -> ExecutionResult:
    context = RequestContext(
        caller=CALLER,
        clients=cast(Any, clients),
        live=cast(Any, None),
        planner=planner or Planner(SECTIONS),
        files=cast(Any, None),
    )
    return await SCHEMA.execute(query, variable_values=dict(variables or {}), context_value=context)


async def data(
    clients: RecordingClients,
    query: str,
    variables: Mapping[str, Any] | None = None,
    *,
    planner: Planner | None = None,
) -> dict[str, Any]:
    result = await execute(clients, query, variables, planner=planner)
    assert not result.errors, result.errors
    assert result.data is not None
    return result.data
