"""What a caller learns when something fails: an error raised on purpose keeps its message and
its ``extensions`` (code, field, service); a malformed query says what is wrong with it; a
fault, in a service or in the gateway itself, is "internal error" and nothing more, the
details going to the gateway's log only."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import strawberry

from gateway.schema import ClientFileSchema
from tests.harness import GraphQLClient, System, new_tenant, wait_serving
from tests.identity.queries import CREATE, individual

SECRET = "postgres://admin:hunter2@db.internal:5432"

FILE = """
query($id: ID!) {
  client(id: $id) { id identity { lastName } compliance { assetFreezeStatus } }
}
"""


async def test_an_error_raised_on_purpose_keeps_its_message_and_extensions(
    gql: GraphQLClient,
) -> None:
    missing = await gql.execute(FILE, {"id": "no-such-client"})
    [error] = missing["errors"]
    assert error["message"] == "not found"
    assert error["path"] == ["client"]
    assert error["extensions"] == {"code": "NOT_FOUND"}

    bad = await gql.execute(CREATE, {"input": individual(emails=[{"address": "nobody@"}])})
    [error] = bad["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "emails[0].address"
    assert "email" in error["message"]


async def test_a_query_asking_for_a_field_that_does_not_exist_says_which(
    gql: GraphQLClient,
) -> None:
    body = await gql.execute("{ clients(first: 1) { edges { node { id shoeSize } } } }")
    [error] = body["errors"]
    assert "shoeSize" in error["message"]
    assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR"


@pytest.fixture(scope="module")
def misrouted_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A gateway that calls compliance at identity's address, as a wrong setting would: every
    compliance call reaches a real server that does not implement it."""
    running = System(Path(tmp_path_factory.mktemp("misrouted")), services=("identity",))
    running.env["C360_COMPLIANCE_ADDR"] = running.address("identity")
    running.start()
    yield running
    running.stop()


async def test_a_service_at_fault_is_named_without_its_details(
    misrouted_system: System, http: httpx.AsyncClient
) -> None:
    await wait_serving(misrouted_system.address("identity"))
    gql = GraphQLClient(misrouted_system, http, new_tenant())
    client = (await gql.data(CREATE, {"input": individual(last="Dérouté")}))["createClient"]

    body = await gql.execute(FILE, {"id": client["id"]})
    assert body["data"]["client"]["identity"] == {"lastName": "Dérouté"}
    assert body["data"]["client"]["compliance"] is None
    [error] = body["errors"]
    assert error["path"] == ["client", "compliance"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "service": "compliance"}
    # Nothing of what the server answered: its status, its message, its address.
    for detail in ("UNIMPLEMENTED", "Method not found", "ComplianceService", "127.0.0.1"):
        assert detail not in str(body)


@strawberry.type
class _Faulty:
    @strawberry.field
    def leaky(self) -> str | None:
        raise RuntimeError(f"cannot connect to {SECRET}")

    @strawberry.field
    def fine(self) -> str:
        return "ok"


async def test_an_unexpected_exception_is_an_internal_error_whose_details_are_only_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # No well-meant request makes the real gateway raise by accident (one that did would be a
    # bug to fix), so the fault is planted in a schema of the gateway's own class, which is
    # where the masking happens.
    schema = ClientFileSchema(query=_Faulty)
    with caplog.at_level(logging.ERROR, logger="gateway"):
        result = await schema.execute("{ fine leaky }")
    assert result.data == {"fine": "ok", "leaky": None}
    [error] = [e.formatted for e in result.errors or ()]
    assert error["message"] == "internal error"
    assert error["path"] == ["leaky"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert SECRET not in str(error)
    # The details are in the gateway's log, with the error id the caller was given.
    [logged] = [r for r in caplog.records if r.exc_info and SECRET in str(r.exc_info[1])]
    assert logged.levelno == logging.ERROR
    assert getattr(logged, "error_id", None) == error["extensions"].get("errorId")
