"""Events the billing service emits: c360.billing.entry.recorded, payment.received,
notice.issued and notice.unpaid_step, invoice.created, posted and cancelled, quote.saved and
seller.set, declared in protos/client360/billing/v1. Each ledger event carries the client's
balances after it."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from google.protobuf.message import Message

from client360.billing.v1 import billing_pb2
from runtime.caller import Caller
from runtime.outbox import new_event, queue_event
from runtime.store import Transaction
from services.billing.mapping import (
    balances_to_proto,
    entry_to_proto,
    invoice_to_proto,
    notice_to_proto,
    quote_to_proto,
    seller_profile_to_proto,
    step_to_proto,
)
from services.billing.models import (
    PAYMENT,
    SELLER_PROFILE_ID,
    Entry,
    Invoice,
    Notice,
    Quote,
    SellerProfile,
    StepTaken,
)


async def _queue(txn: Transaction, caller: Caller, client_id: str, payload: Message) -> None:
    event = new_event(
        payload,
        tenant_id=caller.tenant_id,
        key=client_id,
        actor_id=caller.user_id,
    )
    await queue_event(txn, event)


async def entry_recorded(
    txn: Transaction, caller: Caller, entry: Entry, balances: Mapping[str, int]
) -> None:
    """A payment is PaymentReceived; any other entry recorded by hand, EntryRecorded."""
    message = billing_pb2.PaymentReceived if entry["kind"] == PAYMENT else billing_pb2.EntryRecorded
    payload = message(entry=entry_to_proto(entry), balances=balances_to_proto(balances))
    await _queue(txn, caller, entry["client_id"], payload)


async def invoice_created(txn: Transaction, caller: Caller, invoice: Invoice) -> None:
    payload = billing_pb2.InvoiceCreated(invoice=invoice_to_proto(invoice))
    await _queue(txn, caller, invoice["client_id"], payload)


async def invoice_posted(
    txn: Transaction, caller: Caller, invoice: Invoice, entry: Entry, balances: Mapping[str, int]
) -> None:
    payload = billing_pb2.InvoicePosted(
        invoice=invoice_to_proto(invoice, entry),
        entry=entry_to_proto(entry),
        balances=balances_to_proto(balances),
    )
    await _queue(txn, caller, invoice["client_id"], payload)


async def invoice_cancelled(txn: Transaction, caller: Caller, invoice: Invoice) -> None:
    payload = billing_pb2.InvoiceCancelled(invoice=invoice_to_proto(invoice))
    await _queue(txn, caller, invoice["client_id"], payload)


async def notice_issued(
    txn: Transaction,
    caller: Caller,
    notice: Notice,
    entry: Entry,
    balances: Mapping[str, int],
    today: datetime.date,
) -> None:
    payload = billing_pb2.PremiumNoticeIssued(
        notice=notice_to_proto(notice, entry, today),
        entry=entry_to_proto(entry),
        balances=balances_to_proto(balances),
    )
    await _queue(txn, caller, notice["client_id"], payload)


async def notice_unpaid_step(
    txn: Transaction,
    caller: Caller,
    notice: Notice,
    entry: Entry | None,
    step: StepTaken,
    today: datetime.date,
) -> None:
    payload = billing_pb2.NoticeUnpaidStepTaken(
        notice=notice_to_proto(notice, entry, today), step=step_to_proto(step)
    )
    await _queue(txn, caller, notice["client_id"], payload)


async def quote_saved(txn: Transaction, caller: Caller, quote: Quote, today: datetime.date) -> None:
    payload = billing_pb2.QuoteSaved(quote=quote_to_proto(quote, today))
    await _queue(txn, caller, quote["client_id"], payload)


async def seller_profile_set(txn: Transaction, caller: Caller, profile: SellerProfile) -> None:
    """The tenant's seller profile changed: keyed by the profile, not by a client."""
    payload = billing_pb2.SellerProfileSet(profile=seller_profile_to_proto(profile))
    await _queue(txn, caller, SELLER_PROFILE_ID, payload)


async def payment_cleared(txn: Transaction, caller: Caller, entry: Entry) -> None:
    payload = billing_pb2.PaymentCleared(entry=entry_to_proto(entry))
    await _queue(txn, caller, entry["client_id"], payload)
