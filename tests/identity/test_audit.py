"""The audit of sensitive reads, through the gateway against running processes: a read that
shows a client's social security number or IBAN in clear is recorded (who, when, which client,
which fields, never the value); a masked or unselected read is not; merges and erasures are
there too; only admins read the audit."""

from __future__ import annotations

from tests.harness import GraphQLClient
from tests.identity.queries import VALID_IBAN, VALID_NIR, individual

CREATE = "mutation($input: ClientInput!) { createClient(input: $input) { id } }"
NIR_READ = "query($id: ID!) { client(id: $id) { identity { personal { socialSecurityNumber } } } }"
IBAN_READ = "query($id: ID!) { client(id: $id) { identity { bankAccounts { iban } } } }"
NAME_READ = "query($id: ID!) { client(id: $id) { displayName identity { lastName } } }"
ERASE = 'mutation($id: ID!) { eraseClient(id: $id, reason: "demande") { id } }'
AUDIT = """
query($client: ID, $user: String) {
  auditTrail(clientId: $client, userId: $user, first: 50) {
    totalCount entries { userId role action clientId fields at }
  }
}
"""


async def test_unmasked_reads_merges_and_erasures_are_audited(gql: GraphQLClient) -> None:
    data = individual(
        personal={"socialSecurityNumber": VALID_NIR}, bankAccounts=[{"iban": VALID_IBAN}]
    )
    client_id = (await gql.data(CREATE, {"input": data}))["createClient"]["id"]
    await gql.data(NIR_READ, {"id": client_id})
    await gql.data(IBAN_READ, {"id": client_id})
    await gql.data(NAME_READ, {"id": client_id})  # shows no number: not audited
    partner = GraphQLClient(gql.system, gql.http, gql.tenant, role="partner")
    masked = await partner.data(NIR_READ, {"id": client_id})  # masked: not audited
    assert "*" in masked["client"]["identity"]["personal"]["socialSecurityNumber"]
    manager = GraphQLClient(gql.system, gql.http, gql.tenant, role="manager")
    await manager.data(ERASE, {"id": client_id})

    admin = GraphQLClient(gql.system, gql.http, gql.tenant, role="admin")
    trail = (await admin.data(AUDIT, {"client": client_id}))["auditTrail"]
    assert trail["totalCount"] == 3
    erased, iban, nir = trail["entries"]
    assert (erased["action"], erased["role"]) == ("erase", "manager")
    assert (iban["action"], iban["fields"]) == ("read", ["bankAccounts[].iban"])
    assert (nir["action"], nir["fields"]) == ("read", ["personal.socialSecurityNumber"])
    assert {nir["userId"], iban["userId"]} == {"tester"}
    assert all(e["at"] and e["clientId"] == client_id for e in trail["entries"])
    assert VALID_NIR not in str(trail)
    assert VALID_IBAN not in str(trail)
    by_user = (await admin.data(AUDIT, {"user": "tester"}))["auditTrail"]
    assert by_user["totalCount"] == 3  # the same user, as advisor then as manager

    refused = await gql.execute(AUDIT, {"client": client_id})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
