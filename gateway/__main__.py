"""``python -m gateway`` serves the gateway with uvicorn (uvloop, httptools), in
``C360_GATEWAY_WORKERS`` processes sharing its port (1 by default)."""

from __future__ import annotations

import logging
from typing import Any

import uvicorn
from starlette.applications import Starlette

from gateway.app import create_app
from runtime.config import load_settings
from runtime.logs import configure_logging
from runtime.telemetry import configure_telemetry


def serving_app() -> Starlette:
    """The gateway of one process, from its environment: each worker process builds its own
    (its gRPC channels, its NATS subscription feeding its own subscriptions)."""
    settings = load_settings()
    configure_logging("gateway", settings.log_level)
    # uvicorn logs each WebSocket's URL at info; a client may have put its token there.
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
    configure_telemetry("gateway", settings)
    return create_app(settings)


def main() -> None:
    settings = load_settings()
    options: dict[str, Any] = {
        "host": settings.gateway_host,
        "port": settings.gateway_port,
        "loop": "uvloop",
        "http": "httptools",
        "log_config": None,
        "access_log": False,
    }
    if settings.gateway_workers == 1:
        uvicorn.run(serving_app(), **options)
    else:
        # Worker processes share the port; each builds its app in its own process.
        uvicorn.run(
            "gateway.__main__:serving_app",
            factory=True,
            workers=settings.gateway_workers,
            **options,
        )


if __name__ == "__main__":
    main()
