"""gRPC transport of the contracts service: decode the request, call the domain, encode the
answer. Errors travel as runtime errors and are mapped to status codes by the interceptor."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from client360.common.v1 import common_pb2
from client360.contracts.v1 import contracts_pb2, contracts_pb2_grpc
from runtime.contracts import max_items
from runtime.errors import FieldViolation, InvalidInput
from runtime.kit.paging import Page
from runtime.rpc import ServicerContext as Context
from runtime.rpc import current_caller
from services.contracts import claims, client_file, complaints, fleet, quotes, service
from services.contracts.mapping import (
    claim_input_to_doc,
    claim_to_proto,
    complaint_input_to_doc,
    complaint_to_proto,
    contract_input_to_doc,
    contract_to_proto,
    quote_input_to_doc,
    quote_to_proto,
    settings_to_proto,
    vehicle_input_to_doc,
    vehicle_to_proto,
)
from services.contracts.models import (
    BRANCHES,
    CLAIM_STATUSES,
    COMPLAINT_OUTCOMES,
    COMPLAINT_STATUSES,
    CONTRACT_STATUSES,
    QUOTE_STATUSES,
    RENEWAL_STATES,
    TERMINATION_REASONS,
    TERMINATION_RULES,
    Claim,
    Vehicle,
)
from services.contracts.repository import ContractsRepository

MAX_CLIENTS = max_items(contracts_pb2.BatchGetClientContractsRequest, "client_ids")


def _contract_out(view: service.ContractView, names: Mapping[str, str]) -> contracts_pb2.Contract:
    return contract_to_proto(
        view.contract,
        names=names,
        markers=view.markers,
        open_claims=view.open_claims,
        rights=view.rights,
        open_tickets=view.open_tickets,
    )


def _page_info(page: Page[Any], after: str) -> common_pb2.PageInfo:
    return common_pb2.PageInfo(
        end_cursor=page.end_cursor or after, has_next_page=page.has_next_page
    )


def _claims_page(
    page: Page[Claim], names: Mapping[str, str], after: str
) -> contracts_pb2.ClaimPage:
    return contracts_pb2.ClaimPage(
        claims=[claim_to_proto(c, names=names) for c in page.rows],
        cursors=page.cursors,
        page_info=_page_info(page, after),
        total_count=page.total_count,
    )


def _complaint_out(
    view: complaints.ComplaintView, names: Mapping[str, str]
) -> contracts_pb2.Complaint:
    return complaint_to_proto(view.complaint, clock=view.clock, names=names)


def _complaints_page(
    page: Page[complaints.ComplaintView], names: Mapping[str, str], after: str
) -> contracts_pb2.ComplaintPage:
    return contracts_pb2.ComplaintPage(
        complaints=[_complaint_out(v, names) for v in page.rows],
        cursors=page.cursors,
        page_info=_page_info(page, after),
        total_count=page.total_count,
    )


def _quote_out(view: quotes.QuoteView, names: Mapping[str, str]) -> contracts_pb2.Quote:
    return quote_to_proto(view.quote, status=view.status, names=names)


def _fleet_out(
    view: fleet.FleetView, names: Mapping[str, str], after: str
) -> contracts_pb2.ClientFleet:
    page = view.vehicles
    return contracts_pb2.ClientFleet(
        contract_ids=view.contract_ids,
        vehicles=contracts_pb2.VehiclePage(
            vehicles=[
                vehicle_to_proto(v.vehicle, on_cover=v.on_cover, names=names) for v in page.rows
            ],
            cursors=page.cursors,
            page_info=_page_info(page, after),
            total_count=page.total_count,
        ),
        vehicles_on_cover=view.on_cover,
    )


def _words(values: Any, vocabulary: Any, field: str) -> frozenset[str]:
    """The stored words of a repeated enum filter; an unknown value is bad input."""
    words = [vocabulary.to_word(v) for v in values]
    violations = [v for i, w in enumerate(words) for v in vocabulary.check(w, f"{field}[{i}]")]
    if violations:
        raise InvalidInput(violations)
    return frozenset(words)


class ContractsServicer(contracts_pb2_grpc.ContractsServiceServicer):
    def __init__(self, repo: ContractsRepository) -> None:
        self._repo = repo

    async def BatchGetClientContracts(
        self, request: contracts_pb2.BatchGetClientContractsRequest, context: Context
    ) -> contracts_pb2.BatchGetClientContractsResponse:
        if len(request.client_ids) > MAX_CLIENTS:
            raise InvalidInput(FieldViolation("clientIds", f"at most {MAX_CLIENTS}"))
        wanted = request.contract_filter
        complaint_filter = request.complaint_filter
        whole = await client_file.client_file(
            repo=self._repo,
            caller=current_caller(),
            client_ids=list(request.client_ids),
            with_contracts=request.with_contracts,
            contract_filter=service.ContractFilter(
                statuses=_words(wanted.statuses, CONTRACT_STATUSES, "contracts.statuses"),
                branches=_words(wanted.branches, BRANCHES, "contracts.branches"),
                renewal_states=_words(
                    wanted.renewal_states, RENEWAL_STATES, "contracts.renewalStates"
                ),
                include_past_participations=wanted.include_past_participations,
            ),
            contract_page=service.PageAsk(request.contract_page.first, request.contract_page.after),
            with_rights=request.with_termination_rights,
            with_claims=request.with_claims,
            claim_filter=service.ClaimFilter(
                statuses=_words(request.claim_filter.statuses, CLAIM_STATUSES, "claims.statuses"),
                open_only=request.claim_filter.open_only,
            ),
            claim_page=service.PageAsk(request.claim_page.first, request.claim_page.after),
            with_quotes=request.with_quotes,
            quote_statuses=_words(request.quote_filter.statuses, QUOTE_STATUSES, "quotes.statuses"),
            quote_page=service.PageAsk(request.quote_page.first, request.quote_page.after),
            with_complaints=request.with_complaints,
            complaint_filter=complaints.ComplaintFilter(
                statuses=_words(
                    complaint_filter.statuses, COMPLAINT_STATUSES, "complaints.statuses"
                ),
                overdue_only=complaint_filter.overdue_only,
                open_only=complaint_filter.open_only,
            ),
            complaint_page=service.PageAsk(
                request.complaint_page.first, request.complaint_page.after
            ),
            with_fleet=request.with_fleet,
            vehicle_page=service.PageAsk(request.vehicle_page.first, request.vehicle_page.after),
            include_exited_vehicles=request.include_exited_vehicles,
        )
        answer, names = whole.contracts, whole.names
        response = contracts_pb2.BatchGetClientContractsResponse(today=answer.today.isoformat())
        for part in answer.clients:
            extra = whole.parts[part.client_id]
            out = response.clients.add(
                client_id=part.client_id,
                open_claims_count=part.open_claims,
                open_complaints_count=extra.open_complaints,
                overdue_complaints_count=extra.overdue_complaints,
            )
            if part.contracts is not None:
                out.contracts.CopyFrom(
                    contracts_pb2.ContractPage(
                        contracts=[_contract_out(v, names) for v in part.contracts.rows],
                        cursors=part.contracts.cursors,
                        page_info=_page_info(part.contracts, request.contract_page.after),
                        total_count=part.contracts.total_count,
                    )
                )
            if part.claims is not None:
                out.claims.CopyFrom(_claims_page(part.claims, names, request.claim_page.after))
            if extra.quotes is not None:
                out.quotes.CopyFrom(
                    contracts_pb2.QuotePage(
                        quotes=[_quote_out(v, names) for v in extra.quotes.rows],
                        cursors=extra.quotes.cursors,
                        page_info=_page_info(extra.quotes, request.quote_page.after),
                        total_count=extra.quotes.total_count,
                    )
                )
            if extra.complaints is not None:
                out.complaints.CopyFrom(
                    _complaints_page(extra.complaints, names, request.complaint_page.after)
                )
            if extra.fleet is not None:
                out.fleet.CopyFrom(_fleet_out(extra.fleet, names, request.vehicle_page.after))
        return response

    async def GetContract(
        self, request: contracts_pb2.GetContractRequest, context: Context
    ) -> contracts_pb2.Contract:
        view, names = await service.get_contract(
            repo=self._repo,
            caller=current_caller(),
            contract_id=request.id,
            notice_received_on=request.notice_received_on,
        )
        return _contract_out(view, names)

    async def CreateContract(
        self, request: contracts_pb2.CreateContractRequest, context: Context
    ) -> contracts_pb2.Contract:
        contract = await service.create_contract(
            repo=self._repo,
            caller=current_caller(),
            data=contract_input_to_doc(request.contract),
        )
        return await self._read_back(contract["id"])

    async def UpdateContract(
        self, request: contracts_pb2.UpdateContractRequest, context: Context
    ) -> contracts_pb2.Contract:
        contract = await service.update_contract(
            repo=self._repo,
            caller=current_caller(),
            contract_id=request.id,
            version=request.version,
            changes=contract_input_to_doc(request.contract),
            paths=list(request.update_mask.paths),
        )
        return await self._read_back(contract["id"])

    async def RenewContract(
        self, request: contracts_pb2.RenewContractRequest, context: Context
    ) -> contracts_pb2.Contract:
        contract = await service.renew_contract(
            repo=self._repo,
            caller=current_caller(),
            contract_id=request.id,
            version=request.version,
            next_due_date=request.next_due_date,
        )
        return await self._read_back(contract["id"])

    async def TerminateContract(
        self, request: contracts_pb2.TerminateContractRequest, context: Context
    ) -> contracts_pb2.Contract:
        contract = await service.terminate_contract(
            repo=self._repo,
            caller=current_caller(),
            contract_id=request.id,
            version=request.version,
            termination_date=request.termination_date,
            reason=TERMINATION_REASONS.to_word(request.reason),
        )
        return await self._read_back(contract["id"])

    async def RequestTermination(
        self, request: contracts_pb2.RequestTerminationRequest, context: Context
    ) -> contracts_pb2.Contract:
        contract = await service.request_termination(
            repo=self._repo,
            caller=current_caller(),
            contract_id=request.id,
            version=request.version,
            received_on=request.received_on,
            rule=TERMINATION_RULES.to_word(request.rule),
            end_date=request.end_date,
        )
        return await self._read_back(contract["id"])

    async def _read_back(self, contract_id: str) -> contracts_pb2.Contract:
        """A written contract as a read shows it: markers, rights and names."""
        view, names = await service.get_contract(
            repo=self._repo, caller=current_caller(), contract_id=contract_id
        )
        return _contract_out(view, names)

    async def GetClaim(
        self, request: contracts_pb2.GetClaimRequest, context: Context
    ) -> contracts_pb2.Claim:
        claim, names = await claims.get_claim(
            repo=self._repo, caller=current_caller(), claim_id=request.id
        )
        return claim_to_proto(claim, names=names)

    async def DeclareClaim(
        self, request: contracts_pb2.DeclareClaimRequest, context: Context
    ) -> contracts_pb2.Claim:
        claim = await claims.declare_claim(
            repo=self._repo, caller=current_caller(), data=claim_input_to_doc(request.claim)
        )
        return await self._claim_back(claim)

    async def UpdateClaim(
        self, request: contracts_pb2.UpdateClaimRequest, context: Context
    ) -> contracts_pb2.Claim:
        claim = await claims.update_claim(
            repo=self._repo,
            caller=current_caller(),
            claim_id=request.id,
            version=request.version,
            changes=claim_input_to_doc(request.claim),
            paths=list(request.update_mask.paths),
        )
        return await self._claim_back(claim)

    async def ChangeClaimStatus(
        self, request: contracts_pb2.ChangeClaimStatusRequest, context: Context
    ) -> contracts_pb2.Claim:
        claim = await claims.change_claim_status(
            repo=self._repo,
            caller=current_caller(),
            claim_id=request.id,
            version=request.version,
            status=CLAIM_STATUSES.to_word(request.status),
            note=request.note,
        )
        return await self._claim_back(claim)

    async def _claim_back(self, claim: Claim) -> contracts_pb2.Claim:
        ids = [p.get("client_id", "") for p in claim.get("participants", [])]
        names = await self._repo.client_names(current_caller().tenant_id, ids)
        return claim_to_proto(claim, names=names)

    # Complaints

    async def GetComplaint(
        self, request: contracts_pb2.GetComplaintRequest, context: Context
    ) -> contracts_pb2.Complaint:
        view, names = await complaints.get_complaint(
            repo=self._repo, caller=current_caller(), complaint_id=request.id
        )
        return _complaint_out(view, names)

    async def _complaint_back(self, complaint_id: str) -> contracts_pb2.Complaint:
        view, names = await complaints.get_complaint(
            repo=self._repo, caller=current_caller(), complaint_id=complaint_id
        )
        return _complaint_out(view, names)

    async def RecordComplaint(
        self, request: contracts_pb2.RecordComplaintRequest, context: Context
    ) -> contracts_pb2.Complaint:
        complaint = await complaints.record_complaint(
            repo=self._repo,
            caller=current_caller(),
            data=complaint_input_to_doc(request.complaint),
        )
        return await self._complaint_back(complaint["id"])

    async def AcknowledgeComplaint(
        self, request: contracts_pb2.AcknowledgeComplaintRequest, context: Context
    ) -> contracts_pb2.Complaint:
        complaint = await complaints.acknowledge_complaint(
            repo=self._repo,
            caller=current_caller(),
            complaint_id=request.id,
            version=request.version,
            on=request.acknowledged_on,
        )
        return await self._complaint_back(complaint["id"])

    async def AnswerComplaint(
        self, request: contracts_pb2.AnswerComplaintRequest, context: Context
    ) -> contracts_pb2.Complaint:
        complaint = await complaints.answer_complaint(
            repo=self._repo,
            caller=current_caller(),
            complaint_id=request.id,
            version=request.version,
            outcome=COMPLAINT_OUTCOMES.to_word(request.outcome),
            mediator=request.mediator,
            summary=request.answer_summary,
            on=request.answered_on,
        )
        return await self._complaint_back(complaint["id"])

    async def CloseComplaint(
        self, request: contracts_pb2.CloseComplaintRequest, context: Context
    ) -> contracts_pb2.Complaint:
        complaint = await complaints.close_complaint(
            repo=self._repo,
            caller=current_caller(),
            complaint_id=request.id,
            version=request.version,
            on=request.closed_on,
        )
        return await self._complaint_back(complaint["id"])

    async def ListComplaints(
        self, request: contracts_pb2.ListComplaintsRequest, context: Context
    ) -> contracts_pb2.ComplaintPage:
        wanted = request.filter
        page, names = await complaints.list_complaints(
            repo=self._repo,
            caller=current_caller(),
            wanted=complaints.ComplaintFilter(
                statuses=_words(wanted.statuses, COMPLAINT_STATUSES, "filter.statuses"),
                overdue_only=wanted.overdue_only,
                open_only=wanted.open_only,
            ),
            page=service.PageAsk(request.page.first, request.page.after),
        )
        return _complaints_page(page, names, request.page.after)

    # Quotes

    async def GetQuote(
        self, request: contracts_pb2.GetQuoteRequest, context: Context
    ) -> contracts_pb2.Quote:
        view, names = await quotes.get_quote(
            repo=self._repo, caller=current_caller(), quote_id=request.id
        )
        return _quote_out(view, names)

    async def _quote_back(self, quote_id: str) -> contracts_pb2.Quote:
        view, names = await quotes.get_quote(
            repo=self._repo, caller=current_caller(), quote_id=quote_id
        )
        return _quote_out(view, names)

    async def CreateQuote(
        self, request: contracts_pb2.CreateQuoteRequest, context: Context
    ) -> contracts_pb2.Quote:
        quote = await quotes.create_quote(
            repo=self._repo, caller=current_caller(), data=quote_input_to_doc(request.quote)
        )
        return await self._quote_back(quote["id"])

    async def UpdateQuote(
        self, request: contracts_pb2.UpdateQuoteRequest, context: Context
    ) -> contracts_pb2.Quote:
        quote = await quotes.update_quote(
            repo=self._repo,
            caller=current_caller(),
            quote_id=request.id,
            version=request.version,
            changes=quote_input_to_doc(request.quote),
            paths=list(request.update_mask.paths),
        )
        return await self._quote_back(quote["id"])

    async def SendQuote(
        self, request: contracts_pb2.SendQuoteRequest, context: Context
    ) -> contracts_pb2.Quote:
        quote = await quotes.send_quote(
            repo=self._repo,
            caller=current_caller(),
            quote_id=request.id,
            version=request.version,
            sent_on=request.sent_on,
        )
        return await self._quote_back(quote["id"])

    async def AcceptQuote(
        self, request: contracts_pb2.AcceptQuoteRequest, context: Context
    ) -> contracts_pb2.AcceptQuoteResponse:
        quote, contract = await quotes.accept_quote(
            repo=self._repo,
            caller=current_caller(),
            quote_id=request.id,
            version=request.version,
            effective_date=request.effective_date,
            due_date=request.due_date,
            policy_number=request.policy_number,
        )
        return contracts_pb2.AcceptQuoteResponse(
            quote=await self._quote_back(quote["id"]),
            contract=await self._read_back(contract["id"]),
        )

    async def RefuseQuote(
        self, request: contracts_pb2.RefuseQuoteRequest, context: Context
    ) -> contracts_pb2.Quote:
        quote = await quotes.refuse_quote(
            repo=self._repo,
            caller=current_caller(),
            quote_id=request.id,
            version=request.version,
            reason=request.reason,
        )
        return await self._quote_back(quote["id"])

    # Fleet

    async def _vehicle_out(self, vehicle: Vehicle, today: date) -> contracts_pb2.Vehicle:
        names = await self._repo.client_names(
            current_caller().tenant_id, [vehicle.get("driver_client_id", "")]
        )
        return vehicle_to_proto(vehicle, on_cover=fleet.on_cover(vehicle, today), names=names)

    async def AddVehicle(
        self, request: contracts_pb2.AddVehicleRequest, context: Context
    ) -> contracts_pb2.Vehicle:
        vehicle, today = await fleet.add_vehicle(
            repo=self._repo, caller=current_caller(), data=vehicle_input_to_doc(request.vehicle)
        )
        return await self._vehicle_out(vehicle, today)

    async def RemoveVehicle(
        self, request: contracts_pb2.RemoveVehicleRequest, context: Context
    ) -> contracts_pb2.Vehicle:
        vehicle, today = await fleet.remove_vehicle(
            repo=self._repo,
            caller=current_caller(),
            vehicle_id=request.id,
            version=request.version,
            exit_date=request.exit_date,
        )
        return await self._vehicle_out(vehicle, today)

    async def GetContractSettings(
        self, request: contracts_pb2.GetContractSettingsRequest, context: Context
    ) -> contracts_pb2.ContractSettings:
        settings = await service.get_settings(repo=self._repo, caller=current_caller())
        return settings_to_proto(settings)

    async def UpdateContractSettings(
        self, request: contracts_pb2.UpdateContractSettingsRequest, context: Context
    ) -> contracts_pb2.ContractSettings:
        settings = await service.update_settings(
            repo=self._repo,
            caller=current_caller(),
            version=request.version,
            changes={
                "renewal_window_days": request.settings.renewal_window_days,
                "timezone": request.settings.timezone,
                "holiday_subdivision": request.settings.holiday_subdivision.strip().upper(),
            },
            paths=list(request.update_mask.paths),
        )
        return settings_to_proto(settings)
