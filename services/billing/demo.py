"""Demo data of the billing service: each demo client created by identity (its
c360.identity.client.created events, tenant C360_DEMO_TENANT, when C360_DEMO_DATA is on) gets
premium notices spread around today, paid in full, in part or not at all, so that every
status, age band and balance shows; one client in twelve also owes in Swiss francs. The demo
agency gets a seller profile, and one client in five a posted invoice (downloadable as
Factur-X) and a sent quote.

The handler runs in the consumer's transaction, which records the event as applied: a client's
demo account is written once however often the event is delivered."""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta

from client360.contracts.v1 import contracts_pb2
from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.caller import Caller
from runtime.clock import now_iso, today
from runtime.contracts import decode_payload, payload_types
from runtime.ids import new_id
from runtime.kit.updates import created_stamps
from runtime.store import Transaction
from services.billing import consumers, service, unpaid
from services.billing.models import (
    INVOICE_KIND,
    PAYMENT,
    QUOTE_NUMBERS,
    QUOTE_SENT,
    SELLER_PROFILE_ID,
    Invoice,
    Line,
    Quote,
    SellerProfile,
)
from services.billing.repository import BillingRepository
from services.billing.seller import check_mentions
from services.billing.validation import AllocationRequest

# The demo agency's clients get their invoicing as identity creates them, and each contract
# the contracts service creates for them its premium notices (billed to its policyholder).
IDENTITY_PAYLOADS = payload_types(identity_pb2.ClientCreated, contracts_pb2.ContractCreated)
IDENTITY_SUBJECTS = tuple(IDENTITY_PAYLOADS)
IDENTITY_DURABLE = "billing-identity-demo"
DEMO_ACTOR = "demo-loader"


class DemoAccounts:
    def __init__(self, repo: BillingRepository, *, tenant_id: str) -> None:
        self._repo = repo
        self._tenant_id = tenant_id

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        payload = decode_payload(event, IDENTITY_PAYLOADS)
        if event.tenant_id != self._tenant_id:
            return
        if isinstance(payload, identity_pb2.ClientCreated):
            await seed_invoicing(txn, self._repo, self._tenant_id, payload.client)
        elif isinstance(payload, contracts_pb2.ContractCreated):
            holder = _policyholder(payload.contract)
            # The event comes once per client taking part: the policyholder's is the one.
            if holder and holder == event.key:
                await seed_account(
                    txn, self._repo, self._tenant_id, holder, contract_id=payload.contract.id
                )


def _policyholder(contract: contracts_pb2.Contract) -> str:
    for participant in contract.participants:
        if contracts_pb2.PARTICIPANT_ROLE_POLICYHOLDER in participant.roles:
            return participant.client_id
    return ""


DEMO_SELLER: SellerProfile = {
    "id": SELLER_PROFILE_ID,
    "legal_name": "Agence Démo Assurances",
    "legal_form": "SARL",
    "share_capital": {"amount_minor": 5_000_000, "currency": "EUR"},
    "address": {
        "line1": "12 rue de la Paix",
        "line2": "",
        "postal_code": "75002",
        "city": "Paris",
        "country": "FR",
    },
    "siren": "732829320",
    "siret": "73282932000074",
    "vat_number": "FR44732829320",
    "registry": "RCS Paris",
    "payment_terms": "30 jours date de facture, par virement",
    "payment_days": 30,
    "late_penalty_rate": "3 fois le taux d'intérêt légal",
    "early_payment_discount": "Pas d'escompte pour paiement anticipé",
    "vat_on_debits": False,
    "iban": "FR1420041010050500013M02606",
    "audit": {"created_at": "", "created_by": DEMO_ACTOR, "updated_at": "", "updated_by": ""},
}


# What the mentions check reads of a draft, before one is written.
DEMO_DRAFT: Invoice = {
    "id": "",
    "client_id": "",
    "kind": INVOICE_KIND,
    "state": "draft",
    "series": "INV",
    "number": "",
    "issue_date": "",
    "currency": "EUR",
    "lines": [],
    "total_excluding_tax_minor": 0,
    "total_tax_minor": 0,
    "total_including_tax_minor": 0,
    "credited_invoice_id": "",
    "entry_id": "",
    "exemption_reference": "",
    "created_at": "",
    "audit": {"created_at": "", "created_by": "", "updated_at": "", "updated_by": ""},
}


async def seed_invoicing(
    txn: Transaction, repo: BillingRepository, tenant_id: str, client: identity_pb2.Client
) -> None:
    """One client in five with an address: a posted invoice for field work and a sent quote."""
    if await repo.get_seller_profile_for_update(txn, tenant_id) is None:
        await repo.insert_seller_profile(txn, tenant_id, DEMO_SELLER)
    seed = int.from_bytes(hashlib.blake2b(client.id.encode(), digest_size=8).digest(), "big")
    if seed % 5 or not client.addresses:
        return
    # The buyer's copy, as billing's identity consumer keeps it (whichever applies first).
    await repo.clients.refresh(
        txn, tenant_id, consumers.client_copy(client), source_version=client.version
    )
    caller = Caller(tenant_id, DEMO_ACTOR, "admin")
    day = today()
    lines: list[Line] = [
        {
            "designation": "Entretien annuel chaudière",
            "quantity": "1",
            "unit_price_minor": 12_000 + seed % 50 * 100,
            "discount_basis_points": 0,
            "vat_basis_points": 1000,
            "net_minor": 12_000 + seed % 50 * 100,
        },
        {
            "designation": "Déplacement",
            "quantity": "1",
            "unit_price_minor": 3_500,
            "discount_basis_points": 0,
            "vat_basis_points": 2000,
            "net_minor": 3_500,
        },
    ]
    buyer = consumers.client_copy(client)
    seller_profile = await repo.get_seller_profile_for_update(txn, tenant_id)
    probe: Invoice = {**DEMO_DRAFT, "client_id": client.id, "lines": lines}
    if check_mentions(probe, seller_profile, buyer):
        return  # a demo client whose address lacks a postal code or a city: no invoice
    draft = await service.write_draft(
        txn, repo, caller, client_id=client.id, kind=INVOICE_KIND, currency="EUR", lines=lines
    )
    issued = day - timedelta(days=seed % 40)
    await service.write_posting(txn, repo, caller, draft, issue_date=issued.isoformat())
    quote: Quote = {
        "id": new_id(),
        "client_id": client.id,
        "state": QUOTE_SENT,
        "number": await QUOTE_NUMBERS.next(txn, tenant_id),
        "issue_date": issued.isoformat(),
        # Some still valid, some expired already.
        "valid_until": (issued + timedelta(days=30)).isoformat(),
        "title": "Remplacement chaudière",
        "currency": "EUR",
        "lines": lines[:1],
        "total_excluding_tax_minor": lines[0]["net_minor"],
        "total_tax_minor": lines[0]["net_minor"] // 10,
        "total_including_tax_minor": lines[0]["net_minor"] * 11 // 10,
        "invoice_id": "",
        "created_at": now_iso(),
        "audit": created_stamps(DEMO_ACTOR),
    }
    await repo.insert_quote(txn, tenant_id, quote)
    await service.count_quote(txn, repo, tenant_id, client.id)


async def seed_account(
    txn: Transaction, repo: BillingRepository, tenant_id: str, client_id: str, *, contract_id: str
) -> None:
    """Quarterly notices of one contract, from about seven months ago to two months ahead,
    paid or not as the client's habit goes; those left unpaid take the steps of the unpaid path
    due today at once, so the contract's status shows them from the start."""
    seed = int.from_bytes(hashlib.blake2b(contract_id.encode(), digest_size=8).digest(), "big")
    rng = random.Random(seed)
    caller = Caller(tenant_id, DEMO_ACTOR, "admin")
    day = today()
    net = rng.randrange(15_000, 90_000)  # 150 to 900 EUR a quarter
    first_due = day - timedelta(days=rng.randrange(150, 220))
    behaviour = rng.random()  # a good payer, a late one, a bad one
    partly_paid = False
    for quarter in range(4):
        due = first_due + timedelta(days=91 * quarter)
        tax = net * 9 // 100
        notice, entry = await service.write_notice(
            txn,
            repo,
            caller,
            client_id=client_id,
            contract_id=contract_id,
            period=(due.isoformat(), (due + timedelta(days=90)).isoformat()),
            due_date=due.isoformat(),
            currency="EUR",
            amounts=(net, tax, 150),
        )
        total = notice["total_minor"]
        paid, paid_on = total, min(due + timedelta(days=rng.randrange(0, 20)), day)
        if due > day:
            # A late payer has paid part of the next notice in advance; the others not yet.
            if not 0.7 < behaviour <= 0.85 or partly_paid:
                continue
            paid, paid_on, partly_paid = total // 2, day, True
        elif behaviour > 0.85 and quarter >= 1:
            # Unpaid: overdue, on its way along the unpaid path.
            await unpaid.take_steps(txn, repo, caller, notice, entry, day)
            continue
        await service.write_entry(
            txn,
            repo,
            caller,
            client_id=client_id,
            kind=PAYMENT,
            date=paid_on.isoformat(),
            amount_minor=paid,
            currency="EUR",
            label="Prélèvement SEPA",
            allocations=[AllocationRequest(entry["id"], paid)],
        )
    if seed % 12 == 0:
        await service.write_notice(
            txn,
            repo,
            caller,
            client_id=client_id,
            contract_id=f"{contract_id}-ch",
            period=(day.isoformat(), (day + timedelta(days=364)).isoformat()),
            due_date=(day + timedelta(days=15)).isoformat(),
            currency="CHF",
            amounts=(rng.randrange(20_000, 60_000), 0, 0),
        )
