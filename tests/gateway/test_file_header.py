"""The header of a client file — balance, open claims, actions left, the last three emails and
the asset-freeze banner — for a whole page costs one call per service, like any section: each
figure is kept as the data changes, never summed on read."""

from __future__ import annotations

from collections import Counter

from tests.gateway.traces import calls, traced
from tests.harness import GraphQLClient
from tests.identity.queries import CREATE, individual

HEADER = """
query {
  clients(first: 20) {
    nodes {
      id displayName
      account { balance { amount currency } }
      contracts { openClaimsCount openComplaintsCount }
      communication { actionsLeft emails(limit: 3) { subject } }
      compliance { assetFreezeStatus banner }
    }
  }
}
"""


async def test_the_header_of_a_page_costs_one_call_per_service(gql: GraphQLClient) -> None:
    for n in range(12):
        await gql.data(CREATE, {"input": individual(first=f"Tête{n}", last="Entête")})
    trace_id, body = await traced(gql, HEADER)
    assert "errors" not in body, body
    nodes = body["data"]["clients"]["nodes"]
    assert len(nodes) == 12
    assert all(n["account"]["balance"]["amount"] == "0.00" for n in nodes)
    assert all(n["contracts"]["openClaimsCount"] == 0 for n in nodes)
    per_service = {
        service: sum(counted.values()) for service, counted in calls(gql, trace_id).items()
    }
    assert per_service == {
        "identity": 1,
        "billing": 1,
        "contracts": 1,
        "communication": 1,
        "compliance": 1,
    }
    assert calls(gql, trace_id)["identity"] == Counter({"SearchClients": 1})
