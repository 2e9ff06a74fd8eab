"""The contracts section of the gateway in process, over a contracts client that answers from
memory and records its calls: what a query's selection asks of the service, the role rule that
nulls the section, the inputs as the service receives them, and the live event fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import pytest
from strawberry.types import ExecutionResult

from client360.common.v1 import common_pb2
from client360.contracts.v1 import contracts_pb2 as pb
from gateway.context import RequestContext
from gateway.live import LiveEvent
from gateway.planner import Planner
from gateway.sections import SECTIONS
from gateway.sections.contracts import ContractsEventFields
from runtime.caller import Caller
from tests.gateway.recording import SCHEMA, RecordingClients, record

ADVISOR = Caller("agency", "alice", "advisor")
TECHNICIAN = Caller("agency", "theo", "technician")


def _contract(contract_id: str, client_id: str) -> pb.Contract:
    return pb.Contract(
        id=contract_id,
        reference=f"CT-{contract_id}",
        insurer="AXA France",
        product="Auto",
        branch=pb.BRANCH_MOTOR,
        status=pb.CONTRACT_STATUS_IN_FORCE,
        effective_date="2020-01-01",
        due_date="2027-01-01",
        premium=common_pb2.Money(amount_minor=61_240, currency="EUR"),
        participants=[
            pb.Participant(
                client_id=client_id,
                roles=[pb.PARTICIPANT_ROLE_POLICYHOLDER, pb.PARTICIPANT_ROLE_DRIVER],
                client_name="Léa",
            ),
            pb.Participant(
                client_id="heir", roles=[pb.PARTICIPANT_ROLE_BENEFICIARY], share_percent=50.0
            ),
        ],
        markers=pb.ContractMarkers(renewal_state=pb.RENEWAL_STATE_TO_RENEW, days_to_due_date=30),
        termination_request=pb.TerminationRequest(
            received_on="2026-11-01", rule=pb.TERMINATION_RULE_ANNUAL, end_date="2027-01-01"
        ),
        termination_rights=pb.TerminationRights(
            received_on="2026-11-25",
            best_rule=pb.TERMINATION_RULE_HAMON,
            earliest_end_date="2026-12-25",
            rules=[pb.TerminationRight(rule=pb.TERMINATION_RULE_HAMON, available=True)],
        ),
    )


def _claim(claim_id: str) -> pb.Claim:
    return pb.Claim(
        id=claim_id,
        reference=f"SI-{claim_id}",
        contract_id="k1",
        status=pb.CLAIM_STATUS_DECLARED,
        loss_date="2026-11-20",
        reported_date="2026-11-21",
        paid_amount=common_pb2.Money(amount_minor=125_000, currency="EUR"),
        history=[pb.ClaimStatusChange(status=pb.CLAIM_STATUS_DECLARED, by="alice")],
        open=True,
    )


class FakeContracts:
    """The calls the section makes, answered from memory."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, Any]] = []

    async def batch_get_client_contracts(
        self, caller: Caller, request: pb.BatchGetClientContractsRequest
    ) -> pb.BatchGetClientContractsResponse:
        self.requests.append(("BatchGetClientContracts", request))
        response = pb.BatchGetClientContractsResponse(today="2026-11-25")
        for client_id in request.client_ids:
            part = response.clients.add(client_id=client_id, open_claims_count=1)
            part.contracts.contracts.append(_contract(f"k-{client_id}", client_id))
            part.contracts.cursors.append(f"cursor-{client_id}")
            part.contracts.total_count = 1
            if request.with_claims:
                part.claims.claims.append(_claim(f"s-{client_id}"))
                part.claims.cursors.append("c")
                part.claims.total_count = 1
            if request.with_quotes:
                part.quotes.quotes.append(
                    pb.Quote(id=f"q-{client_id}", status=pb.QUOTE_STATUS_EXPIRED)
                )
                part.quotes.cursors.append("q")
            if request.with_complaints:
                part.complaints.complaints.append(
                    pb.Complaint(
                        id=f"r-{client_id}",
                        status=pb.COMPLAINT_STATUS_RECEIVED,
                        clock=pb.ComplaintClock(overdue=True, acknowledgement_due="2026-11-20"),
                    )
                )
                part.complaints.cursors.append("r")
                part.overdue_complaints_count = 1
            # Only "a" takes part in a fleet contract.
            if request.with_fleet and client_id == "a":
                part.fleet.contract_ids.append("k-fleet")
                part.fleet.vehicles.vehicles.append(
                    pb.Vehicle(id="v1", registration="AB-123-CD", on_cover=True)
                )
                part.fleet.vehicles.cursors.append("v")
                part.fleet.vehicles_on_cover = 1
        return response

    async def _answer(self, method: str, *args: Any) -> Any:
        self.requests.append((method, args))
        if method in ("DeclareClaim", "UpdateClaim", "ChangeClaimStatus", "GetClaim"):
            return _claim("s1")
        if method in ("GetSettings", "UpdateSettings"):
            return pb.ContractSettings(renewal_window_days=45, timezone="Europe/Paris", version=2)
        return _contract("k1", "a")

    async def get_contract(self, caller: Caller, *args: Any) -> Any:
        return await self._answer("GetContract", *args)

    async def create_contract(self, caller: Caller, *args: Any) -> Any:
        return await self._answer("CreateContract", *args)

    async def update_contract(self, caller: Caller, *args: Any) -> Any:
        return await self._answer("UpdateContract", *args)

    async def renew_contract(self, caller: Caller, *args: Any) -> Any:
        return await self._answer("RenewContract", *args)

    async def terminate_contract(self, caller: Caller, *args: Any) -> Any:
        return await self._answer("TerminateContract", *args)

    async def request_termination(self, caller: Caller, *args: Any, **kwargs: Any) -> Any:
        return await self._answer("RequestTermination", *args, kwargs)

    async def get_claim(self, caller: Caller, *args: Any) -> Any:
        return await self._answer("GetClaim", *args)

    async def declare_claim(self, caller: Caller, *args: Any) -> Any:
        return await self._answer("DeclareClaim", *args)

    async def update_claim(self, caller: Caller, *args: Any) -> Any:
        return await self._answer("UpdateClaim", *args)

    async def change_claim_status(self, caller: Caller, *args: Any) -> Any:
        return await self._answer("ChangeClaimStatus", *args)

    async def get_settings(self, caller: Caller) -> Any:
        return await self._answer("GetSettings")

    async def update_settings(self, caller: Caller, *args: Any) -> Any:
        return await self._answer("UpdateSettings", *args)


def _clients(ids: Sequence[str] = ("a", "b")) -> tuple[RecordingClients, FakeContracts]:
    clients = RecordingClients([record(i) for i in ids])
    fake = FakeContracts()
    clients.contracts = fake  # type: ignore[attr-defined]
    return clients, fake


async def _execute(
    clients: RecordingClients,
    query: str,
    variables: Mapping[str, Any] | None = None,
    caller: Caller = ADVISOR,
) -> ExecutionResult:
    context = RequestContext(
        caller=caller,
        clients=cast(Any, clients),
        live=cast(Any, None),
        planner=Planner(SECTIONS),
        files=cast(Any, None),
    )
    return await SCHEMA.execute(query, variable_values=dict(variables or {}), context_value=context)


PAGE = """
query($states: [RenewalState!], $first: Int) {
  clients(first: 10) { edges { node { id
    contracts(renewalStates: $states, first: $first, statuses: [IN_FORCE], branches: [MOTOR]) {
      today openClaimsCount totalCount pageInfo { endCursor hasNextPage }
      edges { cursor node {
        id branch status premium { amount currency }
        participants { clientId clientName roles sharePercent }
        markers { renewalState daysToDueDate }
        terminationRequest { rule receivedOn recordedAt }
        terminationRights { bestRule earliestEndDate rules { rule available } }
      } }
      claims(first: 3, openOnly: true, statuses: [DECLARED]) {
        totalCount nodes { id status paidAmount { amount } assessedAmount { amount }
          history { status by at } }
        edges { cursor }
      }
    }
  } } }
}
"""


async def test_a_page_asks_the_service_once_with_what_the_query_selects() -> None:
    clients, fake = _clients()
    result = await _execute(clients, PAGE, {"states": ["TO_RENEW"], "first": 5})
    assert not result.errors, result.errors
    assert result.data is not None
    (call,) = fake.requests
    _, request = call
    assert list(request.client_ids) == ["a", "b"]
    assert request.with_contracts
    assert request.with_claims
    assert request.with_termination_rights
    assert request.contract_page.first == 5
    assert list(request.contract_filter.renewal_states) == [pb.RENEWAL_STATE_TO_RENEW]
    assert list(request.contract_filter.statuses) == [pb.CONTRACT_STATUS_IN_FORCE]
    assert list(request.contract_filter.branches) == [pb.BRANCH_MOTOR]
    assert (request.claim_page.first, request.claim_filter.open_only) == (3, True)
    assert list(request.claim_filter.statuses) == [pb.CLAIM_STATUS_DECLARED]
    section = result.data["clients"]["edges"][0]["node"]["contracts"]
    assert section["today"] == "2026-11-25"
    contract = section["edges"][0]["node"]
    assert contract["premium"] == {"amount": "612.40", "currency": "EUR"}
    assert contract["participants"] == [
        {
            "clientId": "a",
            "clientName": "Léa",
            "roles": ["POLICYHOLDER", "DRIVER"],
            "sharePercent": None,
        },
        {"clientId": "heir", "clientName": None, "roles": ["BENEFICIARY"], "sharePercent": 50.0},
    ]
    assert contract["markers"] == {"renewalState": "TO_RENEW", "daysToDueDate": 30}
    assert contract["terminationRequest"]["rule"] == "ANNUAL"
    assert contract["terminationRights"]["bestRule"] == "HAMON"
    claims = section["claims"]
    assert claims["nodes"][0]["paidAmount"] == {"amount": "1250.00"}
    assert claims["nodes"][0]["assessedAmount"] is None


async def test_the_counter_alone_reads_no_contracts_nor_claims() -> None:
    clients, fake = _clients()
    result = await _execute(
        clients, "{ clients(first: 10) { edges { node { contracts { openClaimsCount } } } } }"
    )
    assert not result.errors, result.errors
    ((_, request),) = fake.requests
    assert not request.with_contracts
    assert not request.with_claims
    assert not request.with_termination_rights


async def test_technicians_get_a_null_section_without_a_call_nor_an_error() -> None:
    clients, fake = _clients()
    result = await _execute(
        clients,
        "{ clients(first: 10) { edges { node { id contracts { openClaimsCount } } } } }",
        caller=TECHNICIAN,
    )
    assert not result.errors
    assert result.data is not None
    assert [e["node"]["contracts"] for e in result.data["clients"]["edges"]] == [None, None]
    assert fake.requests == []


async def test_claims_asked_twice_differently_in_one_file_are_refused_on_the_second() -> None:
    clients, _ = _clients(("a",))
    result = await _execute(
        clients,
        """{ client(id: "a") { contracts {
             open: claims(openOnly: true) { totalCount }
             all: claims { totalCount } } } }""",
    )
    assert result.errors is not None
    assert [e.path for e in result.errors] == [["client", "contracts", "all"]]
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"


CREATE = """
mutation($input: ContractInput!) { createContract(input: $input) { id reference } }
"""


async def test_a_new_contract_reaches_the_service_as_typed_once_its_clients_are_known() -> None:
    clients, fake = _clients(("a", "b"))
    result = await _execute(
        clients,
        CREATE,
        {
            "input": {
                "insurer": "AXA",
                "product": "Auto",
                "branch": "MOTOR",
                "premium": {"amount": "612.4", "currency": "eur"},
                "participants": [
                    {"clientId": "a", "roles": ["POLICYHOLDER", "PAYER"]},
                    {"clientId": "b", "roles": ["BENEFICIARY"], "sharePercent": 25.5},
                ],
                "partnerIds": ["insurer-axa"],
            }
        },
    )
    assert not result.errors, result.errors
    (method, (message,)) = fake.requests[-1]
    assert method == "CreateContract"
    assert (message.premium.amount_minor, message.premium.currency) == (61_240, "EUR")
    assert list(message.participants[0].roles) == [
        pb.PARTICIPANT_ROLE_POLICYHOLDER,
        pb.PARTICIPANT_ROLE_PAYER,
    ]
    assert message.participants[1].share_percent == 25.5
    assert not message.participants[0].HasField("share_percent")
    assert list(message.partner_ids) == ["insurer-axa"]
    assert clients.count("BatchGetClients") == 1


@pytest.mark.parametrize(
    ("amount", "rule"),
    [
        ("12.345", "EUR amounts have at most 2 decimals"),
        ("douze", "not a decimal amount"),
    ],
)
async def test_an_amount_the_currency_cannot_hold_is_refused(amount: str, rule: str) -> None:
    clients, fake = _clients()
    result = await _execute(
        clients,
        CREATE,
        {"input": {"insurer": "AXA", "premium": {"amount": amount, "currency": "EUR"}}},
    )
    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["violations"] == [{"field": "premium", "rule": rule}]
    assert fake.requests == []


async def test_every_mutation_and_query_calls_the_service_once() -> None:
    clients, fake = _clients(("a", "b"))
    documents: list[tuple[str, dict[str, Any]]] = [
        ('mutation { updateContract(id: "k1", version: 1, input: {statusLabel: "x"}) { id } }', {}),
        ('mutation { renewContract(id: "k1", version: 1, nextDueDate: "2028-01-01") { id } }', {}),
        (
            'mutation { terminateContract(id: "k1", version: 1, terminationDate: "2026-12-01", '
            "reason: DEATH) { id } }",
            {},
        ),
        ('mutation { requestTermination(id: "k1", version: 1, rule: HAMON) { id } }', {}),
        (
            'mutation { declareClaim(input: {contractId: "k1", type: FIRE, lossDate: '
            '"2026-11-20", paidAmount: {amount: "10", currency: "EUR"}, participants: '
            '[{clientId: "b", roles: [WITNESS]}]}) { id } }',
            {},
        ),
        ('mutation { updateClaim(id: "s1", version: 1, input: {description: "x"}) { id } }', {}),
        ('mutation { changeClaimStatus(id: "s1", version: 1, status: CLOSED) { id } }', {}),
        ("mutation { updateContractSettings(version: 1, renewalWindowDays: 45) { version } }", {}),
        ('query { contract(id: "k1", noticeReceivedOn: "2026-11-01") { id } }', {}),
        ('query { claim(id: "s1") { id history { at } } }', {}),
        ("query { contractSettings { renewalWindowDays timezone version } }", {}),
    ]
    for document, variables in documents:
        result = await _execute(clients, document, variables)
        assert not result.errors, (document, result.errors)
    assert [method for method, _ in fake.requests] == [
        "UpdateContract",
        "RenewContract",
        "TerminateContract",
        "RequestTermination",
        "DeclareClaim",
        "UpdateClaim",
        "ChangeClaimStatus",
        "UpdateSettings",
        "GetContract",
        "GetClaim",
        "GetSettings",
    ]
    _, (message, paths) = fake.requests[0][0], fake.requests[0][1][2:]
    assert (message.status_label, paths) == ("x", ["status_label"])
    declared = fake.requests[4][1][0]
    assert declared.paid_amount.amount_minor == 1000
    assert list(declared.participants[0].roles) == [pb.CLAIM_ROLE_WITNESS]
    settings_paths = fake.requests[7][1][2]
    assert settings_paths == ["renewal_window_days"]


async def test_unknown_participants_are_refused_before_the_service_is_called() -> None:
    clients, fake = _clients(("a",))
    result = await _execute(
        clients,
        CREATE,
        {
            "input": {
                "participants": [
                    {"clientId": "a", "roles": ["POLICYHOLDER"]},
                    {"clientId": "ghost", "roles": ["DRIVER"]},
                ]
            }
        },
    )
    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["violations"] == [
        {"field": "participants[1].clientId", "rule": "no such client"}
    ]
    assert fake.requests == []
    empty = await _execute(clients, "mutation { updateContractSettings(version: 0) { version } }")
    assert empty.errors is not None
    assert empty.errors[0].extensions is not None
    assert [v["field"] for v in empty.errors[0].extensions["violations"]] == [
        "renewalWindowDays",
        "timezone",
        "holidaySubdivision",
    ]


def _live(payload: Any) -> LiveEvent:
    return LiveEvent("e1", "t", "agency", "a", "alice", None, payload)


def test_live_events_show_their_contract_or_claim() -> None:
    contract_event = _live(pb.ContractCreated(contract=_contract("k1", "a")))
    claim_event = _live(pb.ClaimClosed(claim=_claim("s1")))
    fields = ContractsEventFields
    assert cast(Any, fields.contract)(contract_event).id == "k1"
    assert cast(Any, fields.contract)(claim_event) is None
    assert cast(Any, fields.claim)(claim_event).id == "s1"
    assert cast(Any, fields.claim)(contract_event) is None


MORE = """
{
  clients(first: 10) { edges { node { id
    contracts {
      overdueComplaintsCount
      quotes(first: 3, statuses: [EXPIRED]) { nodes { id status } }
      complaints(overdueOnly: true) { nodes { id status clock { overdue acknowledgementDue } } }
      fleet(first: 7, includeExited: true) {
        contractIds vehiclesOnCover vehicles { nodes { registration onCover } }
      }
    }
  } } }
}
"""


async def test_quotes_complaints_and_the_fleet_tab_come_in_the_same_one_call() -> None:
    clients, fake = _clients()
    result = await _execute(clients, MORE)
    assert not result.errors, result.errors
    (call,) = fake.requests
    _, request = call
    assert not request.with_contracts
    assert (request.with_quotes, request.quote_page.first) == (True, 3)
    assert list(request.quote_filter.statuses) == [pb.QUOTE_STATUS_EXPIRED]
    assert request.with_complaints
    assert request.complaint_filter.overdue_only
    assert (request.with_fleet, request.vehicle_page.first) == (True, 7)
    assert request.include_exited_vehicles
    assert result.data is not None
    files = {e["node"]["id"]: e["node"]["contracts"] for e in result.data["clients"]["edges"]}
    assert files["a"]["fleet"] == {
        "contractIds": ["k-fleet"],
        "vehiclesOnCover": 1,
        "vehicles": {"nodes": [{"registration": "AB-123-CD", "onCover": True}]},
    }
    # No fleet contract: no fleet tab.
    assert files["b"]["fleet"] is None
    assert files["b"]["quotes"]["nodes"] == [{"id": "q-b", "status": "EXPIRED"}]
    assert files["b"]["complaints"]["nodes"][0]["clock"] == {
        "overdue": True,
        "acknowledgementDue": "2026-11-20",
    }
    assert files["b"]["overdueComplaintsCount"] == 1


async def test_the_overdue_count_alone_reads_the_complaints_and_nothing_else() -> None:
    clients, fake = _clients()
    query = "{ clients(first: 10) { edges { node { contracts { overdueComplaintsCount } } } } }"
    result = await _execute(clients, query)
    assert not result.errors, result.errors
    (call,) = fake.requests
    _, request = call
    assert request.with_complaints
    assert (request.with_contracts, request.with_quotes, request.with_fleet) == (
        False,
        False,
        False,
    )


async def test_technicians_get_no_quotes_complaints_nor_fleet() -> None:
    clients, fake = _clients()
    result = await _execute(clients, MORE, caller=TECHNICIAN)
    assert not result.errors, result.errors
    assert result.data is not None
    assert all(e["node"]["contracts"] is None for e in result.data["clients"]["edges"])
    assert fake.requests == []
