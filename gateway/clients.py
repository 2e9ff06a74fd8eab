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

from client360.billing.v1 import billing_pb2, billing_pb2_grpc
from client360.common.v1 import common_pb2
from client360.communication.v1 import communication_pb2, communication_pb2_grpc
from client360.compliance.v1 import compliance_pb2, compliance_pb2_grpc
from client360.contracts.v1 import contracts_pb2, contracts_pb2_grpc
from client360.identity.v1 import identity_pb2, identity_pb2_grpc
from client360.interventions.v1 import interventions_pb2, interventions_pb2_grpc
from client360.lifecycle.v1 import lifecycle_pb2
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
from runtime.services import CLIENT_RECORD_SERVICES, SERVICE_NAMES

Response = TypeVar("Response")

_RECORDS_SERVICE = lifecycle_pb2.DESCRIPTOR.services_by_name["ClientRecordsService"].full_name
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

    def serves_files(self, service: str) -> bool:
        """Whether ``service`` answers GetFile (it stores or draws files for its records)."""
        descriptor = self._services.get(service)
        return descriptor is not None and "GetFile" in descriptor.methods_by_name

    async def get_file(
        self, service: str, caller: Caller, request: common_pb2.FileRequest
    ) -> common_pb2.FileContent:
        """One file from ``service``'s GetFile, for the /files route."""
        descriptor = self._services[service]
        method = self.channel(service).unary_unary(
            f"/{descriptor.full_name}/GetFile",
            request_serializer=common_pb2.FileRequest.SerializeToString,
            response_deserializer=common_pb2.FileContent.FromString,
        )
        return await self.call(service, method, request, caller)

    @staticmethod
    def counting_services() -> tuple[str, ...]:
        """The services that say how many records they keep of a client (for merges):
        identity, and those that move theirs in a merge."""
        return ("identity", *CLIENT_RECORD_SERVICES)

    async def count_client_records(
        self, service: str, caller: Caller, client_ids: Sequence[str]
    ) -> lifecycle_pb2.CountClientRecordsResponse:
        """How many records ``service`` keeps of each client, by kind (ClientRecordsService,
        which each of them serves from the same implementation)."""
        method = self.channel(service).unary_unary(
            f"/{_RECORDS_SERVICE}/CountClientRecords",
            request_serializer=lifecycle_pb2.CountClientRecordsRequest.SerializeToString,
            response_deserializer=lifecycle_pb2.CountClientRecordsResponse.FromString,
        )
        request = lifecycle_pb2.CountClientRecordsRequest(client_ids=client_ids)
        return await self.call(service, method, request, caller)

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
        leasing_company: bool | None = None,
        area: identity_pb2.GeoArea | None = None,
    ) -> identity_pb2.SearchClientsResponse:
        request = identity_pb2.SearchClientsRequest(
            query=query,
            page=common_pb2.PageRequest(first=first, after=after),
            include_archived=include_archived,
            leasing_company=leasing_company,
            area=area,
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

    async def find_duplicate_suspects(
        self, caller: Caller, client_ids: Sequence[str], *, limit: int
    ) -> Sequence[identity_pb2.ClientDuplicateSuspects]:
        response = await self._call(
            self._stub.FindDuplicateSuspects,
            identity_pb2.FindDuplicateSuspectsRequest(client_ids=client_ids, limit=limit),
            caller,
        )
        return response.clients

    async def preview_merge(
        self, caller: Caller, survivor_id: str, merged_id: str, take: Sequence[str]
    ) -> identity_pb2.MergePreview:
        request = identity_pb2.PreviewMergeRequest(
            survivor_id=survivor_id, merged_id=merged_id, take_from_merged=take
        )
        return await self._call(self._stub.PreviewMerge, request, caller)

    async def merge_clients(
        self, caller: Caller, survivor_id: str, merged_id: str, take: Sequence[str]
    ) -> identity_pb2.Merge:
        request = identity_pb2.MergeClientsRequest(
            survivor_id=survivor_id, merged_id=merged_id, take_from_merged=take
        )
        return await self._call(self._stub.MergeClients, request, caller)

    async def erase_client(
        self, caller: Caller, client_id: str, reason: str
    ) -> identity_pb2.Erasure:
        request = identity_pb2.EraseClientRequest(client_id=client_id, reason=reason)
        return await self._call(self._stub.EraseClient, request, caller)

    async def get_erasure(self, caller: Caller, erasure_id: str) -> identity_pb2.Erasure:
        return await self._call(
            self._stub.GetErasure, identity_pb2.GetErasureRequest(id=erasure_id), caller
        )

    async def list_audit_entries(
        self, caller: Caller, request: identity_pb2.ListAuditEntriesRequest
    ) -> identity_pb2.ListAuditEntriesResponse:
        return await self._call(self._stub.ListAuditEntries, request, caller)

    async def get_merge(self, caller: Caller, merge_id: str) -> identity_pb2.Merge:
        return await self._call(
            self._stub.GetMerge, identity_pb2.GetMergeRequest(id=merge_id), caller
        )


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


class ContractsClient(_ServiceClient):
    SERVICE = "contracts"
    DESCRIPTOR = contracts_pb2.DESCRIPTOR.services_by_name["ContractsService"]

    def __init__(self, calls: ServiceCalls) -> None:
        super().__init__(calls)
        self._stub = contracts_pb2_grpc.ContractsServiceStub(calls.channel(self.SERVICE))

    async def batch_get_client_contracts(
        self, caller: Caller, request: contracts_pb2.BatchGetClientContractsRequest
    ) -> contracts_pb2.BatchGetClientContractsResponse:
        return await self._call(self._stub.BatchGetClientContracts, request, caller)

    async def get_contract(
        self, caller: Caller, contract_id: str, notice_received_on: str = ""
    ) -> contracts_pb2.Contract:
        request = contracts_pb2.GetContractRequest(
            id=contract_id, notice_received_on=notice_received_on
        )
        return await self._call(self._stub.GetContract, request, caller)

    async def create_contract(
        self, caller: Caller, contract: contracts_pb2.ContractInput
    ) -> contracts_pb2.Contract:
        request = contracts_pb2.CreateContractRequest(contract=contract)
        return await self._call(self._stub.CreateContract, request, caller)

    async def update_contract(
        self,
        caller: Caller,
        contract_id: str,
        version: int,
        contract: contracts_pb2.ContractInput,
        paths: Sequence[str],
    ) -> contracts_pb2.Contract:
        request = contracts_pb2.UpdateContractRequest(
            id=contract_id, version=version, contract=contract
        )
        request.update_mask.paths.extend(paths)
        return await self._call(self._stub.UpdateContract, request, caller)

    async def renew_contract(
        self, caller: Caller, contract_id: str, version: int, next_due_date: str
    ) -> contracts_pb2.Contract:
        request = contracts_pb2.RenewContractRequest(
            id=contract_id, version=version, next_due_date=next_due_date
        )
        return await self._call(self._stub.RenewContract, request, caller)

    async def terminate_contract(
        self, caller: Caller, contract_id: str, version: int, termination_date: str, reason: int
    ) -> contracts_pb2.Contract:
        request = contracts_pb2.TerminateContractRequest(
            id=contract_id,
            version=version,
            termination_date=termination_date,
            reason=reason,  # type: ignore[arg-type]
        )
        return await self._call(self._stub.TerminateContract, request, caller)

    async def request_termination(
        self,
        caller: Caller,
        contract_id: str,
        version: int,
        *,
        received_on: str,
        rule: int,
        end_date: str,
    ) -> contracts_pb2.Contract:
        request = contracts_pb2.RequestTerminationRequest(
            id=contract_id,
            version=version,
            received_on=received_on,
            rule=rule,  # type: ignore[arg-type]
            end_date=end_date,
        )
        return await self._call(self._stub.RequestTermination, request, caller)

    async def get_claim(self, caller: Caller, claim_id: str) -> contracts_pb2.Claim:
        request = contracts_pb2.GetClaimRequest(id=claim_id)
        return await self._call(self._stub.GetClaim, request, caller)

    async def declare_claim(
        self, caller: Caller, claim: contracts_pb2.ClaimInput
    ) -> contracts_pb2.Claim:
        request = contracts_pb2.DeclareClaimRequest(claim=claim)
        return await self._call(self._stub.DeclareClaim, request, caller)

    async def update_claim(
        self,
        caller: Caller,
        claim_id: str,
        version: int,
        claim: contracts_pb2.ClaimInput,
        paths: Sequence[str],
    ) -> contracts_pb2.Claim:
        request = contracts_pb2.UpdateClaimRequest(id=claim_id, version=version, claim=claim)
        request.update_mask.paths.extend(paths)
        return await self._call(self._stub.UpdateClaim, request, caller)

    async def change_claim_status(
        self, caller: Caller, claim_id: str, version: int, status: int, note: str
    ) -> contracts_pb2.Claim:
        request = contracts_pb2.ChangeClaimStatusRequest(
            id=claim_id,
            version=version,
            status=status,  # type: ignore[arg-type]
            note=note,
        )
        return await self._call(self._stub.ChangeClaimStatus, request, caller)

    async def get_settings(self, caller: Caller) -> contracts_pb2.ContractSettings:
        request = contracts_pb2.GetContractSettingsRequest()
        return await self._call(self._stub.GetContractSettings, request, caller)

    async def update_settings(
        self,
        caller: Caller,
        version: int,
        settings: contracts_pb2.ContractSettings,
        paths: Sequence[str],
    ) -> contracts_pb2.ContractSettings:
        request = contracts_pb2.UpdateContractSettingsRequest(version=version, settings=settings)
        request.update_mask.paths.extend(paths)
        return await self._call(self._stub.UpdateContractSettings, request, caller)

    async def get_complaint(self, caller: Caller, complaint_id: str) -> contracts_pb2.Complaint:
        request = contracts_pb2.GetComplaintRequest(id=complaint_id)
        return await self._call(self._stub.GetComplaint, request, caller)

    async def record_complaint(
        self, caller: Caller, complaint: contracts_pb2.ComplaintInput
    ) -> contracts_pb2.Complaint:
        request = contracts_pb2.RecordComplaintRequest(complaint=complaint)
        return await self._call(self._stub.RecordComplaint, request, caller)

    async def acknowledge_complaint(
        self, caller: Caller, request: contracts_pb2.AcknowledgeComplaintRequest
    ) -> contracts_pb2.Complaint:
        return await self._call(self._stub.AcknowledgeComplaint, request, caller)

    async def answer_complaint(
        self, caller: Caller, request: contracts_pb2.AnswerComplaintRequest
    ) -> contracts_pb2.Complaint:
        return await self._call(self._stub.AnswerComplaint, request, caller)

    async def close_complaint(
        self, caller: Caller, request: contracts_pb2.CloseComplaintRequest
    ) -> contracts_pb2.Complaint:
        return await self._call(self._stub.CloseComplaint, request, caller)

    async def list_complaints(
        self, caller: Caller, request: contracts_pb2.ListComplaintsRequest
    ) -> contracts_pb2.ComplaintPage:
        return await self._call(self._stub.ListComplaints, request, caller)

    async def get_quote(self, caller: Caller, quote_id: str) -> contracts_pb2.Quote:
        request = contracts_pb2.GetQuoteRequest(id=quote_id)
        return await self._call(self._stub.GetQuote, request, caller)

    async def create_quote(
        self, caller: Caller, quote: contracts_pb2.QuoteInput
    ) -> contracts_pb2.Quote:
        request = contracts_pb2.CreateQuoteRequest(quote=quote)
        return await self._call(self._stub.CreateQuote, request, caller)

    async def update_quote(
        self,
        caller: Caller,
        quote_id: str,
        version: int,
        quote: contracts_pb2.QuoteInput,
        paths: Sequence[str],
    ) -> contracts_pb2.Quote:
        request = contracts_pb2.UpdateQuoteRequest(id=quote_id, version=version, quote=quote)
        request.update_mask.paths.extend(paths)
        return await self._call(self._stub.UpdateQuote, request, caller)

    async def send_quote(
        self, caller: Caller, request: contracts_pb2.SendQuoteRequest
    ) -> contracts_pb2.Quote:
        return await self._call(self._stub.SendQuote, request, caller)

    async def accept_quote(
        self, caller: Caller, request: contracts_pb2.AcceptQuoteRequest
    ) -> contracts_pb2.AcceptQuoteResponse:
        return await self._call(self._stub.AcceptQuote, request, caller)

    async def refuse_quote(
        self, caller: Caller, request: contracts_pb2.RefuseQuoteRequest
    ) -> contracts_pb2.Quote:
        return await self._call(self._stub.RefuseQuote, request, caller)

    async def add_vehicle(
        self, caller: Caller, vehicle: contracts_pb2.VehicleInput
    ) -> contracts_pb2.Vehicle:
        request = contracts_pb2.AddVehicleRequest(vehicle=vehicle)
        return await self._call(self._stub.AddVehicle, request, caller)

    async def remove_vehicle(
        self, caller: Caller, request: contracts_pb2.RemoveVehicleRequest
    ) -> contracts_pb2.Vehicle:
        return await self._call(self._stub.RemoveVehicle, request, caller)


class ServiceClients:
    """The clients of every service, shared by all requests of one gateway process."""

    def __init__(self, settings: Settings) -> None:
        self.calls = ServiceCalls(
            settings,
            {
                c.SERVICE: c.DESCRIPTOR
                for c in (
                    IdentityClient,
                    ComplianceClient,
                    ContractsClient,
                    BillingClient,
                    CommunicationClient,
                    InterventionsClient,
                )
            },
        )
        self.identity = IdentityClient(self.calls)
        self.compliance = ComplianceClient(self.calls)
        self.contracts = ContractsClient(self.calls)
        self.billing = BillingClient(self.calls)
        self.communication = CommunicationClient(self.calls)
        self.interventions = InterventionsClient(self.calls)

    async def close(self) -> None:
        await self.calls.close()


class InterventionsClient(_ServiceClient):
    SERVICE = "interventions"
    DESCRIPTOR = interventions_pb2.DESCRIPTOR.services_by_name["InterventionsService"]

    def __init__(self, calls: ServiceCalls) -> None:
        super().__init__(calls)
        self._stub = interventions_pb2_grpc.InterventionsServiceStub(calls.channel(self.SERVICE))

    async def batch_list_interventions(
        self,
        caller: Caller,
        client_ids: Sequence[str],
        *,
        wanted: interventions_pb2.InterventionFilter,
        first: int,
        after: str,
        include_equipment: bool = False,
        include_worksites: bool = False,
        include_maintenance_plans: bool = False,
        include_workshop: bool = False,
    ) -> list[interventions_pb2.ClientInterventions]:
        request = interventions_pb2.BatchListInterventionsRequest(
            client_ids=client_ids,
            filter=wanted,
            page=common_pb2.PageRequest(first=first, after=after),
            include_equipment=include_equipment,
            include_worksites=include_worksites,
            include_maintenance_plans=include_maintenance_plans,
            include_workshop=include_workshop,
        )
        response = await self._call(self._stub.BatchListInterventions, request, caller)
        return list(response.clients)

    async def list_my_interventions(
        self, caller: Caller, date: str
    ) -> list[interventions_pb2.TechnicianVisit]:
        request = interventions_pb2.ListMyInterventionsRequest(date=date)
        response = await self._call(self._stub.ListMyInterventions, request, caller)
        return list(response.visits)

    async def get_intervention(
        self, caller: Caller, intervention_id: str
    ) -> interventions_pb2.Intervention:
        request = interventions_pb2.GetInterventionRequest(id=intervention_id)
        return await self._call(self._stub.GetIntervention, request, caller)

    async def create_intervention(
        self, caller: Caller, client_id: str, data: interventions_pb2.InterventionInput
    ) -> interventions_pb2.Intervention:
        request = interventions_pb2.CreateInterventionRequest(
            client_id=client_id, intervention=data
        )
        return await self._call(self._stub.CreateIntervention, request, caller)

    async def update_intervention(
        self,
        caller: Caller,
        intervention_id: str,
        version: int,
        data: interventions_pb2.InterventionInput,
        paths: Sequence[str],
    ) -> interventions_pb2.Intervention:
        request = interventions_pb2.UpdateInterventionRequest(
            id=intervention_id, version=version, intervention=data
        )
        request.update_mask.paths.extend(paths)
        return await self._call(self._stub.UpdateIntervention, request, caller)

    async def schedule_intervention(
        self, request: interventions_pb2.ScheduleInterventionRequest, caller: Caller
    ) -> interventions_pb2.Intervention:
        return await self._call(self._stub.ScheduleIntervention, request, caller)

    async def move_intervention_stage(
        self, caller: Caller, intervention_id: str, version: int, stage: int
    ) -> interventions_pb2.Intervention:
        request = interventions_pb2.MoveInterventionStageRequest(
            id=intervention_id,
            version=version,
            stage=stage,  # type: ignore[arg-type]
        )
        return await self._call(self._stub.MoveInterventionStage, request, caller)

    async def complete_intervention(
        self,
        caller: Caller,
        intervention_id: str,
        version: int,
        report: str,
        idempotency_key: str = "",
    ) -> interventions_pb2.Intervention:
        request = interventions_pb2.CompleteInterventionRequest(
            id=intervention_id, version=version, report=report, idempotency_key=idempotency_key
        )
        return await self._call(self._stub.CompleteIntervention, request, caller)

    async def delete_intervention(
        self, caller: Caller, intervention_id: str, version: int
    ) -> interventions_pb2.Intervention:
        request = interventions_pb2.DeleteInterventionRequest(id=intervention_id, version=version)
        return await self._call(self._stub.DeleteIntervention, request, caller)

    async def create_equipment(
        self, caller: Caller, client_id: str, data: interventions_pb2.EquipmentInput
    ) -> interventions_pb2.Equipment:
        request = interventions_pb2.CreateEquipmentRequest(client_id=client_id, equipment=data)
        return await self._call(self._stub.CreateEquipment, request, caller)

    async def update_equipment(
        self,
        caller: Caller,
        equipment_id: str,
        version: int,
        data: interventions_pb2.EquipmentInput,
        paths: Sequence[str],
    ) -> interventions_pb2.Equipment:
        request = interventions_pb2.UpdateEquipmentRequest(
            id=equipment_id, version=version, equipment=data
        )
        request.update_mask.paths.extend(paths)
        return await self._call(self._stub.UpdateEquipment, request, caller)

    async def create_worksite(
        self, caller: Caller, client_id: str, data: interventions_pb2.WorksiteInput
    ) -> interventions_pb2.Worksite:
        request = interventions_pb2.CreateWorksiteRequest(client_id=client_id, worksite=data)
        return await self._call(self._stub.CreateWorksite, request, caller)

    async def update_worksite(
        self,
        caller: Caller,
        worksite_id: str,
        version: int,
        data: interventions_pb2.WorksiteInput,
        paths: Sequence[str],
    ) -> interventions_pb2.Worksite:
        request = interventions_pb2.UpdateWorksiteRequest(
            id=worksite_id, version=version, worksite=data
        )
        request.update_mask.paths.extend(paths)
        return await self._call(self._stub.UpdateWorksite, request, caller)

    async def list_intervention_changes(
        self, caller: Caller, since: str
    ) -> interventions_pb2.ListInterventionChangesResponse:
        request = interventions_pb2.ListInterventionChangesRequest(since=since)
        return await self._call(self._stub.ListInterventionChanges, request, caller)

    async def create_maintenance_plan(
        self, caller: Caller, client_id: str, plan: interventions_pb2.MaintenancePlanInput
    ) -> interventions_pb2.MaintenancePlan:
        request = interventions_pb2.CreateMaintenancePlanRequest(client_id=client_id, plan=plan)
        return await self._call(self._stub.CreateMaintenancePlan, request, caller)

    async def create_vehicle(
        self, caller: Caller, client_id: str, vehicle: interventions_pb2.VehicleInput
    ) -> interventions_pb2.Vehicle:
        request = interventions_pb2.CreateVehicleRequest(client_id=client_id, vehicle=vehicle)
        return await self._call(self._stub.CreateVehicle, request, caller)

    async def book_workshop_appointment(
        self, request: interventions_pb2.BookWorkshopAppointmentRequest, caller: Caller
    ) -> interventions_pb2.WorkshopAppointment:
        return await self._call(self._stub.BookWorkshopAppointment, request, caller)

    async def set_workshop_appointment_status(
        self, caller: Caller, appointment_id: str, version: int, status: int
    ) -> interventions_pb2.WorkshopAppointment:
        request = interventions_pb2.SetWorkshopAppointmentStatusRequest(
            id=appointment_id,
            version=version,
            status=status,  # type: ignore[arg-type]
        )
        return await self._call(self._stub.SetWorkshopAppointmentStatus, request, caller)

    async def complete_intervention_with(
        self, request: interventions_pb2.CompleteInterventionRequest, caller: Caller
    ) -> interventions_pb2.Intervention:
        """Completes with a whole request: the report's text and its images."""
        return await self._call(self._stub.CompleteIntervention, request, caller)

    async def set_equipment_photo(
        self, request: interventions_pb2.SetEquipmentPhotoRequest, caller: Caller
    ) -> interventions_pb2.Equipment:
        return await self._call(self._stub.SetEquipmentPhoto, request, caller)

    async def update_maintenance_plan(
        self,
        caller: Caller,
        plan_id: str,
        version: int,
        plan: interventions_pb2.MaintenancePlanInput,
        paths: Sequence[str],
    ) -> interventions_pb2.MaintenancePlan:
        request = interventions_pb2.UpdateMaintenancePlanRequest(
            id=plan_id, version=version, plan=plan
        )
        request.update_mask.paths.extend(paths)
        return await self._call(self._stub.UpdateMaintenancePlan, request, caller)

    async def delete_maintenance_plan(
        self, caller: Caller, plan_id: str, version: int
    ) -> interventions_pb2.MaintenancePlan:
        request = interventions_pb2.DeleteMaintenancePlanRequest(id=plan_id, version=version)
        return await self._call(self._stub.DeleteMaintenancePlan, request, caller)


class CommunicationClient(_ServiceClient):
    SERVICE = "communication"
    DESCRIPTOR = communication_pb2.DESCRIPTOR.services_by_name["CommunicationService"]

    def __init__(self, calls: ServiceCalls) -> None:
        super().__init__(calls)
        self._stub = communication_pb2_grpc.CommunicationServiceStub(calls.channel(self.SERVICE))

    async def batch_get_timeline(
        self, caller: Caller, request: communication_pb2.BatchGetTimelineRequest
    ) -> Sequence[communication_pb2.ClientTimeline]:
        response = await self._call(self._stub.BatchGetTimeline, request, caller)
        return response.clients

    async def add_timeline_event(
        self, caller: Caller, request: communication_pb2.AddTimelineEventRequest
    ) -> communication_pb2.TimelineEntry:
        return await self._call(self._stub.AddTimelineEvent, request, caller)

    async def batch_get_communication(
        self,
        caller: Caller,
        client_ids: Sequence[str],
        *,
        activity_limit: int,
        sms_limit: int,
        email_limit: int,
        document_limit: int = 0,
    ) -> list[communication_pb2.ClientCommunication]:
        request = communication_pb2.BatchGetCommunicationRequest(
            client_ids=client_ids,
            activity_limit=activity_limit,
            sms_limit=sms_limit,
            email_limit=email_limit,
            document_limit=document_limit,
        )
        response = await self._call(self._stub.BatchGetCommunication, request, caller)
        return list(response.clients)

    async def log_activity(
        self, caller: Caller, request: communication_pb2.LogActivityRequest
    ) -> communication_pb2.Activity:
        return await self._call(self._stub.LogActivity, request, caller)

    async def add_memo_note(
        self, caller: Caller, request: communication_pb2.AddMemoNoteRequest
    ) -> communication_pb2.MemoNote:
        return await self._call(self._stub.AddMemoNote, request, caller)

    async def edit_memo_note(
        self, caller: Caller, request: communication_pb2.EditMemoNoteRequest
    ) -> communication_pb2.MemoNote:
        return await self._call(self._stub.EditMemoNote, request, caller)

    async def create_task(
        self, caller: Caller, request: communication_pb2.CreateTaskRequest
    ) -> communication_pb2.Task:
        return await self._call(self._stub.CreateTask, request, caller)

    async def set_task_status(
        self, caller: Caller, request: communication_pb2.SetTaskStatusRequest
    ) -> communication_pb2.Task:
        return await self._call(self._stub.SetTaskStatus, request, caller)

    async def create_action(
        self, caller: Caller, request: communication_pb2.CreateActionRequest
    ) -> communication_pb2.Action:
        return await self._call(self._stub.CreateAction, request, caller)

    async def set_action_status(
        self, caller: Caller, request: communication_pb2.SetActionStatusRequest
    ) -> communication_pb2.Action:
        return await self._call(self._stub.SetActionStatus, request, caller)

    async def open_ticket(
        self, caller: Caller, request: communication_pb2.OpenTicketRequest
    ) -> communication_pb2.Ticket:
        return await self._call(self._stub.OpenTicket, request, caller)

    async def set_ticket_status(
        self, caller: Caller, request: communication_pb2.SetTicketStatusRequest
    ) -> communication_pb2.Ticket:
        return await self._call(self._stub.SetTicketStatus, request, caller)

    async def send_sms(
        self, caller: Caller, request: communication_pb2.SendSmsRequest
    ) -> communication_pb2.Sms:
        return await self._call(self._stub.SendSms, request, caller)

    async def create_mailing_list(
        self, caller: Caller, request: communication_pb2.CreateMailingListRequest
    ) -> communication_pb2.MailingList:
        return await self._call(self._stub.CreateMailingList, request, caller)

    async def mailing_lists(self, caller: Caller) -> list[communication_pb2.MailingList]:
        request = communication_pb2.ListMailingListsRequest()
        response = await self._call(self._stub.ListMailingLists, request, caller)
        return list(response.lists)

    async def set_subscription(
        self, caller: Caller, request: communication_pb2.SetSubscriptionRequest
    ) -> communication_pb2.MailingListSubscription:
        return await self._call(self._stub.SetSubscription, request, caller)

    async def start_sms_campaign(
        self, caller: Caller, request: communication_pb2.StartSmsCampaignRequest
    ) -> communication_pb2.Campaign:
        return await self._call(self._stub.StartSmsCampaign, request, caller)

    async def campaign(self, caller: Caller, campaign_id: str) -> communication_pb2.Campaign:
        request = communication_pb2.GetCampaignRequest(id=campaign_id)
        return await self._call(self._stub.GetCampaign, request, caller)

    async def actions_dashboard(self, caller: Caller) -> communication_pb2.ActionsDashboard:
        request = communication_pb2.GetActionsDashboardRequest()
        return await self._call(self._stub.GetActionsDashboard, request, caller)

    async def send_email(
        self, caller: Caller, request: communication_pb2.SendEmailRequest
    ) -> communication_pb2.EmailMessage:
        return await self._call(self._stub.SendEmail, request, caller)

    async def upload_document(
        self, caller: Caller, request: communication_pb2.UploadDocumentRequest
    ) -> communication_pb2.Document:
        return await self._call(self._stub.UploadDocument, request, caller)

    async def share_document(
        self, caller: Caller, request: communication_pb2.ShareDocumentRequest
    ) -> communication_pb2.Document:
        return await self._call(self._stub.ShareDocument, request, caller)

    async def create_agenda_event(
        self, caller: Caller, request: communication_pb2.CreateAgendaEventRequest
    ) -> communication_pb2.AgendaEvent:
        return await self._call(self._stub.CreateAgendaEvent, request, caller)

    async def set_attendance(
        self, caller: Caller, request: communication_pb2.SetAttendanceRequest
    ) -> communication_pb2.AgendaEvent:
        return await self._call(self._stub.SetAttendance, request, caller)

    async def list_agenda(
        self, caller: Caller, request: communication_pb2.ListAgendaRequest
    ) -> communication_pb2.ListAgendaResponse:
        return await self._call(self._stub.ListAgenda, request, caller)

    async def export_agenda(
        self, caller: Caller, request: communication_pb2.ExportAgendaRequest
    ) -> communication_pb2.ExportAgendaResponse:
        return await self._call(self._stub.ExportAgenda, request, caller)


class BillingClient(_ServiceClient):
    SERVICE = "billing"
    DESCRIPTOR = billing_pb2.DESCRIPTOR.services_by_name["BillingService"]

    def __init__(self, calls: ServiceCalls) -> None:
        super().__init__(calls)
        self._stub = billing_pb2_grpc.BillingServiceStub(calls.channel(self.SERVICE))

    async def batch_get_accounts(
        self,
        caller: Caller,
        client_ids: Sequence[str],
        *,
        entries_limit: int,
        invoices_limit: int,
        with_debts: bool = False,
        notices_limit: int = 0,
        quotes_limit: int = 0,
    ) -> list[billing_pb2.Account]:
        request = billing_pb2.BatchGetAccountsRequest(
            client_ids=client_ids,
            entries_limit=entries_limit,
            invoices_limit=invoices_limit,
            with_debts=with_debts,
            notices_limit=notices_limit,
            quotes_limit=quotes_limit,
        )
        response = await self._call(self._stub.BatchGetAccounts, request, caller)
        return list(response.accounts)

    async def list_ledger(
        self, caller: Caller, request: billing_pb2.ListLedgerRequest
    ) -> billing_pb2.ListLedgerResponse:
        return await self._call(self._stub.ListLedger, request, caller)

    async def record_entry(
        self, caller: Caller, request: billing_pb2.RecordEntryRequest
    ) -> billing_pb2.LedgerEntry:
        return await self._call(self._stub.RecordEntry, request, caller)

    async def record_payment(
        self, caller: Caller, request: billing_pb2.RecordPaymentRequest
    ) -> billing_pb2.LedgerEntry:
        return await self._call(self._stub.RecordPayment, request, caller)

    async def clear_payment(self, caller: Caller, entry_id: str) -> billing_pb2.LedgerEntry:
        request = billing_pb2.ClearPaymentRequest(entry_id=entry_id)
        return await self._call(self._stub.ClearPayment, request, caller)

    async def issue_premium_notice(
        self, caller: Caller, request: billing_pb2.IssuePremiumNoticeRequest
    ) -> billing_pb2.PremiumNotice:
        return await self._call(self._stub.IssuePremiumNotice, request, caller)

    async def run_unpaid_path(self, caller: Caller) -> billing_pb2.UnpaidPathJob:
        request = billing_pb2.RunUnpaidPathRequest()
        return await self._call(self._stub.RunUnpaidPath, request, caller)

    async def create_invoice(
        self, caller: Caller, request: billing_pb2.CreateInvoiceRequest
    ) -> billing_pb2.Invoice:
        return await self._call(self._stub.CreateInvoice, request, caller)

    async def post_invoice(
        self, caller: Caller, request: billing_pb2.PostInvoiceRequest
    ) -> billing_pb2.Invoice:
        return await self._call(self._stub.PostInvoice, request, caller)

    async def cancel_invoice(
        self, caller: Caller, invoice_id: str, version: int
    ) -> billing_pb2.Invoice:
        request = billing_pb2.CancelInvoiceRequest(id=invoice_id, version=version)
        return await self._call(self._stub.CancelInvoice, request, caller)

    async def get_seller_profile(self, caller: Caller) -> billing_pb2.SellerProfile:
        request = billing_pb2.GetSellerProfileRequest()
        return await self._call(self._stub.GetSellerProfile, request, caller)

    async def set_seller_profile(
        self, caller: Caller, request: billing_pb2.SetSellerProfileRequest
    ) -> billing_pb2.SellerProfile:
        return await self._call(self._stub.SetSellerProfile, request, caller)

    async def create_quote(
        self, caller: Caller, request: billing_pb2.CreateQuoteRequest
    ) -> billing_pb2.Quote:
        return await self._call(self._stub.CreateQuote, request, caller)

    async def answer_quote(
        self, caller: Caller, request: billing_pb2.AnswerQuoteRequest
    ) -> billing_pb2.Quote:
        return await self._call(self._stub.AnswerQuote, request, caller)

    async def invoice_quote(
        self, caller: Caller, request: billing_pb2.InvoiceQuoteRequest
    ) -> billing_pb2.Invoice:
        return await self._call(self._stub.InvoiceQuote, request, caller)
