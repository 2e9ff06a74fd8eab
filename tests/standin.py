"""A stand-in gRPC server for tests of the gateway's and the runtime's call handling: a few
methods of a service, answered by the test's own functions (never one of our services)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import grpc

from tests.harness import free_port


def unary(method: Callable[..., Any], request_type: Any) -> grpc.RpcMethodHandler[Any, Any]:
    """A unary method answered by ``method(request, context)``."""
    return grpc.unary_unary_rpc_method_handler(
        method,
        request_deserializer=request_type.FromString,
        response_serializer=lambda message: message.SerializeToString(),
    )


@asynccontextmanager
async def standin_server(
    service: str,
    methods: Mapping[str, grpc.RpcMethodHandler[Any, Any]],
    *,
    interceptors: Sequence[grpc.aio.ServerInterceptor[Any, Any]] = (),
) -> AsyncIterator[int]:
    """Serve ``methods`` of ``service`` (its full name) on a free port, which it yields."""
    server = grpc.aio.server(interceptors=list(interceptors))
    handler = grpc.method_handlers_generic_handler(service, dict(methods))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port(f"127.0.0.1:{free_port()}")
    await server.start()
    try:
        yield port
    finally:
        await server.stop(grace=None)
