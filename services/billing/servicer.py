"""gRPC transport of the billing service: decode the request, call the domain, encode the
answer. Errors travel as runtime errors and are mapped to status codes by the interceptor."""

from __future__ import annotations

from typing import Any

from client360.billing.v1 import billing_pb2, billing_pb2_grpc
from client360.common.v1 import common_pb2
from runtime.clock import today
from runtime.contracts import max_items
from runtime.errors import FieldViolation, InvalidInput
from runtime.kit.common import address_from_proto
from runtime.kit.jobs import JobRunner
from runtime.rpc import ServicerContext as Context
from runtime.rpc import current_caller
from services.billing import quotes, seller, service, unpaid
from services.billing.mapping import (
    ENTRY_KINDS,
    INVOICE_KINDS,
    OPERATION_CATEGORIES,
    QUOTE_STATES,
    account_to_proto,
    entry_to_proto,
    invoice_to_proto,
    notice_to_proto,
    quote_to_proto,
    seller_profile_to_proto,
)
from services.billing.repository import BillingRepository
from services.billing.validation import LineInput


def _at_most(items: int, message: type[Any], field: str, path: str) -> None:
    limit = max_items(message, field)
    if items > limit:
        raise InvalidInput(FieldViolation(path, f"at most {limit} items"))


def _allocations(items: Any) -> list[tuple[str, str]]:
    return [(a.entry_id, a.amount) for a in items]


def _lines(items: Any) -> list[LineInput]:
    return [
        LineInput(
            designation=line.designation,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_basis_points=line.discount_basis_points,
            vat_basis_points=line.vat_basis_points,
        )
        for line in items
    ]


class BillingServicer(billing_pb2_grpc.BillingServiceServicer):
    def __init__(self, repo: BillingRepository, runner: JobRunner) -> None:
        self._repo = repo
        self._runner = runner

    async def BatchGetAccounts(
        self, request: billing_pb2.BatchGetAccountsRequest, context: Context
    ) -> billing_pb2.BatchGetAccountsResponse:
        _at_most(
            len(request.client_ids), billing_pb2.BatchGetAccountsRequest, "client_ids", "clientIds"
        )
        found = await service.get_accounts(
            repo=self._repo,
            caller=current_caller(),
            client_ids=list(request.client_ids),
            entries_limit=request.entries_limit,
            invoices_limit=request.invoices_limit,
            with_debts=request.with_debts,
            notices_limit=request.notices_limit,
            quotes_limit=request.quotes_limit,
        )
        return billing_pb2.BatchGetAccountsResponse(
            accounts=[
                account_to_proto(
                    a.client_id,
                    a.account,
                    a.entries,
                    a.invoices,
                    a.invoice_entries,
                    a.debts,
                    a.notices,
                    a.today,
                    a.quotes,
                    a.quote_count,
                )
                for a in found
            ]
        )

    async def ListLedger(
        self, request: billing_pb2.ListLedgerRequest, context: Context
    ) -> billing_pb2.ListLedgerResponse:
        _at_most(len(request.kinds), billing_pb2.ListLedgerRequest, "kinds", "kinds")
        page = await service.list_ledger(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            first=request.page.first,
            after=request.page.after,
            kinds=[ENTRY_KINDS.to_word(k) for k in request.kinds],
        )
        return billing_pb2.ListLedgerResponse(
            entries=[entry_to_proto(e) for e in page.rows],
            page_info=common_pb2.PageInfo(
                end_cursor=page.end_cursor, has_next_page=page.has_next_page
            ),
            total_count=page.total_count,
        )

    async def RecordEntry(
        self, request: billing_pb2.RecordEntryRequest, context: Context
    ) -> billing_pb2.LedgerEntry:
        _at_most(
            len(request.allocations), billing_pb2.RecordEntryRequest, "allocations", "allocations"
        )
        entry = await service.record_entry(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            # An enum number this version does not know is refused like UNSPECIFIED.
            kind=ENTRY_KINDS.to_word(request.kind),
            date=request.date,
            amount=request.amount.value,
            currency=request.amount.currency,
            label=request.label,
            allocations=_allocations(request.allocations),
            idempotency_key=request.idempotency_key,
        )
        return entry_to_proto(entry)

    async def RecordPayment(
        self, request: billing_pb2.RecordPaymentRequest, context: Context
    ) -> billing_pb2.LedgerEntry:
        _at_most(
            len(request.allocations), billing_pb2.RecordPaymentRequest, "allocations", "allocations"
        )
        entry = await service.record_payment(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            date=request.date,
            amount=request.amount.value,
            currency=request.amount.currency,
            label=request.label,
            allocations=_allocations(request.allocations),
            idempotency_key=request.idempotency_key,
            awaiting_clearance=request.awaiting_clearance,
        )
        return entry_to_proto(entry)

    async def ClearPayment(
        self, request: billing_pb2.ClearPaymentRequest, context: Context
    ) -> billing_pb2.LedgerEntry:
        entry = await service.clear_payment(
            repo=self._repo, caller=current_caller(), entry_id=request.entry_id
        )
        return entry_to_proto(entry)

    async def IssuePremiumNotice(
        self, request: billing_pb2.IssuePremiumNoticeRequest, context: Context
    ) -> billing_pb2.PremiumNotice:
        notice, entry = await service.issue_premium_notice(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            contract_id=request.contract_id,
            period_start=request.period_start,
            period_end=request.period_end,
            due_date=request.due_date,
            currency=request.currency,
            net_premium=request.net_premium,
            taxes=request.taxes,
            fees=request.fees,
            idempotency_key=request.idempotency_key,
        )
        return notice_to_proto(notice, entry, today())

    async def RunUnpaidPath(
        self, request: billing_pb2.RunUnpaidPathRequest, context: Context
    ) -> billing_pb2.UnpaidPathJob:
        job = await unpaid.run_unpaid_path(repo=self._repo, caller=current_caller())
        self._runner.wake()
        return billing_pb2.UnpaidPathJob(
            id=job["id"], state=job["state"], total=job["total"], done=job["done"]
        )

    async def CreateInvoice(
        self, request: billing_pb2.CreateInvoiceRequest, context: Context
    ) -> billing_pb2.Invoice:
        _at_most(len(request.lines), billing_pb2.CreateInvoiceRequest, "lines", "lines")
        invoice = await service.create_invoice(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            kind=INVOICE_KINDS.to_word(request.kind),
            currency=request.currency,
            lines=_lines(request.lines),
            series=request.series,
            credited_invoice_id=request.credited_invoice_id,
            exemption_reference=request.exemption_reference,
            due_date=request.due_date,
            supply_date=request.supply_date,
            operation_category=OPERATION_CATEGORIES.to_word(request.operation_category),
        )
        return invoice_to_proto(invoice)

    async def PostInvoice(
        self, request: billing_pb2.PostInvoiceRequest, context: Context
    ) -> billing_pb2.Invoice:
        invoice, entry = await service.post_invoice(
            repo=self._repo,
            caller=current_caller(),
            invoice_id=request.id,
            version=request.version,
            issue_date=request.issue_date,
            idempotency_key=request.idempotency_key,
        )
        return invoice_to_proto(invoice, entry)

    async def CancelInvoice(
        self, request: billing_pb2.CancelInvoiceRequest, context: Context
    ) -> billing_pb2.Invoice:
        invoice = await service.cancel_invoice(
            repo=self._repo, caller=current_caller(), invoice_id=request.id, version=request.version
        )
        return invoice_to_proto(invoice)

    async def GetSellerProfile(
        self, request: billing_pb2.GetSellerProfileRequest, context: Context
    ) -> billing_pb2.SellerProfile:
        profile = await seller.get_seller_profile(repo=self._repo, caller=current_caller())
        return seller_profile_to_proto(profile)

    async def SetSellerProfile(
        self, request: billing_pb2.SetSellerProfileRequest, context: Context
    ) -> billing_pb2.SellerProfile:
        given = request.profile
        profile = await seller.set_seller_profile(
            repo=self._repo,
            caller=current_caller(),
            given=seller.SellerInput(
                legal_name=given.legal_name,
                legal_form=given.legal_form,
                share_capital=given.share_capital.value,
                share_capital_currency=given.share_capital.currency,
                address=address_from_proto(given.address),
                siren=given.siren,
                siret=given.siret,
                vat_number=given.vat_number,
                registry=given.registry,
                payment_terms=given.payment_terms,
                payment_days=given.payment_days,
                late_penalty_rate=given.late_penalty_rate,
                early_payment_discount=given.early_payment_discount,
                vat_on_debits=given.vat_on_debits,
                iban=given.iban,
            ),
            version=request.version,
        )
        return seller_profile_to_proto(profile)

    async def CreateQuote(
        self, request: billing_pb2.CreateQuoteRequest, context: Context
    ) -> billing_pb2.Quote:
        _at_most(len(request.lines), billing_pb2.CreateQuoteRequest, "lines", "lines")
        quote = await quotes.create_quote(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            title=request.title,
            currency=request.currency,
            lines=_lines(request.lines),
            valid_until=request.valid_until,
        )
        return quote_to_proto(quote, today())

    async def AnswerQuote(
        self, request: billing_pb2.AnswerQuoteRequest, context: Context
    ) -> billing_pb2.Quote:
        quote = await quotes.answer_quote(
            repo=self._repo,
            caller=current_caller(),
            quote_id=request.id,
            version=request.version,
            state=QUOTE_STATES.to_word(request.state),
        )
        return quote_to_proto(quote, today())

    async def InvoiceQuote(
        self, request: billing_pb2.InvoiceQuoteRequest, context: Context
    ) -> billing_pb2.Invoice:
        invoice = await quotes.invoice_quote(
            repo=self._repo,
            caller=current_caller(),
            quote_id=request.id,
            version=request.version,
            exemption_reference=request.exemption_reference,
        )
        return invoice_to_proto(invoice)

    async def GetFile(
        self, request: common_pb2.FileRequest, context: Context
    ) -> common_pb2.FileContent:
        found = await service.invoice_file(
            repo=self._repo, caller=current_caller(), invoice_id=request.id
        )
        return common_pb2.FileContent(name=found.name, media_type=found.media_type, data=found.data)
