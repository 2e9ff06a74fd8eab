"""Errors cross gRPC as what they are: bad input arrives whole as bad input however many
violations it holds, and a service's fault is an internal error, not an outage."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2

from runtime.caller import Caller
from runtime.errors import (
    FieldViolation,
    InternalError,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
)
from runtime.rpc import (
    MAX_VIOLATIONS,
    ServiceInterceptor,
    caller_metadata,
    error_from_rpc,
    insecure_channel,
)
from tests.standin import standin_server, unary

CALLER = Caller(tenant_id="t1", user_id="alice", role="advisor")
Behaviour = Callable[[], Awaitable[Any]]


async def _many_bad_fields() -> Any:
    raise InvalidInput(
        [FieldViolation(f"emails[{i}].address", "must be a valid email address") for i in range(40)]
        + [FieldViolation(f"phones[{i}].number", "must be a valid phone number") for i in range(40)]
        + [FieldViolation(f"addresses[{i}].postalCode", "x" * 5000) for i in range(500)]
    )


async def _missing() -> Any:
    raise NotFound("client c1 not found")


async def _bug() -> Any:
    raise RuntimeError("a bug with a secret 1 85 05 78 006 048 22 inside")


BEHAVIOURS: dict[str, Behaviour] = {
    "ManyBadFields": _many_bad_fields,
    "Missing": _missing,
    "Bug": _bug,
}


@pytest.fixture
async def channel() -> AsyncIterator[grpc.aio.Channel]:
    def answer(behaviour: Behaviour) -> Callable[[Any, Any], Awaitable[Any]]:
        async def serve(request: Any, context: Any) -> Any:
            return await behaviour()

        return serve

    methods = {name: unary(answer(b), empty_pb2.Empty) for name, b in BEHAVIOURS.items()}
    async with (
        standin_server("test.Faults", methods, interceptors=[ServiceInterceptor("test")]) as port,
        insecure_channel(f"127.0.0.1:{port}") as opened,
    ):
        yield opened


async def _call(channel: grpc.aio.Channel, method: str) -> grpc.aio.AioRpcError:
    call = channel.unary_unary(
        f"/test.Faults/{method}",
        request_serializer=empty_pb2.Empty.SerializeToString,
        response_deserializer=empty_pb2.Empty.FromString,
    )
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await call(empty_pb2.Empty(), metadata=caller_metadata(CALLER), timeout=5)
    return raised.value


async def test_hundreds_of_violations_arrive_as_bad_input_summarised(
    channel: grpc.aio.Channel,
) -> None:
    failure = await _call(channel, "ManyBadFields")
    assert failure.code() == grpc.StatusCode.INVALID_ARGUMENT
    error = error_from_rpc(failure, "test")
    assert isinstance(error, InvalidInput)
    assert len(error.violations) == MAX_VIOLATIONS + 1
    assert error.violations[0] == FieldViolation(
        "emails[0].address", "must be a valid email address"
    )
    assert error.violations[79].field == "phones[39].number"
    assert error.violations[-1] == FieldViolation("", "and 480 more violations")
    assert all(len(v.rule) <= 200 for v in error.violations)


async def test_a_missing_record_is_not_found(channel: grpc.aio.Channel) -> None:
    error = error_from_rpc(await _call(channel, "Missing"), "test")
    assert isinstance(error, NotFound)


async def test_a_services_fault_is_an_internal_error_without_its_details(
    channel: grpc.aio.Channel,
) -> None:
    failure = await _call(channel, "Bug")
    error = error_from_rpc(failure, "test")
    assert isinstance(error, InternalError)
    assert not isinstance(error, ServiceUnavailable)
    assert error.service == "test"
    assert "secret" not in error.message
