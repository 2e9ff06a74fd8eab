"""Retries follow the protos: a call marked free of side effects is retried by gRPC when the
service is unavailable, within the call's deadline; a write never is. Against a real gRPC
server (a small stand-in for identity, counting the attempts it receives)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import grpc
import orjson
import pytest

from client360.identity.v1 import identity_pb2
from gateway.clients import IdentityClient, ServiceCalls, retry_config
from gateway.errors import GatewayError
from runtime.caller import Caller
from runtime.config import load_settings
from tests.standin import standin_server, unary

CALLER = Caller(tenant_id="agency", user_id="alice", role="advisor")


class FlakyIdentity:
    """Identity's BatchGetClients (a read) and CreateClient (a write), unavailable for the
    first ``failures`` attempts of each, then answering."""

    def __init__(self) -> None:
        self.failures = 1
        self.hang = 0.0
        self.attempts: dict[str, int] = {}

    async def _attempt(self, method: str, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        self.attempts[method] = self.attempts.get(method, 0) + 1
        if self.hang:
            await asyncio.sleep(self.hang)
        if self.attempts[method] <= self.failures:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "starting up")

    async def batch_get_clients(
        self, request: identity_pb2.BatchGetClientsRequest, context: Any
    ) -> identity_pb2.BatchGetClientsResponse:
        await self._attempt("BatchGetClients", context)
        return identity_pb2.BatchGetClientsResponse(
            clients=[identity_pb2.Client(id=i) for i in request.ids]
        )

    async def create_client(
        self, request: identity_pb2.CreateClientRequest, context: Any
    ) -> identity_pb2.Client:
        await self._attempt("CreateClient", context)
        return identity_pb2.Client(id="created")

    def methods(self) -> dict[str, grpc.RpcMethodHandler[Any, Any]]:
        return {
            "BatchGetClients": unary(self.batch_get_clients, identity_pb2.BatchGetClientsRequest),
            "CreateClient": unary(self.create_client, identity_pb2.CreateClientRequest),
        }


@pytest.fixture
async def servicer() -> AsyncIterator[tuple[FlakyIdentity, int]]:
    flaky = FlakyIdentity()
    async with standin_server(IdentityClient.DESCRIPTOR.full_name, flaky.methods()) as port:
        yield flaky, port


def _identity(port: int, **settings: str) -> tuple[IdentityClient, ServiceCalls]:
    env = {"C360_IDENTITY_ADDR": f"127.0.0.1:{port}", **settings}
    calls = ServiceCalls(load_settings(env), {IdentityClient.SERVICE: IdentityClient.DESCRIPTOR})
    return IdentityClient(calls), calls


async def test_a_read_is_retried_when_the_service_is_unavailable(
    servicer: tuple[FlakyIdentity, int],
) -> None:
    flaky, port = servicer
    identity, calls = _identity(port)
    try:
        found = await identity.batch_get_clients(CALLER, ["c1"])
    finally:
        await calls.close()
    assert [c.id for c in found] == ["c1"]
    assert flaky.attempts == {"BatchGetClients": 2}


async def test_a_write_is_never_retried(servicer: tuple[FlakyIdentity, int]) -> None:
    flaky, port = servicer
    identity, calls = _identity(port, C360_READ_RETRIES="3")
    try:
        with pytest.raises(GatewayError) as refused:
            await identity.create_client(CALLER, identity_pb2.ClientInput(last_name="Martin"))
    finally:
        await calls.close()
    assert refused.value.extensions == {"code": "SERVICE_UNAVAILABLE", "service": "identity"}
    assert flaky.attempts == {"CreateClient": 1}


async def test_reads_are_retried_as_many_times_as_configured(
    servicer: tuple[FlakyIdentity, int],
) -> None:
    flaky, port = servicer
    flaky.failures = 3
    identity, calls = _identity(port, C360_READ_RETRIES="3")
    try:
        found = await identity.batch_get_clients(CALLER, ["c1"])
    finally:
        await calls.close()
    assert [c.id for c in found] == ["c1"]
    assert flaky.attempts == {"BatchGetClients": 4}

    flaky.attempts.clear()
    identity, calls = _identity(port, C360_READ_RETRIES="0")
    try:
        with pytest.raises(GatewayError):
            await identity.batch_get_clients(CALLER, ["c1"])
    finally:
        await calls.close()
    assert flaky.attempts == {"BatchGetClients": 1}


async def test_retries_stay_within_the_calls_deadline(servicer: tuple[FlakyIdentity, int]) -> None:
    flaky, port = servicer
    flaky.hang = 0.4
    flaky.failures = 10
    identity, calls = _identity(port, C360_READ_RETRIES="4", C360_SERVICE_DEADLINE="0.6")
    started = time.perf_counter()
    try:
        with pytest.raises(GatewayError) as failed:
            await identity.batch_get_clients(CALLER, ["c1"])
    finally:
        await calls.close()
    elapsed = time.perf_counter() - started
    assert failed.value.extensions["code"] == "SERVICE_UNAVAILABLE"
    # A second attempt started in the budget, a third could not: the deadline ends the call.
    assert flaky.attempts == {"BatchGetClients": 2}
    assert 0.55 < elapsed < 1.0


def test_the_retry_policy_names_the_reads_of_the_proto_and_nothing_else() -> None:
    config = orjson.loads(retry_config(IdentityClient.DESCRIPTOR, 1))
    [policy] = config["methodConfig"]
    assert sorted(name["method"] for name in policy["name"]) == [
        "BatchGetClients",
        "FindDuplicateSuspects",
        "GetClient",
        "GetErasure",
        "GetMerge",
        "ListAuditEntries",
        "ListContacts",
        "PreviewMerge",
        "SearchClients",
    ]
    assert {name["service"] for name in policy["name"]} == {"client360.identity.v1.IdentityService"}
    assert policy["retryPolicy"]["maxAttempts"] == 2
    assert policy["retryPolicy"]["retryableStatusCodes"] == ["UNAVAILABLE"]
    assert orjson.loads(retry_config(IdentityClient.DESCRIPTOR, 0)) == {"methodConfig": []}
    # gRPC makes 5 attempts at most, whatever is asked.
    many = orjson.loads(retry_config(IdentityClient.DESCRIPTOR, 9))
    assert many["methodConfig"][0]["retryPolicy"]["maxAttempts"] == 5
