"""``python -m gateway`` serves the gateway with uvicorn (uvloop, httptools)."""

from __future__ import annotations

import logging

import uvicorn

from gateway.app import create_app
from runtime.config import load_settings
from runtime.logs import configure_logging
from runtime.telemetry import configure_telemetry


def main() -> None:
    settings = load_settings()
    configure_logging("gateway", settings.log_level)
    # uvicorn logs each WebSocket's URL at info; a client may have put its token there.
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
    configure_telemetry("gateway", settings)
    uvicorn.run(
        create_app(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
