"""Text messages leave through a provider behind one small interface. The development
provider records each message as a line of JSON in a file under the data directory, so that
a newcomer running `make run` can see what was sent; a real provider (an HTTP API) implements
the same interface."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import orjson

from runtime.clock import now_iso
from runtime.ids import new_id


@dataclass(frozen=True, slots=True)
class Receipt:
    """The provider's answer: its id of the message, or why it refused it."""

    provider_message_id: str
    refused: str = ""


class SmsProvider(Protocol):
    async def send(self, *, message_id: str, number: str, text: str) -> Receipt:
        """Hand one message over; ``message_id`` is ours, for the provider's deduplication
        (a message may be handed over again after a crash)."""
        ...


class RecordingSmsProvider:
    """The development provider: appends every message to ``path`` (JSON lines)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def send(self, *, message_id: str, number: str, text: str) -> Receipt:
        line = {"id": message_id, "to": number, "text": text, "at": now_iso()}
        await asyncio.to_thread(self._append, orjson.dumps(line) + b"\n")
        return Receipt(provider_message_id=f"dev-{new_id()}")

    def _append(self, line: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as out:
            out.write(line)


def recorded(path: Path) -> list[dict[str, str]]:
    """What the development provider recorded, oldest first."""
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line]
