"""Per-request state: the caller, the service clients, and the planner that fetches the
sections of the clients a request shows, and the signer of file links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import strawberry

from gateway.clients import ServiceClients
from gateway.live import LiveEvents
from runtime.caller import Caller

if TYPE_CHECKING:
    from gateway.files import FileLinks
    from gateway.planner import Planner


@dataclass
class RequestContext:
    """Built per HTTP request, or once per WebSocket connection (the caller is then set when
    the connection's init message brings its token)."""

    caller: Caller
    clients: ServiceClients
    live: LiveEvents
    planner: Planner
    # Signs the links a record's fields give to its files (see gateway.files).
    files: FileLinks
    # Filled by Strawberry from a WebSocket's connection_init payload.
    connection_params: dict[str, Any] | None = None

    def authenticate(self, caller: Caller) -> None:
        self.caller = caller


Info = strawberry.Info[RequestContext, None]
