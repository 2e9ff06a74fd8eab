"""`make run`'s supervisor with real children on free ports: the broker first, then the
services in the registry's order, then the gateway; a port someone else holds stops the
start; a child that dies is started again while the others serve on; a stop goes in reverse
order, kills what outlives its grace period (at once after a second Ctrl-C), and leaves
nothing running.

Children are found through /proc by the data directory in their environment, so the tests
see what is really left running, whoever started it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from runtime.config import load_settings
from runtime.services import SERVICES
from runtime.supervisor import Supervisor
from tests.harness import ROOT, free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")

TIMEOUT = 60.0
# What each child runs, in start order.
START_ORDER = [
    "nats-server",
    "services.communication.mailcatcher",
    *(spec.module for spec in SERVICES),
    "gateway",
]


def _environment(data_dir: Path) -> dict[str, str]:
    return {
        "C360_DATA_DIR": str(data_dir),
        "C360_NATS_URL": f"nats://127.0.0.1:{free_port()}",
        "C360_GATEWAY_PORT": str(free_port()),
        "C360_SMTP_PORT": str(free_port()),
        "C360_DEMO_DATA": "false",
        "C360_LOG_LEVEL": "WARNING",
        "C360_TRACE_FILE": "",
        **{spec.address_variable: f"127.0.0.1:{free_port()}" for spec in SERVICES},
    }


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat from the state on (the command name before it may hold spaces)."""
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2 :].split()


def _program(cmdline: list[str]) -> str:
    """``nats-server``, or the module a ``python -m`` child runs."""
    if "-m" in cmdline[:-1]:
        return cmdline[cmdline.index("-m") + 1]
    return Path(cmdline[0]).name


def _running(data_dir: Path) -> dict[str, int]:
    """The supervisor's live children (found by ``data_dir`` in their environment), by
    program, in start order. Zombies are not running."""
    marker = f"C360_DATA_DIR={data_dir}".encode()
    found: list[tuple[int, int, str]] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        pid = int(entry.name)
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            fields = _stat_fields(pid)
            cmdline = (entry / "cmdline").read_bytes().decode().split("\0")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue  # gone meanwhile, or not ours to read
        program = _program(cmdline)
        if fields[0] != "Z" and program != "runtime.supervisor":
            found.append((int(fields[19]), pid, program))
    return {program: pid for _, pid, program in sorted(found)}


def _sigterm_pending(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("ShdPnd:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    return False


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    wait_until(condition, what=what, timeout=TIMEOUT)


class _SupervisorProcess:
    """``python -m runtime.supervisor``, as ``make run`` starts it, its output in files."""

    def __init__(self, tmp_path: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = (tmp_path / "data").resolve()
        self.env = env or _environment(self.data_dir)
        self.stdout = tmp_path / "supervisor.out"
        self.stderr = tmp_path / "supervisor.err"
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "runtime.supervisor"],
                env={**os.environ, **self.env},
                cwd=ROOT,
                stdout=out,
                stderr=err,
            )

    def wait_started(self) -> None:
        def started() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"the supervisor exited: {self.stderr.read_text()}")
            return "Client 360 is running" in self.stdout.read_text()

        _wait_until(started, "the supervisor did not report everything started")

    def wait_exit(self) -> int:
        return self.process.wait(TIMEOUT)

    def end(self) -> None:
        """Whatever the test did: no supervisor and no child of it outlives the test."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pid in _running(self.data_dir).values():
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[_SupervisorProcess]:
    running = _SupervisorProcess(tmp_path)
    try:
        yield running
    finally:
        running.end()


def test_make_run_starts_broker_services_gateway_in_order_and_ctrl_c_stops_them_all(
    supervisor: _SupervisorProcess,
) -> None:
    supervisor.wait_started()
    children = _running(supervisor.data_dir)
    assert list(children) == START_ORDER
    # Each child in a session of its own: the terminal's Ctrl-C reaches the supervisor only,
    # which then stops them in its own order.
    assert all(os.getsid(pid) != os.getsid(supervisor.process.pid) for pid in children.values())

    supervisor.process.send_signal(signal.SIGINT)
    assert supervisor.wait_exit() == 0
    assert _running(supervisor.data_dir) == {}


def test_a_port_already_taken_stops_the_start_and_leaves_no_broker_behind(
    tmp_path: Path,
) -> None:
    # Something else listens where the first service should: a leftover of an earlier run.
    first = SERVICES[0]
    env = _environment((tmp_path / "data").resolve())
    host, _, port = env[first.address_variable].rpartition(":")
    with socket.create_server((host, int(port))):
        running = _SupervisorProcess(tmp_path, env)
        try:
            assert running.wait_exit() == 1
            assert f"{first.name} cannot start: {host}:{port} is already in use" in (
                running.stderr.read_text()
            )
            assert _running(running.data_dir) == {}
        finally:
            running.end()


def test_a_child_that_dies_is_restarted_and_the_stop_goes_in_reverse_order_within_a_grace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = (tmp_path / "data").resolve()
    for name, value in _environment(data_dir).items():
        monkeypatch.setenv(name, value)  # the children read their settings from it
    supervisor = Supervisor(load_settings(), stop_grace=1.0)
    watching = threading.Thread(target=supervisor.watch)
    stopping = threading.Thread(target=supervisor.stop_all)
    first = SERVICES[0]
    try:
        supervisor.start_all()
        children = _running(data_dir)
        assert list(children) == START_ORDER
        watching.start()

        os.kill(children[first.module], signal.SIGKILL)
        _wait_until(
            lambda: (
                _running(data_dir).get(first.module, children[first.module])
                != children[first.module]
            ),
            "the dead service was not started again",
        )
        err = capsys.readouterr().err
        assert f"{first.name} exited with code -9; restarting in 1 s" in err
        assert f"{first.name} restarted" in err
        # The others served on: same processes as before.
        again = _running(data_dir)
        assert sorted(again) == sorted(START_ORDER)
        assert all(again[n] == children[n] for n in START_ORDER if n != first.module)
        supervisor.stop.set()
        watching.join(TIMEOUT)

        # Then the stop, with a gateway that does not answer its signal.
        os.kill(again["gateway"], signal.SIGSTOP)
        stopping.start()
        _wait_until(lambda: _sigterm_pending(again["gateway"]), "the gateway was not stopped")
        # While the gateway has its grace period, the others run on, not yet told to stop.
        others = [name for name in START_ORDER if name != "gateway"]
        assert sorted(_running(data_dir)) == sorted(START_ORDER)
        assert not any(_sigterm_pending(again[name]) for name in others)
        stopping.join(TIMEOUT)
    finally:
        supervisor.stop.set()
        if watching.is_alive():
            watching.join(TIMEOUT)
        if stopping.is_alive():
            stopping.join(TIMEOUT)
        else:
            supervisor.stop_all()
    assert _running(data_dir) == {}
    assert "gateway did not stop in time, killing it" in capsys.readouterr().err


def test_a_second_ctrl_c_cuts_the_stop_short_and_leaves_nothing_running(
    tmp_path: Path,
) -> None:
    data_dir = (tmp_path / "data").resolve()
    # A grace far longer than the test may wait: only the second signal can end the stop.
    env = {**_environment(data_dir), "C360_STOP_GRACE": "600"}
    running = _SupervisorProcess(tmp_path, env)
    try:
        running.wait_started()
        children = _running(running.data_dir)
        # A gateway that cannot answer its stop signal holds the stop for its whole grace.
        os.kill(children["gateway"], signal.SIGSTOP)
        running.process.send_signal(signal.SIGINT)
        _wait_until(lambda: "stopping" in running.stderr.read_text(), "the supervisor did not stop")
        running.process.send_signal(signal.SIGINT)
        assert running.wait_exit() == 0
        assert _running(running.data_dir) == {}
        assert "did not stop in time, killing it" in running.stderr.read_text()
    finally:
        running.end()
