"""A payment received but not yet cleared (a cheque to cash, a transfer announced), through
the gateway against running processes: the debts it settles are IN_PAYMENT until it is
cleared, then PAID; clearing twice changes nothing; another tenant's payment is not found."""

from __future__ import annotations

from typing import Any

from tests.billing.test_client_file_billing import CREATE_CLIENT, MONEY, record
from tests.harness import GraphQLClient
from tests.identity.queries import individual

ENTRY = f"{{ id kind paymentState awaitingClearance inPaymentAmount {MONEY} openAmount {MONEY} }}"
PAY = f"mutation($input: PaymentInput!) {{ recordPayment(input: $input) {ENTRY} }}"
CLEAR = f"mutation($id: ID!) {{ clearPayment(entryId: $id) {ENTRY} }}"
ENTRIES = f"""
query($id: ID!) {{ client(id: $id) {{ account {{ entries(limit: 10) {ENTRY} }} }} }}
"""


async def states(gql: GraphQLClient, client_id: str) -> dict[str, dict[str, Any]]:
    found = (await gql.data(ENTRIES, {"id": client_id}))["client"]["account"]["entries"]
    return {e["id"]: e for e in found}


def payment(client_id: str, amount: str, debt: str, allocated: str, **extra: Any) -> Any:
    return {
        "clientId": client_id,
        "date": "2026-03-02",
        "amount": {"amount": amount, "currency": "EUR"},
        "allocations": [{"entryId": debt, "amount": allocated}],
        **extra,
    }


async def test_a_debt_is_in_payment_until_the_payment_clears(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    client_id = (await gql.data(CREATE_CLIENT, {"input": individual()}))["createClient"]["id"]
    fee = await record(gql, client_id, "FEE", "80.00")
    cheque = (
        await gql.data(
            PAY, {"input": payment(client_id, "80.00", fee["id"], "80.00", awaitingClearance=True)}
        )
    )["recordPayment"]
    assert cheque["awaitingClearance"] is True
    debt = (await states(gql, client_id))[fee["id"]]
    assert debt["paymentState"] == "IN_PAYMENT"
    assert debt["inPaymentAmount"] == {"amount": "80.00", "currency": "EUR"}
    assert debt["openAmount"]["amount"] == "0.00"

    elsewhere = await other_gql.execute(CLEAR, {"id": cheque["id"]})
    assert elsewhere["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    not_a_payment = await gql.execute(CLEAR, {"id": fee["id"]})
    assert not_a_payment["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    cleared = (await gql.data(CLEAR, {"id": cheque["id"]}))["clearPayment"]
    assert cleared["awaitingClearance"] is False
    debt = (await states(gql, client_id))[fee["id"]]
    assert debt["paymentState"] == "PAID"
    assert debt["inPaymentAmount"]["amount"] == "0.00"
    again = (await gql.data(CLEAR, {"id": cheque["id"]}))["clearPayment"]
    assert again == cleared


async def test_part_of_a_debt_in_payment_is_partly_paid(gql: GraphQLClient) -> None:
    client_id = (await gql.data(CREATE_CLIENT, {"input": individual()}))["createClient"]["id"]
    fee = await record(gql, client_id, "FEE", "50.00")
    await gql.data(
        PAY, {"input": payment(client_id, "20.00", fee["id"], "20.00", awaitingClearance=True)}
    )
    assert (await states(gql, client_id))[fee["id"]]["paymentState"] == "PARTLY_PAID"
    await gql.data(PAY, {"input": payment(client_id, "30.00", fee["id"], "30.00")})
    assert (await states(gql, client_id))[fee["id"]]["paymentState"] == "IN_PAYMENT"
