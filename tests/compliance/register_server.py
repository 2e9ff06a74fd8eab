"""A local HTTP server that publishes register files as the DG Trésor site does, and notes
every path it was asked for, so that a test can tell a refused URL was never requested."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class RegisterFiles:
    """What the server answers, by path: a file's bytes or a redirect; anything else is 404."""

    def __init__(self) -> None:
        self.url = ""
        self.files: dict[str, bytes] = {}
        self.redirects: dict[str, str] = {}
        self.requested: list[str] = []
        self.hosts: list[str] = []

    def publish(self, path: str, body: bytes | str) -> str:
        """Serve ``body`` at ``path``; returns its URL."""
        self.files[path] = body.encode("utf-8") if isinstance(body, str) else body
        return self.url + path

    def redirect(self, path: str, location: str) -> str:
        self.redirects[path] = location
        return self.url + path


def _handler(files: RegisterFiles) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            files.requested.append(self.path)
            files.hosts.append(self.headers.get("Host", ""))
            if self.path in files.redirects:
                self.send_response(302)
                self.send_header("Location", files.redirects[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = files.files.get(self.path)
            if body is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """No access log on the test output."""

    return Handler


@contextmanager
def serving_register_files(tls: ssl.SSLContext | None = None) -> Iterator[RegisterFiles]:
    """Serve over http, or over https with the ``tls`` server context."""
    files = RegisterFiles()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(files))
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        scheme = "http" if tls is None else "https"
        files.url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
        yield files
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port() -> int:
    """A port nothing listens on: bind one, note it, release it."""
    probe = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = int(probe.server_address[1])
    probe.server_close()
    return port


def small_register(*, published: str, entry_id: int, first: str, last: str) -> str:
    """A well-formed publication of one person."""
    person = {
        "IdRegistre": entry_id,
        "Nature": "Personne physique",
        "Nom": last,
        "RegistreDetail": [{"TypeChamp": "PRENOM", "Valeur": [{"Prenom": first}]}],
    }
    return json.dumps(
        {"Publications": {"DatePublication": published, "PublicationDetail": [person]}}
    )
