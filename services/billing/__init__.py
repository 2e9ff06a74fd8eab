"""The billing service: each client's account (ledger, balances, invoices and credit notes)."""
