"""Quotes and the fleet tab in process, on a real SQLite store: a quote's status path, EXPIRED
computed at read time at its boundary, acceptance creating the contract with its participants
in the same transaction; a fleet tab only for a client in a fleet contract, vehicles with
their registration checked and their entry and exit dates; the roles, tenant isolation and
the events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from client360.contracts.v1 import contracts_pb2
from runtime.contracts import decode_payload, payload_types
from runtime.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from runtime.store.sqlite import SqliteStore
from services.contracts import client_file, fleet, quotes, service
from services.contracts.dates import add_years
from services.contracts.models import (
    BRANCHES,
    COLLECTIONS,
    QUOTES,
    VEHICLE_USAGES,
    VEHICLES,
    QuoteInput,
    VehicleInput,
)
from services.contracts.repository import ContractsRepository
from tests.contracts.fixtures import (
    ADVISOR,
    OTHER_ADVISOR,
    PARTNER,
    TECHNICIAN,
    TENANT,
    contract_input,
    day,
    holder,
    outbox,
    today,
)

PAYLOADS = payload_types(
    contracts_pb2.QuoteCreated,
    contracts_pb2.QuoteUpdated,
    contracts_pb2.QuoteSent,
    contracts_pb2.QuoteAccepted,
    contracts_pb2.QuoteRefused,
    contracts_pb2.ContractCreated,
    contracts_pb2.VehicleAdded,
    contracts_pb2.VehicleRemoved,
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "contracts.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> ContractsRepository:
    return ContractsRepository(store)


def quote_input(*participants: Any, **fields: Any) -> QuoteInput:
    data: QuoteInput = {
        "insurer": "MAAF",
        "product": "Habitation Confort",
        "branch": "home",
        "premium": {"amount_minor": 32_000, "currency": "EUR"},
        "payment_frequency": "monthly",
        "premium_collector": "insurer",
        "consumer": True,
        "tacit_renewal": True,
        "participants": list(participants) or [holder("client-1")],
        "partner_ids": ["insurer-axa"],
        "valid_until": day(30),
        "proposed_effective_date": "",
    }
    data.update(fields)  # type: ignore[typeddict-item]
    return data


def vehicle_input(contract_id: str, **fields: Any) -> VehicleInput:
    data: VehicleInput = {
        "contract_id": contract_id,
        "registration": "fg 512 hk",
        "vin": "VF1RFB00X56123456",
        "make": "Renault",
        "model": "Kangoo",
        "first_registration_date": "2021-03-02",
        "usage": "business",
        "driver_client_id": "",
        "entry_date": day(-100),
    }
    data.update(fields)  # type: ignore[typeddict-item]
    return data


def _events(found: list[Any]) -> list[tuple[str, str]]:
    return [
        (type(p).__name__, e.key)
        for e in found
        if isinstance(p := decode_payload(e, PAYLOADS), tuple(PAYLOADS.values()))
    ]


# Quotes


async def test_accepting_a_quote_creates_its_contract_with_the_quotes_participants(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    made = await quotes.create_quote(
        repo=repo,
        caller=ADVISOR,
        data=quote_input(holder("parent"), holder("child", "insured")),
    )
    assert (made["reference"], made["status"]) == ("DV000001", "draft")
    sent = await quotes.send_quote(repo=repo, caller=ADVISOR, quote_id=made["id"], version=1)
    assert (sent["status"], sent["sent_on"]) == ("sent", today().isoformat())
    accepted, contract = await quotes.accept_quote(
        repo=repo,
        caller=ADVISOR,
        quote_id=made["id"],
        version=2,
        effective_date=day(10),
        policy_number="MAAF-998",
    )
    assert (accepted["status"], accepted["contract_id"]) == ("accepted", contract["id"])
    assert contract["status"] == "quote_accepted"
    assert contract["quote_id"] == made["id"]
    assert (contract["effective_date"], contract["policy_number"]) == (day(10), "MAAF-998")
    # A year after the start when not given.
    assert contract["due_date"] == add_years(date.fromisoformat(day(10)), 1).isoformat()
    assert [p["client_id"] for p in contract["participants"]] == ["parent", "child"]
    assert contract["premium"] == {"amount_minor": 32_000, "currency": "EUR"}
    assert contract["reference"] == "CT000001"
    # On both files, with the contract it made.
    file = await client_file.client_file(
        repo=repo, caller=ADVISOR, client_ids=["parent", "child"], with_quotes=True
    )
    for client_id in ("parent", "child"):
        part = file.parts[client_id]
        assert part.quotes is not None
        assert [(v.quote["id"], v.status) for v in part.quotes.rows] == [(made["id"], "accepted")]
    assert _events(await outbox(store)) == [
        ("QuoteCreated", "parent"),
        ("QuoteCreated", "child"),
        ("QuoteSent", "parent"),
        ("QuoteSent", "child"),
        ("ContractCreated", "parent"),
        ("ContractCreated", "child"),
        ("QuoteAccepted", "parent"),
        ("QuoteAccepted", "child"),
    ]
    with pytest.raises(InvalidInput) as refused:
        await quotes.accept_quote(repo=repo, caller=ADVISOR, quote_id=made["id"], version=3)
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("id", "a ACCEPTED quote is not DRAFT or SENT")
    ]


@pytest.mark.parametrize(("valid_until", "status"), [(1, "draft"), (0, "draft"), (-1, "expired")])
async def test_a_quote_unanswered_after_its_validity_end_reads_expired(
    store: SqliteStore, repo: ContractsRepository, valid_until: int, status: str
) -> None:
    made = await quotes.create_quote(
        repo=repo, caller=ADVISOR, data=quote_input(valid_until=day(valid_until))
    )
    view, _ = await quotes.get_quote(repo=repo, caller=ADVISOR, quote_id=made["id"])
    assert view.status == status
    # Computed, never stored.
    assert view.quote["status"] == "draft"
    if status == "expired":
        for answer in (quotes.send_quote, quotes.accept_quote, quotes.refuse_quote):
            with pytest.raises(InvalidInput) as refused:
                await answer(repo=repo, caller=ADVISOR, quote_id=made["id"], version=1)
            assert [(v.field, v.rule) for v in refused.value.violations] == [
                ("id", f"the quote expired after {day(-1)}")
            ]
    else:
        accepted, _ = await quotes.accept_quote(
            repo=repo, caller=ADVISOR, quote_id=made["id"], version=1
        )
        assert accepted["status"] == "accepted"


async def test_a_refused_quote_makes_no_contract_and_bad_quotes_are_refused_whole(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    made = await quotes.create_quote(repo=repo, caller=ADVISOR, data=quote_input())
    refused_quote = await quotes.refuse_quote(
        repo=repo, caller=ADVISOR, quote_id=made["id"], version=1, reason="Trop cher"
    )
    assert (refused_quote["status"], refused_quote["refusal_reason"]) == ("refused", "Trop cher")
    with pytest.raises(InvalidInput):
        await quotes.send_quote(repo=repo, caller=ADVISOR, quote_id=made["id"], version=2)
    with pytest.raises(Conflict):
        await quotes.refuse_quote(repo=repo, caller=ADVISOR, quote_id=made["id"], version=1)
    with pytest.raises(InvalidInput) as refused:
        await quotes.create_quote(
            repo=repo,
            caller=ADVISOR,
            data=quote_input(
                holder("client-1", "insured"),
                insurer="",
                branch="boats",
                valid_until="",
                payment_frequency="",
            ),
        )
    assert sorted((v.field, v.rule) for v in refused.value.violations) == sorted(
        [
            ("insurer", "required"),
            ("branch", BRANCHES.check("boats", "branch")[0].rule),
            ("paymentFrequency", "required with a premium"),
            ("participants", "one of them must be the POLICYHOLDER"),
            ("validUntil", "required"),
        ]
    )
    assert await store.count(QUOTES, TENANT) == 1


async def test_quotes_follow_the_roles_and_the_agency(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    mine = await quotes.create_quote(repo=repo, caller=ADVISOR, data=quote_input())
    await quotes.create_quote(repo=repo, caller=ADVISOR, data=quote_input(partner_ids=[]))
    file = await client_file.client_file(
        repo=repo, caller=PARTNER, client_ids=["client-1"], with_quotes=True
    )
    part = file.parts["client-1"]
    assert part.quotes is not None
    assert [v.quote["id"] for v in part.quotes.rows] == [mine["id"]]
    with pytest.raises(PermissionDenied):
        await quotes.create_quote(repo=repo, caller=PARTNER, data=quote_input())
    with pytest.raises(PermissionDenied):
        await quotes.get_quote(repo=repo, caller=TECHNICIAN, quote_id=mine["id"])
    with pytest.raises(NotFound):
        await quotes.get_quote(repo=repo, caller=OTHER_ADVISOR, quote_id=mine["id"])
    with pytest.raises(NotFound):
        await quotes.accept_quote(repo=repo, caller=OTHER_ADVISOR, quote_id=mine["id"], version=1)


# Fleet


async def test_the_fleet_tab_shows_only_for_a_client_in_a_fleet_contract(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    await service.create_contract(repo=repo, caller=ADVISOR, data=contract_input())
    without = await client_file.client_file(
        repo=repo, caller=ADVISOR, client_ids=["client-1"], with_fleet=True
    )
    assert without.parts["client-1"].fleet is None
    contract = await service.create_contract(
        repo=repo,
        caller=ADVISOR,
        data=contract_input(holder("client-1"), holder("driver-1", "driver"), branch="fleet"),
    )
    with_fleet = await client_file.client_file(
        repo=repo, caller=ADVISOR, client_ids=["client-1", "client-2"], with_fleet=True
    )
    tab = with_fleet.parts["client-1"].fleet
    assert tab is not None
    assert tab.contract_ids == [contract["id"]]
    assert tab.vehicles.rows == []
    assert with_fleet.parts["client-2"].fleet is None


async def test_vehicles_come_and_go_on_a_fleet_contract(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    contract = await service.create_contract(
        repo=repo, caller=ADVISOR, data=contract_input(branch="fleet")
    )
    van, _ = await fleet.add_vehicle(repo=repo, caller=ADVISOR, data=vehicle_input(contract["id"]))
    assert van["registration"] == "FG-512-HK"
    later, _ = await fleet.add_vehicle(
        repo=repo,
        caller=ADVISOR,
        data=vehicle_input(contract["id"], registration="GH-001-AB", vin="", entry_date=day(5)),
    )
    with pytest.raises(InvalidInput) as refused:
        await fleet.add_vehicle(
            repo=repo, caller=ADVISOR, data=vehicle_input(contract["id"], entry_date=day(-10))
        )
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("registration", "already on this contract over those days")
    ]
    removed, _ = await fleet.remove_vehicle(
        repo=repo, caller=ADVISOR, vehicle_id=van["id"], version=1, exit_date=day(-1)
    )
    assert removed["exit_date"] == day(-1)
    with pytest.raises(InvalidInput):
        await fleet.remove_vehicle(repo=repo, caller=ADVISOR, vehicle_id=van["id"], version=2)
    # Back on the contract once it left.
    again, _ = await fleet.add_vehicle(
        repo=repo, caller=ADVISOR, data=vehicle_input(contract["id"], entry_date=day(0))
    )
    current = await client_file.client_file(
        repo=repo, caller=ADVISOR, client_ids=["client-1"], with_fleet=True
    )
    tab = current.parts["client-1"].fleet
    assert tab is not None
    assert [(v.vehicle["id"], v.on_cover) for v in tab.vehicles.rows] == [
        (again["id"], True),
        (later["id"], False),
    ]
    assert tab.on_cover == 1
    everything = await client_file.client_file(
        repo=repo,
        caller=ADVISOR,
        client_ids=["client-1"],
        with_fleet=True,
        include_exited_vehicles=True,
    )
    tab = everything.parts["client-1"].fleet
    assert tab is not None
    assert [v.vehicle["id"] for v in tab.vehicles.rows] == [van["id"], again["id"], later["id"]]
    assert _events(await outbox(store))[-4:] == [
        ("VehicleAdded", "client-1"),
        ("VehicleAdded", "client-1"),
        ("VehicleRemoved", "client-1"),
        ("VehicleAdded", "client-1"),
    ]


async def test_bad_vehicles_are_refused_whole(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    motor = await service.create_contract(repo=repo, caller=ADVISOR, data=contract_input())
    contract = await service.create_contract(
        repo=repo, caller=ADVISOR, data=contract_input(branch="fleet")
    )
    with pytest.raises(InvalidInput) as refused:
        await fleet.add_vehicle(
            repo=repo,
            caller=ADVISOR,
            data=vehicle_input(
                contract["id"],
                registration="OI-123-AB",
                vin="VF1RFB00X5612345I",
                make="",
                usage="racing",
                first_registration_date=day(3),
                entry_date="",
            ),
        )
    assert sorted((v.field, v.rule) for v in refused.value.violations) == sorted(
        [
            ("registration", "not a French registration in the SIV form AA-123-AA"),
            ("vin", "17 letters and digits, without I, O or Q"),
            ("make", "required"),
            ("usage", VEHICLE_USAGES.check("racing", "usage")[0].rule),
            ("firstRegistrationDate", "must not be in the future"),
            ("entryDate", "required"),
        ]
    )
    with pytest.raises(InvalidInput) as refused:
        await fleet.add_vehicle(repo=repo, caller=ADVISOR, data=vehicle_input(motor["id"]))
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("contractId", "not a fleet contract (branch FLEET)")
    ]
    with pytest.raises(InvalidInput) as refused:
        await fleet.add_vehicle(
            repo=repo, caller=ADVISOR, data=vehicle_input(contract["id"], entry_date=day(-900))
        )
    assert [v.field for v in refused.value.violations] == ["entryDate"]
    with pytest.raises(NotFound):
        await fleet.add_vehicle(repo=repo, caller=OTHER_ADVISOR, data=vehicle_input(contract["id"]))
    with pytest.raises(PermissionDenied):
        await fleet.add_vehicle(repo=repo, caller=PARTNER, data=vehicle_input(contract["id"]))
    assert await store.count(VEHICLES, TENANT) == 0


async def test_a_draft_or_sent_quote_changes_its_terms_and_its_files(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    made = await quotes.create_quote(repo=repo, caller=ADVISOR, data=quote_input())
    changed = await quotes.update_quote(
        repo=repo,
        caller=ADVISOR,
        quote_id=made["id"],
        version=1,
        changes={
            "premium": {"amount_minor": 29_900, "currency": "EUR"},
            "participants": [holder("client-2")],
        },
        paths=["premium", "participants"],
    )
    assert changed["premium"] == {"amount_minor": 29_900, "currency": "EUR"}
    assert changed["party_client_ids"] == ["client-2"]
    same = await quotes.update_quote(
        repo=repo,
        caller=ADVISOR,
        quote_id=made["id"],
        version=2,
        changes={"product": changed["product"]},
        paths=["product"],
    )
    assert same["version"] == 2
    with pytest.raises(InvalidInput) as refused:
        await quotes.update_quote(
            repo=repo,
            caller=ADVISOR,
            quote_id=made["id"],
            version=2,
            changes={"valid_until": "demain", "insurer": ""},
            paths=["valid_until", "insurer"],
        )
    assert sorted(v.field for v in refused.value.violations) == ["insurer", "validUntil"]
    await quotes.refuse_quote(repo=repo, caller=ADVISOR, quote_id=made["id"], version=2)
    with pytest.raises(InvalidInput):
        await quotes.update_quote(
            repo=repo,
            caller=ADVISOR,
            quote_id=made["id"],
            version=3,
            changes={"product": "X"},
            paths=["product"],
        )
    with pytest.raises(NotFound):
        await quotes.update_quote(
            repo=repo,
            caller=OTHER_ADVISOR,
            quote_id=made["id"],
            version=3,
            changes={"product": "X"},
            paths=["product"],
        )
    # The client taken off the quote hears of it once more.
    assert ("QuoteUpdated", "client-1") in _events(await outbox(store))
