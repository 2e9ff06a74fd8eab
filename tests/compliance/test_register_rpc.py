"""Reloading the asset-freeze register over a real compliance gRPC server: only a platform
operator reloads, from the configured source or an allow-listed URL; every other source gets
one and the same answer, and the register info never shows a server path."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest

from client360.compliance.v1 import compliance_pb2, compliance_pb2_grpc
from runtime.caller import Caller
from runtime.errors import FieldViolation, InvalidInput
from runtime.rpc import caller_metadata, error_from_rpc
from services.compliance.sample_register import SAMPLE_REGISTER_PATH
from services.compliance.sources import SOURCE_RULE
from tests.compliance.register_server import (
    RegisterFiles,
    closed_port,
    serving_register_files,
    small_register,
)
from tests.harness import ROOT, NatsServer, ServiceProcess, free_port, wait_serving

SAMPLE_ENTRIES = 302
OPERATOR = Caller("*", "ops", "operator")
TENANT_ADMIN = Caller("agency-a", "root", "admin")
ADVISOR = Caller("agency-a", "alice", "advisor")
ALLOWED_PATH = "/allowed/register.json"


@pytest.fixture(scope="module")
def published() -> Iterator[RegisterFiles]:
    with serving_register_files() as files:
        files.publish(
            ALLOWED_PATH,
            small_register(
                published="2026-11-21T09:00:00", entry_id=1, first="Boris", last="TESTOV"
            ),
        )
        files.publish("/private/register.json", SAMPLE_REGISTER_PATH.read_bytes())
        yield files


@pytest.fixture(scope="module")
def compliance_process(
    tmp_path_factory: pytest.TempPathFactory, published: RegisterFiles
) -> Iterator[ServiceProcess]:
    """The compliance service alone, with NATS, allow-listing one exact loopback URL."""
    directory = Path(tmp_path_factory.mktemp("register-rpc"))
    nats = NatsServer(directory / "nats")
    port = free_port()
    process = ServiceProcess(
        "compliance",
        "services.compliance",
        {
            "C360_DATA_DIR": str(directory / "data"),
            "C360_NATS_URL": nats.url,
            "C360_COMPLIANCE_ADDR": f"127.0.0.1:{port}",
            "C360_LOG_LEVEL": "WARNING",
            "C360_FREEZE_REGISTER_ALLOWED_URLS": published.url + ALLOWED_PATH,
        },
        port,
        directory / "compliance.log",
    )
    nats.start()
    try:
        process.start()
        process.wait_ready()
        yield process
    finally:
        process.stop()
        nats.stop()


@pytest.fixture(scope="module")
async def stub(
    compliance_process: ServiceProcess,
) -> AsyncIterator[compliance_pb2_grpc.ComplianceServiceAsyncStub]:
    address = f"127.0.0.1:{compliance_process.port}"
    await wait_serving(address)
    async with grpc.aio.insecure_channel(address) as channel:
        yield compliance_pb2_grpc.ComplianceServiceStub(channel)


async def _reload(
    stub: compliance_pb2_grpc.ComplianceServiceAsyncStub, caller: Caller, source: str
) -> compliance_pb2.RegisterInfo:
    return await stub.ReloadRegister(
        compliance_pb2.ReloadRegisterRequest(source=source),
        metadata=caller_metadata(caller),
        timeout=30,
    )


async def _info(
    stub: compliance_pb2_grpc.ComplianceServiceAsyncStub,
) -> compliance_pb2.RegisterInfo:
    return await stub.GetRegisterInfo(
        compliance_pb2.GetRegisterInfoRequest(), metadata=caller_metadata(ADVISOR), timeout=5
    )


async def test_the_register_info_shows_date_and_size_but_no_server_path(
    stub: compliance_pb2_grpc.ComplianceServiceAsyncStub,
) -> None:
    info = await _info(stub)
    assert info.entry_count == SAMPLE_ENTRIES
    assert info.published_at.ToJsonString() == "2026-11-20T08:00:00Z"
    assert info.loaded_at.seconds > 0
    assert info.source == ""


async def test_a_tenant_admin_is_denied_and_the_register_stays(
    stub: compliance_pb2_grpc.ComplianceServiceAsyncStub, published: RegisterFiles
) -> None:
    before = await _info(stub)
    for source in ("", published.url + ALLOWED_PATH):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await _reload(stub, TENANT_ADMIN, source)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert await _info(stub) == before


async def test_an_operator_reloads_from_the_allow_listed_url_and_back(
    stub: compliance_pb2_grpc.ComplianceServiceAsyncStub, published: RegisterFiles
) -> None:
    try:
        loaded = await _reload(stub, OPERATOR, published.url + ALLOWED_PATH)
        assert loaded.entry_count == 1
        assert loaded.published_at.ToJsonString() == "2026-11-21T08:00:00Z"
        # A loopback URL is no public source: not shown.
        assert loaded.source == ""
        assert await _info(stub) == loaded
    finally:
        restored = await _reload(stub, OPERATOR, "")
    assert restored.entry_count == SAMPLE_ENTRIES
    assert restored.source == ""


async def test_a_path_a_file_url_and_a_loopback_url_get_the_same_refusal(
    stub: compliance_pb2_grpc.ComplianceServiceAsyncStub, published: RegisterFiles, tmp_path: Path
) -> None:
    existing = tmp_path / "register.json"
    existing.write_bytes(SAMPLE_REGISTER_PATH.read_bytes())
    sources = [
        str(existing),
        str(SAMPLE_REGISTER_PATH),
        str(tmp_path / "missing.json"),
        "/etc/passwd",
        f"file://{existing}",
        "file:///etc/passwd",
        published.url + "/private/register.json",
        published.url + "/private/missing.json",
        f"http://127.0.0.1:{closed_port()}/register.json",
        "http://169.254.169.254/latest/meta-data/",
    ]
    before = await _info(stub)
    requested_before = list(published.requested)
    answers = set()
    for source in sources:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await _reload(stub, OPERATOR, source)
        error = error_from_rpc(refused.value, "compliance")
        assert isinstance(error, InvalidInput), source
        answers.add((refused.value.code(), refused.value.details(), tuple(error.violations)))
    assert answers == {
        (
            grpc.StatusCode.INVALID_ARGUMENT,
            f"source: {SOURCE_RULE}",
            (FieldViolation("source", SOURCE_RULE),),
        )
    }
    assert published.requested == requested_before
    assert await _info(stub) == before


async def _run_reload_command(process: ServiceProcess, *arguments: str) -> tuple[int, str]:
    command = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.compliance",
        "reload",
        *arguments,
        env={**os.environ, **process.env},
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await command.communicate()
    assert command.returncode is not None
    return command.returncode, output.decode()


async def test_the_reload_command_reloads_as_a_platform_operator(
    stub: compliance_pb2_grpc.ComplianceServiceAsyncStub,
    compliance_process: ServiceProcess,
    published: RegisterFiles,
) -> None:
    try:
        code, output = await _run_reload_command(compliance_process, published.url + ALLOWED_PATH)
        assert code == 0, output
        assert "entries: 1" in output
    finally:
        code, output = await _run_reload_command(compliance_process)
    assert code == 0, output
    assert "entries: 302" in output
    assert str(SAMPLE_REGISTER_PATH) not in output

    code, output = await _run_reload_command(compliance_process, "/etc/passwd")
    assert code == 1
    assert SOURCE_RULE in output
