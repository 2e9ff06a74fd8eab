"""What a partner sees of the Account section through the real gateway, identity, contracts
and billing processes: the premium notices of the contracts that name it (billing learns which
from contracts' events), nothing of the other contracts, and a null section on a file where it
insures nothing; a technician sees no billing at all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.billing.mentions import client_with_address
from tests.harness import GraphQLClient, System, new_tenant, wait_serving
from tests.waiting import eventually

CONTRACT = "mutation($input: ContractInput!) { createContract(input: $input) { id } }"
NOTICE = """
mutation($input: PremiumNoticeInput!) { issuePremiumNotice(input: $input) { id } }
"""
ACCOUNT = """
query($id: ID!) { client(id: $id) { id account {
  balance { amount currency } invoices { id } entries { kind }
  notices { contractId total { amount } }
} } }
"""


@pytest.fixture(scope="module")
def partner_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(
        Path(tmp_path_factory.mktemp("billing-partner")),
        services=("identity", "contracts", "billing"),
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()


def _contract(client_id: str, partner: str) -> dict[str, Any]:
    return {
        "insurer": "AXA France",
        "product": "Habitation",
        "branch": "HOME",
        "effectiveDate": "2025-01-01",
        "dueDate": "2030-01-01",
        "premium": {"amount": "400.00", "currency": "EUR"},
        "paymentFrequency": "ANNUAL",
        "premiumCollector": "BROKER",
        "participants": [{"clientId": client_id, "roles": ["POLICYHOLDER"]}],
        "partnerIds": [partner],
    }


async def test_a_partner_sees_only_the_notices_of_the_contracts_it_insures(
    partner_system: System, http: httpx.AsyncClient
) -> None:
    for name in partner_system.services:
        await wait_serving(partner_system.address(name))
    tenant = new_tenant()
    gql = GraphQLClient(partner_system, http, tenant)
    client_id = await client_with_address(gql)
    other_client = await client_with_address(gql, "Durand")
    insured = (await gql.data(CONTRACT, {"input": _contract(client_id, "axa-user")}))[
        "createContract"
    ]["id"]
    elsewhere = (await gql.data(CONTRACT, {"input": _contract(client_id, "maaf-user")}))[
        "createContract"
    ]["id"]
    for contract_id, who in (
        (insured, client_id),
        (elsewhere, client_id),
        (elsewhere, other_client),
    ):
        await gql.data(
            NOTICE,
            {
                "input": {
                    "clientId": who,
                    "contractId": contract_id,
                    "periodStart": "2026-01-01",
                    "periodEnd": "2026-12-31",
                    "dueDate": "2026-01-01",
                    "netPremium": "400.00" if contract_id == insured else "250.00",
                }
            },
        )
    partner = GraphQLClient(partner_system, http, tenant)
    partner.headers = {
        "Authorization": f"Bearer {partner_system.token(tenant, 'partner', 'axa-user')}"
    }
    seen = await eventually(
        lambda: partner.data(ACCOUNT, {"id": client_id}),
        lambda body: body["client"]["account"] is not None,
        what="billing knows the partner's contract",
    )
    assert seen["client"]["account"] == {
        "balance": {"amount": "400.00", "currency": "EUR"},
        "invoices": [],
        "entries": [{"kind": "PREMIUM_NOTICE"}],
        "notices": [{"contractId": insured, "total": {"amount": "400.00"}}],
    }
    # A file where it insures nothing: the section is null, never an error.
    nothing = await partner.execute(ACCOUNT, {"id": other_client})
    assert "errors" not in nothing
    assert nothing["data"]["client"]["account"] is None
    # The staff see both contracts' notices; a technician sees no billing.
    staff = (await gql.data(ACCOUNT, {"id": client_id}))["client"]["account"]
    assert staff["balance"] == {"amount": "650.00", "currency": "EUR"}
    technician = GraphQLClient(partner_system, http, tenant, "technician")
    hidden = await technician.execute(ACCOUNT, {"id": client_id})
    assert "errors" not in hidden
    assert hidden["data"]["client"]["account"] is None
