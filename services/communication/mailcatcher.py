"""The development mail catcher: a small SMTP server (aiosmtpd) that keeps every message it
receives as an ``.eml`` file instead of delivering it, so that a newcomer running `make run`
sees what the platform sent (open the files with any mail client, or read them as text).

``python -m services.communication.mailcatcher --port 1025 --dir var/mail`` runs it; `make run`
starts it and points the communication service's C360_SMTP_* at it. Each message is written as
``<dir>/<UTC moment>-<n>.eml`` (written whole, then renamed) and logged on one line: sender,
recipients, subject.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import os
import signal
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger("mailcatcher")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 1025


class CatchingHandler:
    """aiosmtpd's handler: every message accepted and kept under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._numbers = itertools.count(1)

    async def handle_DATA(  # noqa: N802 (the hook aiosmtpd calls)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        # The bytes as they came (aiosmtpd decodes nothing unless told to).
        raw = envelope.original_content or envelope.content or b""
        content = raw if isinstance(raw, bytes) else raw.encode()
        path = await asyncio.to_thread(self._keep, content)
        message = message_from_bytes(content, policy=policy.default)
        print(
            f"mail caught: from {envelope.mail_from} to {', '.join(envelope.rcpt_tos)} "
            f"subject {str(message.get('Subject', ''))!r} -> {path}",
            flush=True,
        )
        return "250 Message accepted for delivery"

    def _keep(self, content: bytes) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        moment = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.directory / f"{moment}-{next(self._numbers):04d}.eml"
        temporary = path.with_suffix(".part")
        temporary.write_bytes(content)
        os.replace(temporary, path)
        return path


def caught(directory: Path) -> list[EmailMessage]:
    """The messages caught under ``directory``, oldest first."""
    if not directory.exists():
        return []
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(directory.glob("*.eml"))
    ]


def start_catcher(directory: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> Any:
    """A catcher serving in a thread of its own (for tests); ``.stop()`` ends it."""
    controller = Controller(CatchingHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


async def serve(directory: Path, host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    handler = CatchingHandler(directory)
    server = await loop.create_server(lambda: SMTP(handler), host=host, port=port)
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    print(f"mail catcher listening on {host}:{port}, keeping mail in {directory}", flush=True)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("C360_SMTP_HOST", DEFAULT_HOST))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("C360_SMTP_PORT", DEFAULT_PORT))
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(os.environ.get("C360_DATA_DIR", "var")) / "mail",
        help="where the .eml files go (default: <data dir>/mail)",
    )
    args = parser.parse_args(argv)
    asyncio.run(serve(args.dir.resolve(), args.host, args.port))


if __name__ == "__main__":
    main()
