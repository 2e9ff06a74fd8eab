"""Every call waits at most the per-service deadline, except the register's reload: the real
register is a large download that takes far longer. Against a real gRPC server (a small
stand-in for compliance, noting the time each call was given)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from client360.compliance.v1 import compliance_pb2
from gateway.clients import REGISTER_RELOAD_DEADLINE, ComplianceClient, ServiceCalls
from runtime.caller import Caller
from runtime.config import load_settings
from tests.standin import standin_server, unary

OPERATOR = Caller(tenant_id="agency", user_id="olga", role="operator")


class TimedCompliance:
    """Compliance's register calls, answering at once with the seconds the caller allowed."""

    def __init__(self) -> None:
        self.allowed: dict[str, float] = {}

    async def reload_register(
        self, request: compliance_pb2.ReloadRegisterRequest, context: Any
    ) -> compliance_pb2.RegisterInfo:
        self.allowed["ReloadRegister"] = context.time_remaining()
        return compliance_pb2.RegisterInfo(entry_count=1)

    async def register_info(
        self, request: compliance_pb2.GetRegisterInfoRequest, context: Any
    ) -> compliance_pb2.RegisterInfo:
        self.allowed["GetRegisterInfo"] = context.time_remaining()
        return compliance_pb2.RegisterInfo(entry_count=1)

    def methods(self) -> dict[str, grpc.RpcMethodHandler[Any, Any]]:
        return {
            "ReloadRegister": unary(self.reload_register, compliance_pb2.ReloadRegisterRequest),
            "GetRegisterInfo": unary(self.register_info, compliance_pb2.GetRegisterInfoRequest),
        }


@pytest.fixture
async def compliance() -> AsyncIterator[tuple[TimedCompliance, int]]:
    timed = TimedCompliance()
    async with standin_server(ComplianceClient.DESCRIPTOR.full_name, timed.methods()) as port:
        yield timed, port


async def test_the_register_reload_has_a_long_deadline_of_its_own(
    compliance: tuple[TimedCompliance, int],
) -> None:
    timed, port = compliance
    settings = load_settings({"C360_COMPLIANCE_ADDR": f"127.0.0.1:{port}"})
    calls = ServiceCalls(settings, {ComplianceClient.SERVICE: ComplianceClient.DESCRIPTOR})
    client = ComplianceClient(calls)
    try:
        await client.reload_register(OPERATOR, "")
        await client.register_info(OPERATOR)
    finally:
        await calls.close()
    assert REGISTER_RELOAD_DEADLINE >= 60
    # The server's clock reads the deadline a little apart from the client's.
    assert abs(timed.allowed["ReloadRegister"] - REGISTER_RELOAD_DEADLINE) < 5
    assert abs(timed.allowed["GetRegisterInfo"] - settings.service_deadline) < 0.5
