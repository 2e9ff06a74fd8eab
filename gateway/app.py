"""The gateway's ASGI application: GraphQL (and GraphiQL) at /graphql, /healthz, /readyz."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry import trace
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import UNSET
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from gateway.auth import caller_from_header
from gateway.clients import ServiceClients
from gateway.context import RequestContext
from gateway.live import LiveEvents
from gateway.persisted import PersistedQueries, PersistedQueryError, load_manifest
from gateway.schema import build_schema
from gateway.schema.subscription import EVENT_PAYLOADS
from runtime.caller import Caller
from runtime.config import Settings
from runtime.errors import Unauthenticated
from runtime.services import SERVICE_NAMES
from runtime.telemetry import extract_context, tracer

log = logging.getLogger(__name__)

# GraphiQL 3.8.3 with React 18.3.1, vendored (licences beside them).
GRAPHIQL_ASSETS = Path(__file__).resolve().parent / "static" / "graphiql"
GRAPHIQL_PAGE = (GRAPHIQL_ASSETS / "index.html").read_text(encoding="utf-8")
_tracer = tracer(__name__)

ANONYMOUS = Caller(tenant_id="", user_id="", role="")


class ClientFileGraphQL(GraphQL[RequestContext, None]):
    """Strawberry's ASGI view with our caller, context and JSON encoder."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(build_schema(), graphql_ide="graphiql")
        self._settings = settings
        trusted = load_manifest(settings.trusted_documents) if settings.trusted_documents else None
        self.persisted = PersistedQueries(trusted)
        # Set at start-up: gRPC channels and the NATS connection belong to the event loop
        # that serves requests.
        self.clients: ServiceClients | None = None
        self.live = LiveEvents(settings.nats_url, EVENT_PAYLOADS)

    async def get_context(self, request: Request | WebSocket, response: Any) -> RequestContext:
        assert self.clients is not None, "the application has not started"
        if isinstance(request, Request) and self.should_render_graphql_ide(
            self.request_adapter_class(request)
        ):
            # The GraphiQL page itself is public; the queries it sends carry a token.
            return RequestContext(caller=ANONYMOUS, clients=self.clients, live=self.live)
        if isinstance(request, WebSocket):
            # Browsers cannot set headers on a WebSocket: the token may come in the
            # connection_init payload instead (see on_ws_connect).
            header = request.headers.get("authorization")
            context = RequestContext(caller=ANONYMOUS, clients=self.clients, live=self.live)
            if header:
                context.authenticate(self._caller(header))
            return context
        caller = self._caller(request.headers.get("authorization"))
        return RequestContext(caller=caller, clients=self.clients, live=self.live)

    def _caller(self, authorization: str | None) -> Caller:
        try:
            return caller_from_header(self._settings, authorization)
        except Unauthenticated as exc:
            raise HTTPException(401, exc.message) from None

    async def on_ws_connect(self, context: RequestContext) -> UnsetType | dict[str, object] | None:
        params = context.connection_params or {}
        authorization = params.get("Authorization") or params.get("authorization")
        if isinstance(authorization, str):
            try:
                context.authenticate(caller_from_header(self._settings, authorization))
            except Unauthenticated:
                raise ConnectionRejectionError({"code": "UNAUTHENTICATED"}) from None
        if context.caller is ANONYMOUS:
            raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
        accepted: UnsetType = UNSET
        return accepted

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A GET naming a persisted query by hash has no `query` but is not a page visit.
        return (
            super().should_render_graphql_ide(request)
            and request.query_params.get("extensions") is None
        )

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        parsed = await super().parse_http_body(request)
        if isinstance(parsed, list):
            return [self.persisted.resolve(item) for item in parsed]
        return self.persisted.resolve(parsed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except PersistedQueryError as error:
            response = Response(
                orjson.dumps(error.body()),
                status_code=error.status,
                media_type="application/json",
            )
            await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> Response:
        # Our own page over assets shipped with the gateway: no CDN, so it works offline.
        return HTMLResponse(GRAPHIQL_PAGE)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        for error in result.errors or ():
            if not error.extensions:
                # An error we did not raise on purpose: log it, do not leak its details.
                log.error("unexpected error", exc_info=error.original_error)
                error.message = "internal error"
                error.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return await super().process_result(request, result)


class TracingMiddleware:
    """One server span per HTTP request, continuing the caller's trace if it sent one."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        with _tracer.start_as_current_span(
            f"{scope['method']} {scope['path']}",
            context=extract_context(headers),
            kind=trace.SpanKind.SERVER,
        ):
            await self._app(scope, receive, send)


def create_app(settings: Settings) -> Starlette:
    graphql_app = ClientFileGraphQL(settings)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        checks: dict[str, str] = {}
        clients: ServiceClients = request.app.state.clients
        for service in SERVICE_NAMES:
            stub = health_pb2_grpc.HealthStub(clients.calls.channel(service))
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
                checks[service] = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
            except grpc.aio.AioRpcError as exc:
                checks[service] = exc.code().name
        ready = all(status == "SERVING" for status in checks.values())
        return JSONResponse({"ready": ready, "services": checks}, status_code=200 if ready else 503)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.clients = graphql_app.clients = ServiceClients(settings)
        graphql_app.live.start()
        yield
        await graphql_app.live.stop()
        await graphql_app.clients.close()

    app = Starlette(
        routes=[
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_app),
            # GraphiQL's script is 3.5 MB: served compressed (API responses are not, to save
            # the CPU on the hot path).
            Mount("/graphiql", GZipMiddleware(StaticFiles(directory=GRAPHIQL_ASSETS))),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(TracingMiddleware)
    # Browsers of the configured origins only (partner portals, the web front end); the
    # preflight of any other origin is refused.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "traceparent", "tracestate"],
        max_age=600,
    )
    return app
