"""The services trust no caller they are merely told of: the gateway signs the caller it
passes (C360_CALLER_KEY), and a direct gRPC call with forged, unsigned, altered or stale
caller metadata is refused, against a running service."""

from __future__ import annotations

import time

import grpc
import pytest

from client360.identity.v1 import identity_pb2, identity_pb2_grpc
from runtime.caller import Caller
from runtime.rpc import AT_KEY, CALLER_SIGNATURE_SECONDS, SIGNATURE_KEY, caller_metadata
from tests.harness import GraphQLClient
from tests.identity.queries import CREATE, individual


def _with(metadata: tuple[tuple[str, str], ...], **changed: str) -> tuple[tuple[str, str], ...]:
    return tuple((key, changed.get(key, value)) for key, value in metadata)


async def test_only_a_signed_recent_caller_is_served(gql: GraphQLClient) -> None:
    created = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    request = identity_pb2.BatchGetClientsRequest(ids=[created["id"]])
    signed = caller_metadata(Caller(gql.tenant, "u", "advisor"))
    forged_key = caller_metadata(Caller(gql.tenant, "u", "admin"), key=b"not the caller key")
    stale_at = str(int(time.time()) - CALLER_SIGNATURE_SECONDS - 60)
    refused = {
        "unsigned": tuple((k, v) for k, v in signed if k not in (AT_KEY, SIGNATURE_KEY)),
        "another key": forged_key,
        "role changed after signing": _with(signed, **{"x-c360-role": "admin"}),
        "tenant changed after signing": _with(signed, **{"x-c360-tenant": "another-agency"}),
        "too old": _with(signed, **{AT_KEY: stale_at}),
    }
    async with grpc.aio.insecure_channel(gql.system.address("identity")) as channel:
        stub = identity_pb2_grpc.IdentityServiceStub(channel)
        (client,) = (await stub.BatchGetClients(request, metadata=signed, timeout=5)).clients
        assert client.id == created["id"]
        for case, metadata in refused.items():
            with pytest.raises(grpc.aio.AioRpcError) as failed:
                await stub.BatchGetClients(request, metadata=metadata, timeout=5)
            assert failed.value.code() == grpc.StatusCode.UNAUTHENTICATED, case
