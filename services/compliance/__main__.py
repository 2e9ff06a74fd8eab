"""``python -m services.compliance`` starts the compliance service;
``python -m services.compliance reload [URL]`` makes the running one reload its register, as a
platform operator: from its configured source, or from URL if the service allow-lists it."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC

import grpc

from client360.compliance.v1 import compliance_pb2, compliance_pb2_grpc
from runtime.caller import OPERATOR, Caller
from runtime.config import load_settings
from runtime.rpc import caller_metadata, error_from_rpc, insecure_channel
from services.compliance.server import run

USAGE = "usage: python -m services.compliance [reload [URL]]"
# Downloading and indexing the real register takes a few seconds, far beyond a read's deadline.
RELOAD_TIMEOUT_SECONDS = 120.0


async def reload(source: str) -> int:
    """Ask the running service (at C360_COMPLIANCE_ADDR) to reload, as a platform operator
    (the register is every tenant's, so no tenant is named); a blank source means the
    service's configured one."""
    address = load_settings().service_addr("compliance")
    caller = Caller(tenant_id="*", user_id="cli", role=OPERATOR)
    async with insecure_channel(address) as channel:
        stub = compliance_pb2_grpc.ComplianceServiceStub(channel)
        try:
            info = await stub.ReloadRegister(
                compliance_pb2.ReloadRegisterRequest(source=source),
                metadata=caller_metadata(caller),
                timeout=RELOAD_TIMEOUT_SECONDS,
            )
        except grpc.aio.AioRpcError as exc:
            print(f"reload failed: {error_from_rpc(exc, 'compliance').message}", file=sys.stderr)
            return 1
    # The service names its source only when it is a public URL; otherwise, what was asked.
    print(f"source: {info.source or source or 'the configured source'}")
    print(f"published at: {info.published_at.ToDatetime(tzinfo=UTC).isoformat()}")
    print(f"loaded at: {info.loaded_at.ToDatetime(tzinfo=UTC).isoformat()}")
    print(f"entries: {info.entry_count}")
    return 0


def cli(argv: list[str]) -> int:
    if not argv:
        run()
        return 0
    if argv[0] == "reload" and len(argv) <= 2:
        return asyncio.run(reload(argv[1] if len(argv) == 2 else ""))
    print(USAGE, file=sys.stderr)
    return 2


sys.exit(cli(sys.argv[1:]))
