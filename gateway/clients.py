"""Every gRPC call the gateway makes lives here; resolvers never touch a stub.

Deadlines and retries are set in one place. Each call has the per-service deadline
(C360_SERVICE_DEADLINE, 2 s by default) as its whole budget, retries included. Which calls are
retried follows the protos: a method marked ``idempotency_level = NO_SIDE_EFFECTS`` (or
``IDEMPOTENT``) is retried by gRPC itself when the service is unavailable, up to
C360_READ_RETRIES more times; any other method is never retried. The policy is gRPC's own
retryPolicy, in a service config built from each service's descriptor. A call known to take
long (reloading the asset-freeze register downloads it) has a deadline of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ClassVar, TypeVar

import grpc
import orjson
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.protobuf.descriptor_pb2 import MethodOptions

from client360.common.v1 import common_pb2
from client360.compliance.v1 import compliance_pb2, compliance_pb2_grpc
from client360.identity.v1 import identity_pb2, identity_pb2_grpc
from gateway.breaker import CircuitBreaker
from gateway.errors import GatewayError, graphql_error
from runtime.caller import Caller
from runtime.config import Settings
from runtime.rpc import (
    OUTAGE_CODES,
    caller_metadata,
    error_from_rpc,
    insecure_channel,
    traced_call,
)
from runtime.services import SERVICE_NAMES

Response = TypeVar("Response")

_SAFE_TO_RETRY = (MethodOptions.NO_SIDE_EFFECTS, MethodOptions.IDEMPOTENT)
# gRPC caps a call at 5 attempts whatever the policy says.
_MAX_ATTEMPTS = 5
# The published register is a large download from a slow public server: its reload is given
# far longer than an ordinary call.
REGISTER_RELOAD_DEADLINE = 120.0


def retried(method: MethodDescriptor) -> bool:
    """Whether the proto marks ``method`` safe to call again (a read, or an idempotent write)."""
    return method.GetOptions().idempotency_level in _SAFE_TO_RETRY


def retry_config(service: ServiceDescriptor, retries: int) -> str:
    """gRPC's service config for ``service``: the methods its proto marks safe to call again
    are retried on UNAVAILABLE, ``retries`` more times at most; the others never are."""
    safe = [m.name for m in service.methods if retried(m)]
    config: dict[str, Any] = {"methodConfig": []}
    if retries > 0 and safe:
        config["methodConfig"].append(
            {
                "name": [{"service": service.full_name, "method": name} for name in safe],
                "retryPolicy": {
                    "maxAttempts": min(1 + retries, _MAX_ATTEMPTS),
                    "initialBackoff": "0.02s",
                    "maxBackoff": "0.2s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }
        )
        # While a service keeps failing, retries stop (gRPC's token bucket) instead of
        # doubling the load on it.
        config["retryThrottling"] = {"maxTokens": 10, "tokenRatio": 0.1}
    return orjson.dumps(config).decode()


class ServiceCalls:
    """One channel per service, and the deadline of every call; retries are the channels'."""

    def __init__(self, settings: Settings, services: dict[str, ServiceDescriptor]) -> None:
        self._deadline = settings.service_deadline
        self._read_retries = settings.read_retries
        self._services = services
        self._channels: dict[str, grpc.aio.Channel] = {}
        self._settings = settings
        self.breakers = {
            name: CircuitBreaker(
                name,
                failures_to_open=settings.breaker_failures,
                open_seconds=settings.breaker_pause,
            )
            for name in SERVICE_NAMES
        }

    def channel(self, service: str) -> grpc.aio.Channel:
        if service not in self._channels:
            descriptor = self._services.get(service)
            self._channels[service] = insecure_channel(
                self._settings.service_addr(service),
                service_config=(
                    retry_config(descriptor, self._read_retries) if descriptor else None
                ),
            )
        return self._channels[service]

    async def call(
        self,
        service: str,
        method: Callable[..., Awaitable[Response]],
        request: Any,
        caller: Caller,
        *,
        deadline: float | None = None,
    ) -> Response:
        """One call, within ``deadline`` seconds (the per-service deadline when None)."""
        breaker = self.breakers[service]
        if not breaker.allow():
            # The service failed repeatedly: answer at once instead of waiting its deadline;
            # one call goes through after the pause to see whether it is back.
            raise GatewayError(
                f"the {service} service is unavailable (circuit open: it failed repeatedly "
                "and is tried again shortly)",
                {"code": "SERVICE_UNAVAILABLE", "service": service},
            )
        try:
            response = await traced_call(
                method,
                request,
                deadline=self._deadline if deadline is None else deadline,
                metadata=caller_metadata(caller),
            )
        except grpc.aio.AioRpcError as exc:
            if exc.code() in OUTAGE_CODES:
                breaker.failed()
            else:
                breaker.succeeded()  # it answered, if only to refuse
            raise graphql_error(error_from_rpc(exc, service)) from None
        except asyncio.CancelledError:
            breaker.released()
            raise
        breaker.succeeded()
        return response

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close(grace=None)
        self._channels.clear()


class _ServiceClient:
    """Calls to one service (whether a call is retried is the proto's to say)."""

    SERVICE: ClassVar[str]
    DESCRIPTOR: ClassVar[ServiceDescriptor]

    def __init__(self, calls: ServiceCalls) -> None:
        self._calls = calls

    async def _call(
        self,
        method: Callable[..., Awaitable[Response]],
        request: Any,
        caller: Caller,
        *,
        deadline: float | None = None,
    ) -> Response:
        return await self._calls.call(self.SERVICE, method, request, caller, deadline=deadline)


class IdentityClient(_ServiceClient):
    SERVICE = "identity"
    DESCRIPTOR = identity_pb2.DESCRIPTOR.services_by_name["IdentityService"]

    def __init__(self, calls: ServiceCalls) -> None:
        super().__init__(calls)
        self._stub = identity_pb2_grpc.IdentityServiceStub(calls.channel(self.SERVICE))

    async def batch_get_clients(
        self, caller: Caller, ids: Sequence[str], *, fields: Sequence[str] = ()
    ) -> list[identity_pb2.Client]:
        """The clients among ``ids``; ``fields`` is the read mask (all fields when empty)."""
        request = identity_pb2.BatchGetClientsRequest(ids=ids)
        request.read_mask.paths.extend(fields)
        response = await self._call(self._stub.BatchGetClients, request, caller)
        return list(response.clients)

    async def search_clients(
        self,
        caller: Caller,
        *,
        query: str,
        first: int,
        after: str,
        include_archived: bool,
        fields: Sequence[str] = (),
    ) -> identity_pb2.SearchClientsResponse:
        request = identity_pb2.SearchClientsRequest(
            query=query,
            page=common_pb2.PageRequest(first=first, after=after),
            include_archived=include_archived,
        )
        request.read_mask.paths.extend(fields)
        return await self._call(self._stub.SearchClients, request, caller)

    async def list_contacts(
        self, caller: Caller, client_ids: Sequence[str], *, include_historical: bool
    ) -> list[identity_pb2.Contact]:
        request = identity_pb2.ListContactsRequest(
            client_ids=client_ids, include_historical=include_historical
        )
        response = await self._call(self._stub.ListContacts, request, caller)
        return list(response.contacts)

    async def create_client(
        self, caller: Caller, client: identity_pb2.ClientInput
    ) -> identity_pb2.Client:
        return await self._call(
            self._stub.CreateClient, identity_pb2.CreateClientRequest(client=client), caller
        )

    async def update_client(
        self,
        caller: Caller,
        client_id: str,
        version: int,
        client: identity_pb2.ClientInput,
        paths: Sequence[str],
    ) -> identity_pb2.Client:
        request = identity_pb2.UpdateClientRequest(id=client_id, version=version, client=client)
        request.update_mask.paths.extend(paths)
        return await self._call(self._stub.UpdateClient, request, caller)

    async def archive_client(self, caller: Caller, client_id: str) -> identity_pb2.Client:
        return await self._call(
            self._stub.ArchiveClient, identity_pb2.ArchiveClientRequest(id=client_id), caller
        )

    async def restore_client(
        self, caller: Caller, client_id: str, version: int
    ) -> identity_pb2.Client:
        request = identity_pb2.RestoreClientRequest(id=client_id, version=version)
        return await self._call(self._stub.RestoreClient, request, caller)

    async def add_client_item(
        self, caller: Caller, client_id: str, version: int, item: identity_pb2.ClientItem
    ) -> identity_pb2.Client:
        request = identity_pb2.AddClientItemRequest(client_id=client_id, version=version, item=item)
        return await self._call(self._stub.AddClientItem, request, caller)

    async def update_client_item(
        self,
        caller: Caller,
        client_id: str,
        version: int,
        item_id: str,
        item: identity_pb2.ClientItem,
        paths: Sequence[str],
    ) -> identity_pb2.Client:
        """The item ``item_id`` changed in the fields ``paths`` names only (none: no change)."""
        request = identity_pb2.UpdateClientItemRequest(
            client_id=client_id, version=version, item_id=item_id, item=item
        )
        request.update_mask.paths.extend(paths)
        return await self._call(self._stub.UpdateClientItem, request, caller)

    async def remove_client_item(
        self, caller: Caller, client_id: str, version: int, item_id: str
    ) -> identity_pb2.Client:
        request = identity_pb2.RemoveClientItemRequest(
            client_id=client_id, version=version, item_id=item_id
        )
        return await self._call(self._stub.RemoveClientItem, request, caller)

    async def set_primary_address(
        self, caller: Caller, client_id: str, version: int, address_id: str
    ) -> identity_pb2.Client:
        request = identity_pb2.SetPrimaryAddressRequest(
            client_id=client_id, version=version, address_id=address_id
        )
        return await self._call(self._stub.SetPrimaryAddress, request, caller)

    async def add_contact(
        self, caller: Caller, client_id: str, contact: identity_pb2.ContactInput
    ) -> identity_pb2.Contact:
        request = identity_pb2.AddContactRequest(client_id=client_id, contact=contact)
        return await self._call(self._stub.AddContact, request, caller)

    async def update_contact(
        self,
        caller: Caller,
        contact_id: str,
        version: int,
        contact: identity_pb2.ContactInput,
        paths: Sequence[str],
    ) -> identity_pb2.Contact:
        request = identity_pb2.UpdateContactRequest(id=contact_id, version=version, contact=contact)
        request.update_mask.paths.extend(paths)
        return await self._call(self._stub.UpdateContact, request, caller)

    async def end_contact(
        self, caller: Caller, contact_id: str, valid_to: str
    ) -> identity_pb2.Contact:
        request = identity_pb2.EndContactRequest(id=contact_id, valid_to=valid_to)
        return await self._call(self._stub.EndContact, request, caller)

    async def delete_contact(
        self, caller: Caller, contact_id: str, version: int
    ) -> identity_pb2.Contact:
        request = identity_pb2.DeleteContactRequest(id=contact_id, version=version)
        return await self._call(self._stub.DeleteContact, request, caller)

    async def set_parent_client(
        self, caller: Caller, client_id: str, parent_client_id: str
    ) -> identity_pb2.Client:
        request = identity_pb2.SetParentClientRequest(
            client_id=client_id, parent_client_id=parent_client_id
        )
        return await self._call(self._stub.SetParentClient, request, caller)

    async def associate_clients(
        self, caller: Caller, client_id: str, other_client_id: str, *, associated: bool
    ) -> identity_pb2.Client:
        request = identity_pb2.AssociateClientsRequest(
            client_id=client_id, other_client_id=other_client_id, associated=associated
        )
        return await self._call(self._stub.AssociateClients, request, caller)


class ComplianceClient(_ServiceClient):
    SERVICE = "compliance"
    DESCRIPTOR = compliance_pb2.DESCRIPTOR.services_by_name["ComplianceService"]

    def __init__(self, calls: ServiceCalls) -> None:
        super().__init__(calls)
        self._stub = compliance_pb2_grpc.ComplianceServiceStub(calls.channel(self.SERVICE))

    async def batch_get_compliance(
        self, caller: Caller, client_ids: Sequence[str], *, history_limit: int
    ) -> list[compliance_pb2.ClientCompliance]:
        request = compliance_pb2.BatchGetComplianceRequest(
            client_ids=client_ids, history_limit=history_limit
        )
        response = await self._call(self._stub.BatchGetCompliance, request, caller)
        return list(response.clients)

    async def screen_client(self, caller: Caller, client_id: str) -> compliance_pb2.Screening:
        request = compliance_pb2.ScreenClientRequest(client_id=client_id)
        return await self._call(self._stub.ScreenClient, request, caller)

    async def start_screening_job(
        self, caller: Caller, client_ids: Sequence[str]
    ) -> compliance_pb2.ScreeningJob:
        request = compliance_pb2.StartScreeningJobRequest(client_ids=client_ids)
        return await self._call(self._stub.StartScreeningJob, request, caller)

    async def get_screening_job(self, caller: Caller, job_id: str) -> compliance_pb2.ScreeningJob:
        request = compliance_pb2.GetScreeningJobRequest(id=job_id)
        return await self._call(self._stub.GetScreeningJob, request, caller)

    async def set_asset_freeze_status(
        self, caller: Caller, client_id: str, status: int, reason: str
    ) -> compliance_pb2.ClientCompliance:
        request = compliance_pb2.SetAssetFreezeStatusRequest(
            client_id=client_id,
            status=status,  # type: ignore[arg-type]
            reason=reason,
        )
        return await self._call(self._stub.SetAssetFreezeStatus, request, caller)

    async def reload_register(self, caller: Caller, source: str) -> compliance_pb2.RegisterInfo:
        request = compliance_pb2.ReloadRegisterRequest(source=source)
        return await self._call(
            self._stub.ReloadRegister, request, caller, deadline=REGISTER_RELOAD_DEADLINE
        )

    async def register_info(self, caller: Caller) -> compliance_pb2.RegisterInfo:
        request = compliance_pb2.GetRegisterInfoRequest()
        return await self._call(self._stub.GetRegisterInfo, request, caller)


class ServiceClients:
    """The clients of every service, shared by all requests of one gateway process."""

    def __init__(self, settings: Settings) -> None:
        self.calls = ServiceCalls(
            settings, {c.SERVICE: c.DESCRIPTOR for c in (IdentityClient, ComplianceClient)}
        )
        self.identity = IdentityClient(self.calls)
        self.compliance = ComplianceClient(self.calls)

    async def close(self) -> None:
        await self.calls.close()
