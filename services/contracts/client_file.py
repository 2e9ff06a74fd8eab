"""The whole contracts section of a page of client files in one read: the contracts and claims
of service.client_contracts, and beside them each client's quotes, complaints (with their
ACPR clock and the open and overdue counts) and fleet tab, each read for all the clients at
once, within what the caller's role may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from runtime.caller import Caller
from runtime.errors import FieldViolation
from runtime.kit.paging import Page, page_size
from runtime.kit.validators import reject_invalid
from services.contracts import access, service
from services.contracts.complaints import (
    COMPLAINTS_LISTING,
    ComplaintFilter,
    ComplaintView,
    clock_of,
    complaints_page,
    is_open,
    shown,
)
from services.contracts.fleet import (
    VEHICLES_LISTING,
    FleetView,
    VehicleView,
    is_fleet,
    on_cover,
    vehicles_page,
)
from services.contracts.quotes import QUOTES_LISTING, QuoteView, quotes_page, status_today
from services.contracts.repository import ContractsRepository

_FIRST_PAGE = service.PageAsk()
_EVERY_COMPLAINT = ComplaintFilter()


@dataclass(frozen=True, slots=True)
class ClientParts:
    quotes: Page[QuoteView] | None = None
    complaints: Page[ComplaintView] | None = None
    open_complaints: int = 0
    overdue_complaints: int = 0
    fleet: FleetView | None = None


@dataclass(frozen=True, slots=True)
class ClientFile:
    contracts: service.ContractsFile
    parts: dict[str, ClientParts]
    names: dict[str, str] = field(default_factory=dict)


def _size(ask: service.PageAsk, name: str) -> int:
    return page_size(
        ask.first, default=service.DEFAULT_PAGE, maximum=service.MAX_PAGE, field=f"{name}.first"
    )


async def client_file(
    *,
    repo: ContractsRepository,
    caller: Caller,
    client_ids: Sequence[str],
    with_quotes: bool = False,
    quote_statuses: frozenset[str] = frozenset(),
    quote_page: service.PageAsk = _FIRST_PAGE,
    with_complaints: bool = False,
    complaint_filter: ComplaintFilter = _EVERY_COMPLAINT,
    complaint_page: service.PageAsk = _FIRST_PAGE,
    with_fleet: bool = False,
    vehicle_page: service.PageAsk = _FIRST_PAGE,
    include_exited_vehicles: bool = False,
    **contracts: Any,
) -> ClientFile:
    partner = access.partner_scope(caller)
    ids = list(dict.fromkeys(client_ids))
    reject_invalid(
        [
            FieldViolation(f"{name}.after", "only when one client is read")
            for ask, name in (
                (quote_page, "quotes"),
                (complaint_page, "complaints"),
                (vehicle_page, "fleet.vehicles"),
            )
            if ask.after and len(ids) != 1
        ]
    )
    sizes = {
        "quotes": _size(quote_page, "quotes"),
        "complaints": _size(complaint_page, "complaints"),
        "vehicles": _size(vehicle_page, "fleet.vehicles"),
    }
    afters = {
        "quotes": service.read_cursor(quote_page, listing=QUOTES_LISTING, field="quotes.after"),
        "complaints": service.read_cursor(
            complaint_page, listing=COMPLAINTS_LISTING, field="complaints.after"
        ),
        "vehicles": service.read_cursor(
            vehicle_page, listing=VEHICLES_LISTING, field="fleet.vehicles.after"
        ),
    }
    base = await service.client_contracts(repo=repo, caller=caller, client_ids=ids, **contracts)
    tenant, today = caller.tenant_id, base.today
    names = dict(base.names)

    quotes = await repo.quotes_of_clients(tenant, ids, partner_id=partner) if with_quotes else []
    quote_views = [QuoteView(q, status_today(q, today)) for q in quotes]
    complaints = (
        await repo.complaints_of_clients(tenant, ids, partner_id=partner)
        if with_complaints or partner is not None
        else []
    )
    complaint_views = [
        ComplaintView(c, clock_of(c, today, base.holiday_subdivision)) for c in complaints
    ]
    fleet_contracts = (
        [c for c in await repo.contracts_of_clients(tenant, ids, partner_id=partner) if is_fleet(c)]
        if with_fleet
        else []
    )
    vehicles = (
        await repo.vehicles_of_contracts(tenant, [c["id"] for c in fleet_contracts])
        if fleet_contracts
        else []
    )
    vehicle_views = [VehicleView(v, on_cover(v, today)) for v in vehicles]
    named = {p.get("client_id", "") for q in quotes for p in q.get("participants", [])}
    named |= {v.get("driver_client_id", "") for v in vehicles}
    named -= set(names)
    named.discard("")
    if named:
        names.update(await repo.client_names(tenant, sorted(named)))

    parts: dict[str, ClientParts] = {}
    for part in base.clients:
        client_id = part.client_id
        mine = [v for v in complaint_views if v.complaint.get("client_id") == client_id]
        open_count = (
            part.open_complaints
            if partner is None
            else sum(1 for v in mine if is_open(v.complaint))
        )
        fleet = None
        held = [
            c["id"] for c in fleet_contracts if service.takes_part(c, client_id, today, past=False)
        ]
        if with_fleet and held:
            rows = [
                v
                for v in vehicle_views
                if v.vehicle.get("contract_id") in held
                and (include_exited_vehicles or not v.vehicle.get("exit_date"))
            ]
            fleet = FleetView(
                contract_ids=held,
                vehicles=vehicles_page(rows, first=sizes["vehicles"], after=afters["vehicles"]),
                on_cover=sum(1 for v in rows if v.on_cover),
            )
        parts[client_id] = ClientParts(
            quotes=quotes_page(
                [
                    v
                    for v in quote_views
                    if client_id in v.quote.get("party_client_ids", [])
                    and (not quote_statuses or v.status in quote_statuses)
                ],
                first=sizes["quotes"],
                after=afters["quotes"],
            )
            if with_quotes
            else None,
            complaints=complaints_page(
                [v for v in mine if shown(v, complaint_filter)],
                first=sizes["complaints"],
                after=afters["complaints"],
                listing=COMPLAINTS_LISTING,
            )
            if with_complaints
            else None,
            open_complaints=open_count,
            overdue_complaints=sum(1 for v in mine if v.clock.overdue),
            fleet=fleet,
        )
    return ClientFile(base, parts, names)
