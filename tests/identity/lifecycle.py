"""What the lifecycle tests share: erasing a client and reading its certificate."""

from __future__ import annotations

from typing import Any

from tests.harness import GraphQLClient
from tests.waiting import eventually

ERASE = """
mutation($id: ID!, $reason: String!) { eraseClient(id: $id, reason: $reason) { id status } }
"""
CERTIFICATE = """
query($id: ID!) {
  erasure(id: $id) {
    id clientId clientReference reason status awaiting requestedBy completedAt
    steps { service doneAt erased { kind count } retained { what count until rule } }
  }
}
"""


async def certificate(gql: GraphQLClient, erasure_id: str) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        found: dict[str, Any] = (await gql.data(CERTIFICATE, {"id": erasure_id}))["erasure"]
        return found

    return await eventually(read, lambda e: e["status"] == "DONE", what="erasure done", timeout=30)
