"""Demo data of the billing service: each demo client created by identity (its
c360.identity.client.created events, tenant C360_DEMO_TENANT, when C360_DEMO_DATA is on) gets
premium notices spread around today, paid in full, in part or not at all, so that every
status, age band and balance shows; one client in twelve also owes in Swiss francs.

The handler runs in the consumer's transaction, which records the event as applied: a client's
demo account is written once however often the event is delivered."""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta

from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.caller import Caller
from runtime.clock import today
from runtime.contracts import decode_payload, payload_types
from runtime.store import Transaction
from services.billing import service
from services.billing.models import PAYMENT
from services.billing.repository import BillingRepository
from services.billing.validation import AllocationRequest

IDENTITY_PAYLOADS = payload_types(identity_pb2.ClientCreated)
IDENTITY_SUBJECTS = tuple(IDENTITY_PAYLOADS)
IDENTITY_DURABLE = "billing-identity-demo"
DEMO_ACTOR = "demo-loader"


class DemoAccounts:
    def __init__(self, repo: BillingRepository, *, tenant_id: str) -> None:
        self._repo = repo
        self._tenant_id = tenant_id

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        payload = decode_payload(event, IDENTITY_PAYLOADS)
        if not isinstance(payload, identity_pb2.ClientCreated):
            return
        if event.tenant_id != self._tenant_id:
            return
        await seed_account(txn, self._repo, self._tenant_id, payload.client.id)


async def seed_account(
    txn: Transaction, repo: BillingRepository, tenant_id: str, client_id: str
) -> None:
    """Quarterly notices of one contract, from about seven months ago to two months ahead."""
    seed = int.from_bytes(hashlib.blake2b(client_id.encode(), digest_size=8).digest(), "big")
    rng = random.Random(seed)
    caller = Caller(tenant_id, DEMO_ACTOR, "admin")
    day = today()
    contract_id = f"demo-contract-{seed % 100_000:05d}"
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
            continue  # unpaid: overdue, on its way along the unpaid path
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
