"""`make run`: NATS, every service and the gateway as separate processes under one command.

Children run in their own sessions so that Ctrl-C reaches only this supervisor. A child that
dies is started again after a pause that doubles with each quick death (1 s up to 30 s), while
the others go on serving. Ctrl-C or SIGTERM stops them in order: gateway first, services next,
broker last, each with a grace period; a second Ctrl-C during the stop cuts the graces short.
Whatever happens, no child (nats-server least of all) is left running.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from runtime.config import Settings, load_settings, parse, positive_float
from runtime.natsd import nats_server_command
from runtime.services import SERVICES

STOP_GRACE_SECONDS = 10.0
START_TIMEOUT_SECONDS = 60.0
FIRST_RESTART_PAUSE = 1.0
MAX_RESTART_PAUSE = 30.0
# A child that ran this long before dying starts its backoff afresh.
STABLE_SECONDS = 30.0
# The development mail catcher (an SMTP server keeping what it receives as .eml files), started
# unless C360_SMTP_HOST names a real mail server; the services' mail goes to it.
MAIL_CATCHER_MODULE = "services.communication.mailcatcher"
MAIL_CATCHER_PORT = "1025"


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_for_port(
    host: str, port: int, process: subprocess.Popen[bytes], name: str, stop: threading.Event
) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if stop.is_set():
            raise SystemExit(f"stopped while {name} was starting")
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with code {process.returncode} while starting")
        if _port_open(host, port):
            return
        time.sleep(0.1)
    raise SystemExit(f"{name} did not open {host}:{port} within {START_TIMEOUT_SECONDS:.0f} s")


def _host_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host, int(port)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Child:
    """One supervised process, and its restart backoff."""

    name: str
    argv: list[str]
    env: dict[str, str]
    address: str
    process: subprocess.Popen[bytes]
    started_at: float = field(default_factory=time.monotonic)
    quick_deaths: int = 0
    restart_at: float | None = None

    def spawn(self) -> None:
        self.process = subprocess.Popen(self.argv, env=self.env, start_new_session=True)
        self.started_at = time.monotonic()
        self.restart_at = None


class Supervisor:
    def __init__(self, settings: Settings, *, stop_grace: float = STOP_GRACE_SECONDS) -> None:
        self._settings = settings
        self._stop_grace = stop_grace
        self._children: list[Child] = []
        # Where the development mail catcher keeps what was sent; None when not started.
        self.mail_dir: Path | None = None
        # Set by the first stop signal: the start is abandoned, watching ends.
        self.stop = threading.Event()
        # Set by a second stop signal: the remaining graces are cut short.
        self.hurry = threading.Event()

    def _start(self, name: str, argv: list[str], env: dict[str, str], address: str) -> None:
        """Start a child and wait until it listens on ``address``. A port that is already
        open belongs to someone else (often a broker left over from an earlier run): waiting
        on it would take that process for ours."""
        host, port = _host_port(address)
        if _port_open(host, port):
            raise SystemExit(f"{name} cannot start: {host}:{port} is already in use")
        process = subprocess.Popen(argv, env=env, start_new_session=True)
        self._children.append(Child(name, argv, env, address, process))
        _wait_for_port(host, port, process, name, self.stop)

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
        if not env.get("C360_SMTP_HOST"):
            env["C360_SMTP_HOST"] = "127.0.0.1"
            smtp_port = env.setdefault("C360_SMTP_PORT", MAIL_CATCHER_PORT)
            self.mail_dir = settings.data_dir / "mail"
            self._start(
                "mail-catcher",
                [sys.executable, "-m", MAIL_CATCHER_MODULE, "--dir", str(self.mail_dir)],
                env,
                f"127.0.0.1:{smtp_port}",
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

    def watch(self) -> None:
        """Until ``stop`` is set: start again, after its backoff, any child that died."""
        while not self.stop.is_set():
            self.tend()
            self.stop.wait(0.2)

    def tend(self) -> None:
        """One round of watching: note the children that died, restart those whose pause is
        over."""
        now = time.monotonic()
        for child in self._children:
            if child.restart_at is None and child.process.poll() is not None:
                if now - child.started_at >= STABLE_SECONDS:
                    child.quick_deaths = 0
                pause = min(FIRST_RESTART_PAUSE * 2**child.quick_deaths, MAX_RESTART_PAUSE)
                child.quick_deaths += 1
                child.restart_at = now + pause
                _say(
                    f"{child.name} exited with code {child.process.returncode}; "
                    f"restarting in {pause:.0f} s"
                )
            elif child.restart_at is not None and now >= child.restart_at:
                child.spawn()
                _say(f"{child.name} restarted")

    def stop_all(self) -> None:
        """Stop every child in reverse start order, each with its grace period (cut short
        once ``hurry`` is set); whatever outlives it is killed."""
        try:
            for child in reversed(self._children):
                self._stop(child)
        finally:
            for child in self._children:  # an exception above must not leave one running
                if child.process.poll() is None:
                    child.process.kill()
                    child.process.wait()

    def _stop(self, child: Child) -> None:
        process = child.process
        if process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self._stop_grace
        while process.poll() is None and time.monotonic() < deadline and not self.hurry.is_set():
            try:
                process.wait(0.1)
            except subprocess.TimeoutExpired:
                continue
        if process.poll() is None:
            _say(f"{child.name} did not stop in time, killing it")
            process.kill()
            process.wait()


def main() -> None:
    settings = load_settings()
    grace = parse(os.environ, "C360_STOP_GRACE", str(STOP_GRACE_SECONDS), positive_float)
    supervisor = Supervisor(settings, stop_grace=grace)

    def first_signal(signum: int, frame: object) -> None:
        supervisor.stop.set()
        # From now on a signal only hurries the stop along; it never interrupts it.
        signal.signal(signal.SIGINT, lambda s, f: supervisor.hurry.set())
        signal.signal(signal.SIGTERM, lambda s, f: supervisor.hurry.set())

    signal.signal(signal.SIGINT, first_signal)
    signal.signal(signal.SIGTERM, first_signal)
    code = 0
    try:
        supervisor.start_all()
        if not supervisor.stop.is_set():
            url = f"http://{settings.gateway_host}:{settings.gateway_port}/graphql"
            print(
                f"\nClient 360 is running.\n"
                f"  GraphiQL:  {url}\n"
                f"  Token:     make token TENANT={settings.demo_tenant} ROLE=advisor\n"
                f"             (paste it in GraphiQL's headers as "
                f'{{"Authorization": "Bearer <token>"}})\n'
                f"  Data:      {Path(settings.data_dir)}\n"
                + (
                    f"  Sent mail: {supervisor.mail_dir} (one .eml file per email, kept by the "
                    f"development mail catcher)\n"
                    if supervisor.mail_dir
                    else ""
                )
                + "Press Ctrl-C to stop.\n",
                flush=True,
            )
            supervisor.watch()
        _say("\nstopping…")
    except SystemExit as exc:
        _say(str(exc))
        code = 0 if supervisor.stop.is_set() else 1
    finally:
        supervisor.stop_all()
    sys.exit(code)


if __name__ == "__main__":
    main()
