"""`make run`: NATS, every service and the gateway as separate processes under one command.

Children run in their own sessions so that Ctrl-C reaches only this supervisor, which then
stops them in order: gateway first, services next, broker last, each with a grace period.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from runtime.config import Settings, load_settings
from runtime.natsd import nats_server_command
from runtime.services import SERVICES

STOP_GRACE_SECONDS = 10.0
START_TIMEOUT_SECONDS = 60.0


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_for_port(host: str, port: int, process: subprocess.Popen[bytes], name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with code {process.returncode} while starting")
        if _port_open(host, port):
            return
        time.sleep(0.1)
    raise SystemExit(f"{name} did not open {host}:{port} within {START_TIMEOUT_SECONDS:.0f} s")


def _host_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host, int(port)


class Supervisor:
    def __init__(self, settings: Settings, *, stop_grace: float = STOP_GRACE_SECONDS) -> None:
        self._settings = settings
        self._stop_grace = stop_grace
        self._children: list[tuple[str, subprocess.Popen[bytes]]] = []

    def _start(self, name: str, argv: list[str], env: dict[str, str], address: str) -> None:
        """Start a child and wait until it listens on ``address``. A port that is already
        open belongs to someone else (often a broker left over from an earlier run): waiting
        on it would take that process for ours."""
        host, port = _host_port(address)
        if _port_open(host, port):
            raise SystemExit(f"{name} cannot start: {host}:{port} is already in use")
        process = subprocess.Popen(argv, env=env, start_new_session=True)
        self._children.append((name, process))
        _wait_for_port(host, port, process, name)

    def start_all(self) -> None:
        settings = self._settings
        env = {**os.environ, "C360_DATA_DIR": str(settings.data_dir)}
        env.setdefault("C360_DEMO_DATA", "true")
        nats_url = urlparse(settings.nats_url)
        nats_host, nats_port = nats_url.hostname or "127.0.0.1", nats_url.port or 4222
        (settings.data_dir / "nats").mkdir(parents=True, exist_ok=True)
        self._start(
            "nats-server",
            nats_server_command(
                nats_port,
                settings.data_dir / "nats",
                host=nats_host,
                log_file=settings.data_dir / "nats.log",
            ),
            env,
            f"{nats_host}:{nats_port}",
        )
        for spec in SERVICES:
            self._start(
                spec.name,
                [sys.executable, "-m", spec.module],
                env,
                settings.service_addr(spec.name),
            )
        self._start(
            "gateway",
            [sys.executable, "-m", "gateway"],
            env,
            f"{settings.gateway_host}:{settings.gateway_port}",
        )

    def wait(self) -> int:
        """Block until a child exits or a stop signal arrives; return the exit code."""
        while True:
            for name, process in self._children:
                if process.poll() is not None:
                    print(f"{name} exited with code {process.returncode}", file=sys.stderr)
                    return 1
            time.sleep(0.5)

    def stop_all(self) -> None:
        for name, process in reversed(self._children):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(self._stop_grace)
                except subprocess.TimeoutExpired:
                    print(f"{name} did not stop in time, killing it", file=sys.stderr)
                    process.kill()
                    process.wait()


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    settings = load_settings()
    supervisor = Supervisor(settings)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    code = 0
    try:
        supervisor.start_all()
        url = f"http://{settings.gateway_host}:{settings.gateway_port}/graphql"
        print(
            f"\nClient 360 is running.\n"
            f"  GraphiQL:  {url}\n"
            f"  Token:     make token TENANT={settings.demo_tenant} ROLE=advisor\n"
            f"             (paste it in GraphiQL's headers as "
            f'{{"Authorization": "Bearer <token>"}})\n'
            f"  Data:      {Path(settings.data_dir)}\n"
            f"Press Ctrl-C to stop.\n",
            flush=True,
        )
        code = supervisor.wait()
    except KeyboardInterrupt:
        print("\nstopping…", file=sys.stderr)
    finally:
        supervisor.stop_all()
    sys.exit(code)


if __name__ == "__main__":
    main()
