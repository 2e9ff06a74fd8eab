"""Store access of the billing service. Every read and write names its tenant (the caller's);
writes take the transaction they belong to, so that an entry, the balances it moves, the
debts it settles and its event commit together."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from runtime.kit.jobs import QUEUE_TENANT, JobQueue
from runtime.kit.replica import Replica
from runtime.kit.repository import Repository, get_many, upsert
from runtime.store import Document, DocumentStore, Filter, Transaction
from services.billing.models import (
    ACCOUNTS,
    CLIENT_COPIES,
    CONTRACT_COPIES,
    DAILY_RUNS,
    ENTRIES,
    IDEMPOTENCY,
    INVOICES,
    LEDGER_SORT,
    NOTICE_TENANTS,
    NOTICES,
    QUOTES,
    REINSTATED,
    SELLER_PROFILE_ID,
    SELLER_PROFILES,
    SETTLEABLE,
    AccountDoc,
    ClientCopy,
    ContractCopy,
    Entry,
    Invoice,
    Notice,
    Quote,
    SellerProfile,
)


class BillingRepository(Repository):
    def __init__(self, store: DocumentStore) -> None:
        super().__init__(store)
        self.jobs = JobQueue(store)
        self.clients: Replica[ClientCopy] = Replica(CLIENT_COPIES)
        self.contracts: Replica[ContractCopy] = Replica(CONTRACT_COPIES)

    # Accounts (balances)

    async def get_accounts(self, tenant_id: str, client_ids: Sequence[str]) -> list[AccountDoc]:
        return cast(list[AccountDoc], await self._store.get_many(ACCOUNTS, tenant_id, client_ids))

    async def get_account_for_update(
        self, txn: Transaction, tenant_id: str, client_id: str
    ) -> AccountDoc | None:
        return cast("AccountDoc | None", await txn.get(ACCOUNTS, tenant_id, client_id))

    async def put_account(self, txn: Transaction, tenant_id: str, account: AccountDoc) -> None:
        await upsert(txn, ACCOUNTS, tenant_id, dict(account))

    # Ledger entries

    async def find_entries(
        self, tenant_id: str, client_ids: Sequence[str], *, limit: int
    ) -> list[Entry]:
        """The newest ``limit`` entries of each client, newest first: one indexed query per
        client, so that a client with a long ledger costs no more than ``limit`` rows."""
        found: list[Entry] = []
        for client_id in client_ids:
            rows = await self._store.find(
                ENTRIES,
                tenant_id,
                {"client_id": client_id},
                sort=(("date", -1), ("id", -1)),
                limit=limit,
            )
            found += cast(list[Entry], rows)
        return found

    async def page_entries(
        self, tenant_id: str, where: Filter, *, after: Filter | None, limit: int
    ) -> list[Entry]:
        """One page of a ledger listing in LEDGER_SORT order, from after a cursor's keys."""
        scoped = where if after is None else {"$and": [where, after]}
        rows = await self._store.find(ENTRIES, tenant_id, scoped, sort=LEDGER_SORT, limit=limit)
        return cast(list[Entry], rows)

    async def count_entries(self, tenant_id: str, where: Filter) -> int:
        return await self._store.count(ENTRIES, tenant_id, where)

    async def find_open_debts(self, tenant_id: str, client_ids: Sequence[str]) -> list[Entry]:
        """The premium notices, invoices and fees of these clients still open, oldest first."""
        if not client_ids:
            return []
        found = await self._store.find(
            ENTRIES,
            tenant_id,
            {
                "client_id": {"$in": list(client_ids)},
                "kind": {"$in": sorted(SETTLEABLE)},
                "open_minor": {"$gt": 0},
            },
            sort=(("client_id", 1), ("date", 1), ("id", 1)),
        )
        return cast(list[Entry], found)

    async def get_entries(self, tenant_id: str, entry_ids: Sequence[str]) -> list[Entry]:
        return cast(list[Entry], await get_many(self._store, ENTRIES, tenant_id, entry_ids))

    async def get_entry_for_update(
        self, txn: Transaction, tenant_id: str, entry_id: str
    ) -> Entry | None:
        return cast("Entry | None", await txn.get(ENTRIES, tenant_id, entry_id))

    async def insert_entry(self, txn: Transaction, tenant_id: str, entry: Entry) -> Entry:
        return cast(Entry, await txn.insert(ENTRIES, tenant_id, dict(entry)))

    async def replace_entry(self, txn: Transaction, tenant_id: str, entry: Entry) -> Entry:
        stored = await txn.replace(
            ENTRIES, tenant_id, dict(entry), expected_version=entry["version"]
        )
        return cast(Entry, stored)

    # Invoices and credit notes

    async def find_invoices(
        self, tenant_id: str, client_ids: Sequence[str], *, limit: int
    ) -> list[Invoice]:
        """The newest ``limit`` invoices and credit notes of each client, newest first."""
        found: list[Invoice] = []
        for client_id in client_ids:
            rows = await self._store.find(
                INVOICES,
                tenant_id,
                {"client_id": client_id},
                sort=(("created_at", -1), ("id", -1)),
                limit=limit,
            )
            found += cast(list[Invoice], rows)
        return found

    async def get_invoice(self, tenant_id: str, invoice_id: str) -> Invoice | None:
        return cast("Invoice | None", await self._store.get(INVOICES, tenant_id, invoice_id))

    async def get_invoice_for_update(
        self, txn: Transaction, tenant_id: str, invoice_id: str
    ) -> Invoice | None:
        return cast("Invoice | None", await txn.get(INVOICES, tenant_id, invoice_id))

    async def insert_invoice(self, txn: Transaction, tenant_id: str, invoice: Invoice) -> Invoice:
        return cast(Invoice, await txn.insert(INVOICES, tenant_id, dict(invoice)))

    async def replace_invoice(
        self, txn: Transaction, tenant_id: str, invoice: Invoice, *, expected_version: int
    ) -> Invoice:
        stored = await txn.replace(
            INVOICES, tenant_id, dict(invoice), expected_version=expected_version
        )
        return cast(Invoice, stored)

    # Premium notices

    async def find_notices(
        self, tenant_id: str, client_ids: Sequence[str], *, limit: int = 100
    ) -> list[Notice]:
        """The ``limit`` premium notices of each client with the latest due dates, newest first."""
        found: list[Notice] = []
        for client_id in client_ids:
            rows = await self._store.find(
                NOTICES,
                tenant_id,
                {"client_id": client_id},
                sort=(("due_date", -1), ("id", -1)),
                limit=limit,
            )
            found += cast(list[Notice], rows)
        return found

    async def get_notice_for_update(
        self, txn: Transaction, tenant_id: str, notice_id: str
    ) -> Notice | None:
        return cast("Notice | None", await txn.get(NOTICES, tenant_id, notice_id))

    async def find_notice_of_entry(
        self, txn: Transaction, tenant_id: str, entry_id: str
    ) -> Notice | None:
        found = await txn.find(NOTICES, tenant_id, {"entry_id": entry_id}, limit=1)
        return cast(Notice, found[0]) if found else None

    async def replace_notice(self, txn: Transaction, tenant_id: str, notice: Notice) -> Notice:
        stored = await txn.replace(
            NOTICES, tenant_id, dict(notice), expected_version=notice["version"]
        )
        return cast(Notice, stored)

    async def unpaid_path_candidates(self, tenant_id: str, *, overdue_before: str) -> list[Notice]:
        """The notices that may have a step of the unpaid path to take: due on or before
        ``overdue_before`` and not reinstated."""
        found = await self._store.find(
            NOTICES,
            tenant_id,
            {"due_date": {"$lte": overdue_before}, "unpaid_step": {"$ne": REINSTATED}},
            sort=(("due_date", 1), ("id", 1)),
        )
        return cast(list[Notice], found)

    async def insert_notice(self, txn: Transaction, tenant_id: str, notice: Notice) -> Notice:
        return cast(Notice, await txn.insert(NOTICES, tenant_id, dict(notice)))

    # Idempotency keys: the id of what a command's first call wrote

    async def remembered(self, txn: Transaction, tenant_id: str, key_id: str) -> str | None:
        found = await txn.get(IDEMPOTENCY, tenant_id, key_id)
        return None if found is None else str(found["result_id"])

    async def remember(
        self, txn: Transaction, tenant_id: str, key_id: str, result_id: str, at: str
    ) -> Document:
        return await txn.insert(
            IDEMPOTENCY, tenant_id, {"id": key_id, "result_id": result_id, "at": at}
        )

    # The seller profile (one per tenant)

    async def get_seller_profile(self, tenant_id: str) -> SellerProfile | None:
        found = await self._store.get(SELLER_PROFILES, tenant_id, SELLER_PROFILE_ID)
        return cast("SellerProfile | None", found)

    async def get_seller_profile_for_update(
        self, txn: Transaction, tenant_id: str
    ) -> SellerProfile | None:
        found = await txn.get(SELLER_PROFILES, tenant_id, SELLER_PROFILE_ID)
        return cast("SellerProfile | None", found)

    async def insert_seller_profile(
        self, txn: Transaction, tenant_id: str, profile: SellerProfile
    ) -> SellerProfile:
        return cast(SellerProfile, await txn.insert(SELLER_PROFILES, tenant_id, dict(profile)))

    async def replace_seller_profile(
        self, txn: Transaction, tenant_id: str, profile: SellerProfile, *, expected_version: int
    ) -> SellerProfile:
        stored = await txn.replace(
            SELLER_PROFILES, tenant_id, dict(profile), expected_version=expected_version
        )
        return cast(SellerProfile, stored)

    # Quotes

    async def find_quotes(
        self, tenant_id: str, client_ids: Sequence[str], *, limit: int
    ) -> list[Quote]:
        """The newest ``limit`` quotes of each client, newest first."""
        found: list[Quote] = []
        for client_id in client_ids:
            rows = await self._store.find(
                QUOTES,
                tenant_id,
                {"client_id": client_id},
                sort=(("created_at", -1), ("id", -1)),
                limit=limit,
            )
            found += cast(list[Quote], rows)
        return found

    async def get_quote_for_update(
        self, txn: Transaction, tenant_id: str, quote_id: str
    ) -> Quote | None:
        return cast("Quote | None", await txn.get(QUOTES, tenant_id, quote_id))

    async def insert_quote(self, txn: Transaction, tenant_id: str, quote: Quote) -> Quote:
        return cast(Quote, await txn.insert(QUOTES, tenant_id, dict(quote)))

    async def replace_quote(
        self, txn: Transaction, tenant_id: str, quote: Quote, *, expected_version: int
    ) -> Quote:
        stored = await txn.replace(
            QUOTES, tenant_id, dict(quote), expected_version=expected_version
        )
        return cast(Quote, stored)

    # Tenants with premium notices, and the days the daily trigger ran for each

    async def note_notice_tenant(self, txn: Transaction, tenant_id: str) -> None:
        if await txn.get(NOTICE_TENANTS, QUEUE_TENANT, tenant_id) is None:
            await txn.insert(NOTICE_TENANTS, QUEUE_TENANT, {"id": tenant_id})

    async def notice_tenants(self) -> list[str]:
        found = await self._store.find(NOTICE_TENANTS, QUEUE_TENANT, None, sort=(("id", 1),))
        return [str(row["id"]) for row in found]

    async def daily_run_started(self, txn: Transaction, tenant_id: str, day: str) -> bool:
        """Whether the daily run of ``day`` was started already; if not, note it started (in
        ``txn``, with the job it queues)."""
        if await txn.get(DAILY_RUNS, tenant_id, day) is not None:
            return True
        await txn.insert(DAILY_RUNS, tenant_id, {"id": day})
        return False

    # Copies of other services' records

    async def get_contract_copies(
        self, tenant_id: str, contract_ids: Sequence[str]
    ) -> list[ContractCopy]:
        return await self.contracts.get_many(self._store, tenant_id, contract_ids)

    async def get_client_copy(self, tenant_id: str, client_id: str) -> ClientCopy | None:
        return await self.clients.get(self._store, tenant_id, client_id)
