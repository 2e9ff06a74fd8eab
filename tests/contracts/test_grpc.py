"""The contracts service over gRPC: its servicer behind the runtime's interceptor, in process, on
a real SQLite store and a free port (these are the calls the gateway makes). Every RPC is tried
with another agency's ids, and answers as for a missing record."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import field_mask_pb2

from client360.common.v1 import common_pb2
from client360.contracts.v1 import contracts_pb2, contracts_pb2_grpc
from runtime.caller import Caller
from runtime.errors import InvalidInput
from runtime.rpc import ServiceInterceptor, caller_metadata, error_from_rpc
from runtime.store.sqlite import SqliteStore
from services.contracts.models import COLLECTIONS
from services.contracts.repository import ContractsRepository
from services.contracts.servicer import ContractsServicer
from tests.contracts.fixtures import day
from tests.harness import free_port

Metadata = tuple[tuple[str, str], ...]
ADVISOR = caller_metadata(Caller("agency-a", "alice", "advisor"))
MANAGER = caller_metadata(Caller("agency-a", "martin", "manager"))
TECHNICIAN = caller_metadata(Caller("agency-a", "theo", "technician"))
INTRUDER = caller_metadata(Caller("agency-b", "bob", "advisor"))


@pytest.fixture
async def stub(tmp_path: Path) -> AsyncIterator[contracts_pb2_grpc.ContractsServiceAsyncStub]:
    store = SqliteStore(tmp_path / "contracts.sqlite3")
    await store.open(COLLECTIONS)
    server = grpc.aio.server(interceptors=[ServiceInterceptor("contracts", env={})])
    contracts_pb2_grpc.add_ContractsServiceServicer_to_server(
        ContractsServicer(ContractsRepository(store)), server
    )
    address = f"127.0.0.1:{free_port()}"
    server.add_insecure_port(address)
    await server.start()
    try:
        async with grpc.aio.insecure_channel(address) as channel:
            yield contracts_pb2_grpc.ContractsServiceStub(channel)
    finally:
        await server.stop(None)
        await store.close()


def _participant(client_id: str, *roles: Any) -> contracts_pb2.Participant:
    return contracts_pb2.Participant(
        client_id=client_id, roles=list(roles) or [contracts_pb2.PARTICIPANT_ROLE_POLICYHOLDER]
    )


def _contract(
    *participants: contracts_pb2.Participant, **fields: Any
) -> contracts_pb2.ContractInput:
    values: dict[str, Any] = {
        "insurer": "MAAF Assurances",
        "product": "Multirisque Habitation",
        "branch": contracts_pb2.BRANCH_HOME,
        "effective_date": day(-700),
        "due_date": day(30),
        "tacit_renewal": True,
        "consumer": True,
        "premium": common_pb2.Money(amount_minor=32_050, currency="eur"),
        "payment_frequency": contracts_pb2.PAYMENT_FREQUENCY_ANNUAL,
        "premium_collector": contracts_pb2.PREMIUM_COLLECTOR_INSURER,
        "participants": list(participants) or [_participant("client-1")],
        **fields,
    }
    return contracts_pb2.ContractInput(**values)


async def _refused(call: Any, request: Any, metadata: Metadata) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await call(request, metadata=metadata)
    return failed.value.code()


async def test_a_contract_round_trips_with_its_markers_rights_and_money(
    stub: contracts_pb2_grpc.ContractsServiceAsyncStub,
) -> None:
    created = await stub.CreateContract(
        contracts_pb2.CreateContractRequest(
            contract=_contract(
                _participant("parent"),
                _participant("child", contracts_pb2.PARTICIPANT_ROLE_BENEFICIARY),
                renewal_notice_sent_on=day(-1),
            )
        ),
        metadata=ADVISOR,
    )
    assert not created.participants[1].HasField("share_percent")
    assert created.reference == "CT000001"
    assert created.status == contracts_pb2.CONTRACT_STATUS_IN_FORCE
    assert (created.premium.amount_minor, created.premium.currency) == (32_050, "EUR")
    assert created.markers.renewal_state == contracts_pb2.RENEWAL_STATE_TO_RENEW
    assert created.markers.days_to_due_date == 30
    assert created.termination_rights.received_on == day(0)
    assert [r.rule for r in created.termination_rights.rules] == [
        contracts_pb2.TERMINATION_RULE_ANNUAL,
        contracts_pb2.TERMINATION_RULE_CHATEL,
        contracts_pb2.TERMINATION_RULE_HAMON,
    ]
    request = contracts_pb2.BatchGetClientContractsRequest(
        client_ids=["parent", "child"], with_contracts=True, with_claims=True
    )
    read = await stub.BatchGetClientContracts(request, metadata=ADVISOR)
    assert read.today == day(0)
    assert [c.client_id for c in read.clients] == ["parent", "child"]
    assert [c.contracts.contracts[0].id for c in read.clients] == [created.id, created.id]
    assert not read.clients[0].contracts.contracts[0].HasField("termination_rights")
    renewed = await stub.RenewContract(
        contracts_pb2.RenewContractRequest(id=created.id, version=created.version),
        metadata=ADVISOR,
    )
    assert renewed.markers.renewal_state == contracts_pb2.RENEWAL_STATE_UP_TO_DATE
    mask = field_mask_pb2.FieldMask(paths=["product"])
    updated = await stub.UpdateContract(
        contracts_pb2.UpdateContractRequest(
            id=created.id,
            version=renewed.version,
            contract=_contract(product="Habitation Locataire"),
            update_mask=mask,
        ),
        metadata=ADVISOR,
    )
    assert updated.product == "Habitation Locataire"
    terminated = await stub.RequestTermination(
        contracts_pb2.RequestTerminationRequest(
            id=created.id, version=updated.version, rule=contracts_pb2.TERMINATION_RULE_HAMON
        ),
        metadata=ADVISOR,
    )
    assert terminated.markers.renewal_state == contracts_pb2.RENEWAL_STATE_TERMINATING
    assert terminated.termination_request.recorded_by == "alice"
    assert terminated.termination_reason == contracts_pb2.TERMINATION_REASON_INSURED_REQUEST
    other = await stub.CreateContract(
        contracts_pb2.CreateContractRequest(contract=_contract()), metadata=ADVISOR
    )
    ended = await stub.TerminateContract(
        contracts_pb2.TerminateContractRequest(
            id=other.id,
            version=other.version,
            termination_date=day(0),
            reason=contracts_pb2.TERMINATION_REASON_INSURER_DECISION,
        ),
        metadata=ADVISOR,
    )
    assert ended.status == contracts_pb2.CONTRACT_STATUS_TERMINATED
    got = await stub.GetContract(
        contracts_pb2.GetContractRequest(id=created.id, notice_received_on=day(-3)),
        metadata=ADVISOR,
    )
    assert got.termination_rights.received_on == day(-3)


async def test_claims_round_trip_and_count(
    stub: contracts_pb2_grpc.ContractsServiceAsyncStub,
) -> None:
    contract = await stub.CreateContract(
        contracts_pb2.CreateContractRequest(contract=_contract()), metadata=ADVISOR
    )
    claim = await stub.DeclareClaim(
        contracts_pb2.DeclareClaimRequest(
            claim=contracts_pb2.ClaimInput(
                contract_id=contract.id,
                type=contracts_pb2.CLAIM_TYPE_WATER_DAMAGE,
                loss_date=day(-3),
                assessed_amount=common_pb2.Money(amount_minor=150_000, currency="EUR"),
                participants=[
                    contracts_pb2.ClaimParticipant(
                        client_id="neighbour", roles=[contracts_pb2.CLAIM_ROLE_VICTIM]
                    )
                ],
            )
        ),
        metadata=ADVISOR,
    )
    assert (claim.reference, claim.status, claim.open) == (
        "SI000001",
        contracts_pb2.CLAIM_STATUS_DECLARED,
        True,
    )
    assert claim.reported_date == day(0)
    assert list(claim.client_ids) == ["client-1", "neighbour"]
    updated = await stub.UpdateClaim(
        contracts_pb2.UpdateClaimRequest(
            id=claim.id,
            version=claim.version,
            claim=contracts_pb2.ClaimInput(description="Fuite sous l'évier"),
            update_mask=field_mask_pb2.FieldMask(paths=["description"]),
        ),
        metadata=ADVISOR,
    )
    closed = await stub.ChangeClaimStatus(
        contracts_pb2.ChangeClaimStatusRequest(
            id=claim.id, version=updated.version, status=contracts_pb2.CLAIM_STATUS_CLOSED
        ),
        metadata=ADVISOR,
    )
    assert not closed.open
    assert [h.status for h in closed.history] == [
        contracts_pb2.CLAIM_STATUS_DECLARED,
        contracts_pb2.CLAIM_STATUS_CLOSED,
    ]
    got = await stub.GetClaim(contracts_pb2.GetClaimRequest(id=claim.id), metadata=ADVISOR)
    assert got.description == "Fuite sous l'évier"
    read = await stub.BatchGetClientContracts(
        contracts_pb2.BatchGetClientContractsRequest(
            client_ids=["neighbour"],
            with_claims=True,
            claim_filter=contracts_pb2.ClaimFilter(open_only=True),
        ),
        metadata=ADVISOR,
    )
    (part,) = read.clients
    assert (part.open_claims_count, part.claims.total_count) == (0, 0)
    assert not part.HasField("contracts")


async def test_bad_input_comes_back_whole_with_its_fields(
    stub: contracts_pb2_grpc.ContractsServiceAsyncStub,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await stub.CreateContract(
            contracts_pb2.CreateContractRequest(
                contract=_contract(
                    insurer="", premium=common_pb2.Money(amount_minor=1, currency="?")
                )
            ),
            metadata=ADVISOR,
        )
    error = error_from_rpc(failed.value, "contracts")
    assert isinstance(error, InvalidInput)
    assert [v.field for v in error.violations] == ["insurer", "premium.currency"]
    bad_filter = contracts_pb2.BatchGetClientContractsRequest(client_ids=["a"])
    bad_filter.contract_filter.statuses.append(99)  # type: ignore[arg-type]
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await stub.BatchGetClientContracts(bad_filter, metadata=ADVISOR)
    assert unknown.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    too_many = contracts_pb2.BatchGetClientContractsRequest(client_ids=[str(n) for n in range(501)])
    assert (
        await _refused(stub.BatchGetClientContracts, too_many, ADVISOR)
        == grpc.StatusCode.INVALID_ARGUMENT
    )


async def test_settings_over_grpc(stub: contracts_pb2_grpc.ContractsServiceAsyncStub) -> None:
    current = await stub.GetContractSettings(
        contracts_pb2.GetContractSettingsRequest(), metadata=ADVISOR
    )
    assert (current.renewal_window_days, current.timezone, current.version) == (
        60,
        "Europe/Paris",
        0,
    )
    request = contracts_pb2.UpdateContractSettingsRequest(
        version=0,
        settings=contracts_pb2.ContractSettings(renewal_window_days=45),
        update_mask=field_mask_pb2.FieldMask(paths=["renewal_window_days"]),
    )
    assert (
        await _refused(stub.UpdateContractSettings, request, ADVISOR)
        == grpc.StatusCode.PERMISSION_DENIED
    )
    saved = await stub.UpdateContractSettings(request, metadata=MANAGER)
    assert (saved.renewal_window_days, saved.timezone, saved.version) == (45, "Europe/Paris", 1)
    assert await _refused(stub.UpdateContractSettings, request, MANAGER) == grpc.StatusCode.ABORTED


async def test_technicians_are_refused_every_read(
    stub: contracts_pb2_grpc.ContractsServiceAsyncStub,
) -> None:
    request = contracts_pb2.BatchGetClientContractsRequest(client_ids=["a"], with_contracts=True)
    code = await _refused(stub.BatchGetClientContracts, request, TECHNICIAN)
    assert code == grpc.StatusCode.PERMISSION_DENIED


async def test_every_rpc_answers_another_agencys_ids_as_missing_ones(
    stub: contracts_pb2_grpc.ContractsServiceAsyncStub,
) -> None:
    contract = await stub.CreateContract(
        contracts_pb2.CreateContractRequest(contract=_contract()), metadata=ADVISOR
    )
    claim = await stub.DeclareClaim(
        contracts_pb2.DeclareClaimRequest(
            claim=contracts_pb2.ClaimInput(
                contract_id=contract.id, type=contracts_pb2.CLAIM_TYPE_FIRE, loss_date=day(-1)
            )
        ),
        metadata=ADVISOR,
    )
    read = await stub.BatchGetClientContracts(
        contracts_pb2.BatchGetClientContractsRequest(
            client_ids=["client-1"], with_contracts=True, with_claims=True
        ),
        metadata=INTRUDER,
    )
    (part,) = read.clients
    assert (len(part.contracts.contracts), len(part.claims.claims), part.open_claims_count) == (
        0,
        0,
        0,
    )
    calls: tuple[tuple[Any, Any], ...] = (
        (stub.GetContract, contracts_pb2.GetContractRequest(id=contract.id)),
        (
            stub.UpdateContract,
            contracts_pb2.UpdateContractRequest(
                id=contract.id,
                version=contract.version,
                contract=_contract(),
                update_mask=field_mask_pb2.FieldMask(paths=["product"]),
            ),
        ),
        (stub.RenewContract, contracts_pb2.RenewContractRequest(id=contract.id, version=1)),
        (
            stub.TerminateContract,
            contracts_pb2.TerminateContractRequest(
                id=contract.id,
                version=1,
                termination_date=day(0),
                reason=contracts_pb2.TERMINATION_REASON_DEATH,
            ),
        ),
        (
            stub.RequestTermination,
            contracts_pb2.RequestTerminationRequest(id=contract.id, version=1),
        ),
        (stub.GetClaim, contracts_pb2.GetClaimRequest(id=claim.id)),
        (
            stub.DeclareClaim,
            contracts_pb2.DeclareClaimRequest(
                claim=contracts_pb2.ClaimInput(
                    contract_id=contract.id, type=contracts_pb2.CLAIM_TYPE_FIRE, loss_date=day(-1)
                )
            ),
        ),
        (
            stub.UpdateClaim,
            contracts_pb2.UpdateClaimRequest(
                id=claim.id,
                version=1,
                claim=contracts_pb2.ClaimInput(description="x"),
                update_mask=field_mask_pb2.FieldMask(paths=["description"]),
            ),
        ),
        (
            stub.ChangeClaimStatus,
            contracts_pb2.ChangeClaimStatusRequest(
                id=claim.id, version=1, status=contracts_pb2.CLAIM_STATUS_OPENED
            ),
        ),
    )
    for call, request in calls:
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await call(request, metadata=INTRUDER)
        assert failed.value.code() == grpc.StatusCode.NOT_FOUND, call
        assert "agency-a" not in (failed.value.details() or "")
    # Their own settings, not the first agency's.
    theirs = await stub.GetContractSettings(
        contracts_pb2.GetContractSettingsRequest(), metadata=INTRUDER
    )
    assert theirs.version == 0


INTRUDER_MANAGER = caller_metadata(Caller("agency-b", "berta", "manager"))


async def test_complaints_quotes_and_vehicles_over_grpc_and_another_agencys_ids(
    stub: contracts_pb2_grpc.ContractsServiceAsyncStub,
) -> None:
    fleet = await stub.CreateContract(
        contracts_pb2.CreateContractRequest(contract=_contract(branch=contracts_pb2.BRANCH_FLEET)),
        metadata=ADVISOR,
    )
    complaint = await stub.RecordComplaint(
        contracts_pb2.RecordComplaintRequest(
            complaint=contracts_pb2.ComplaintInput(
                client_id="client-1",
                received_on=day(-30),
                channel=contracts_pb2.COMPLAINT_CHANNEL_PHONE,
                subject="Attente",
                contract_id=fleet.id,
            )
        ),
        metadata=ADVISOR,
    )
    assert complaint.status == contracts_pb2.COMPLAINT_STATUS_RECEIVED
    assert complaint.clock.overdue
    assert complaint.clock.acknowledgement_overdue
    quote = await stub.CreateQuote(
        contracts_pb2.CreateQuoteRequest(
            quote=contracts_pb2.QuoteInput(
                insurer="MAAF",
                product="Habitation",
                branch=contracts_pb2.BRANCH_HOME,
                participants=[_participant("client-1")],
                valid_until=day(10),
            )
        ),
        metadata=ADVISOR,
    )
    assert (quote.reference, quote.status) == ("DV000001", contracts_pb2.QUOTE_STATUS_DRAFT)
    vehicle = await stub.AddVehicle(
        contracts_pb2.AddVehicleRequest(
            vehicle=contracts_pb2.VehicleInput(
                contract_id=fleet.id, registration="AB123CD", make="Peugeot", entry_date=day(-3)
            )
        ),
        metadata=ADVISOR,
    )
    assert (vehicle.registration, vehicle.on_cover) == ("AB-123-CD", True)
    read = await stub.BatchGetClientContracts(
        contracts_pb2.BatchGetClientContractsRequest(
            client_ids=["client-1"], with_quotes=True, with_complaints=True, with_fleet=True
        ),
        metadata=ADVISOR,
    )
    (part,) = read.clients
    assert [c.id for c in part.complaints.complaints] == [complaint.id]
    assert (part.open_complaints_count, part.overdue_complaints_count) == (1, 1)
    assert [q.id for q in part.quotes.quotes] == [quote.id]
    assert list(part.fleet.contract_ids) == [fleet.id]
    assert [v.id for v in part.fleet.vehicles.vehicles] == [vehicle.id]
    listed = await stub.ListComplaints(
        contracts_pb2.ListComplaintsRequest(
            filter=contracts_pb2.ComplaintFilter(overdue_only=True)
        ),
        metadata=MANAGER,
    )
    assert [c.id for c in listed.complaints] == [complaint.id]
    code = await _refused(stub.ListComplaints, contracts_pb2.ListComplaintsRequest(), ADVISOR)
    assert code == grpc.StatusCode.PERMISSION_DENIED

    theirs = await stub.BatchGetClientContracts(
        contracts_pb2.BatchGetClientContractsRequest(
            client_ids=["client-1"], with_quotes=True, with_complaints=True, with_fleet=True
        ),
        metadata=INTRUDER,
    )
    (part,) = theirs.clients
    assert (len(part.complaints.complaints), len(part.quotes.quotes), part.HasField("fleet")) == (
        0,
        0,
        False,
    )
    assert part.open_complaints_count == 0
    listed = await stub.ListComplaints(
        contracts_pb2.ListComplaintsRequest(), metadata=INTRUDER_MANAGER
    )
    assert list(listed.complaints) == []
    calls: tuple[tuple[Any, Any], ...] = (
        (stub.GetComplaint, contracts_pb2.GetComplaintRequest(id=complaint.id)),
        (
            stub.AcknowledgeComplaint,
            contracts_pb2.AcknowledgeComplaintRequest(id=complaint.id, version=1),
        ),
        (
            stub.AnswerComplaint,
            contracts_pb2.AnswerComplaintRequest(
                id=complaint.id, version=1, outcome=contracts_pb2.COMPLAINT_OUTCOME_UPHELD
            ),
        ),
        (stub.CloseComplaint, contracts_pb2.CloseComplaintRequest(id=complaint.id, version=1)),
        (stub.GetQuote, contracts_pb2.GetQuoteRequest(id=quote.id)),
        (
            stub.UpdateQuote,
            contracts_pb2.UpdateQuoteRequest(
                id=quote.id,
                version=1,
                quote=contracts_pb2.QuoteInput(product="X"),
                update_mask=field_mask_pb2.FieldMask(paths=["product"]),
            ),
        ),
        (stub.SendQuote, contracts_pb2.SendQuoteRequest(id=quote.id, version=1)),
        (stub.AcceptQuote, contracts_pb2.AcceptQuoteRequest(id=quote.id, version=1)),
        (stub.RefuseQuote, contracts_pb2.RefuseQuoteRequest(id=quote.id, version=1)),
        (
            stub.AddVehicle,
            contracts_pb2.AddVehicleRequest(
                vehicle=contracts_pb2.VehicleInput(
                    contract_id=fleet.id,
                    registration="AB-124-CD",
                    make="Peugeot",
                    entry_date=day(0),
                )
            ),
        ),
        (stub.RemoveVehicle, contracts_pb2.RemoveVehicleRequest(id=vehicle.id, version=1)),
    )
    for call, request in calls:
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await call(request, metadata=INTRUDER)
        assert failed.value.code() == grpc.StatusCode.NOT_FOUND, call
        assert "agency-a" not in (failed.value.details() or "")
    # A complaint naming another agency's contract is refused as for a missing one.
    missing = {}
    for contract_id in (fleet.id, "no-such-contract"):
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await stub.RecordComplaint(
                contracts_pb2.RecordComplaintRequest(
                    complaint=contracts_pb2.ComplaintInput(
                        client_id="client-1",
                        channel=contracts_pb2.COMPLAINT_CHANNEL_EMAIL,
                        subject="x",
                        contract_id=contract_id,
                    )
                ),
                metadata=INTRUDER,
            )
        missing[contract_id] = (failed.value.code(), error_from_rpc(failed.value, "contracts"))
    first, second = missing.values()
    assert first[0] == second[0] == grpc.StatusCode.INVALID_ARGUMENT
    assert isinstance(first[1], InvalidInput)
    assert isinstance(second[1], InvalidInput)
    assert first[1].violations == second[1].violations
