"""The gateway's ASGI application: GraphQL (and GraphiQL) at /graphql, /healthz, /readyz,
and /metrics for operators (Prometheus text)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
import orjson
from cross_web import AsyncHTTPRequestAdapter
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry import trace
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import UNSET
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UnsetType

from gateway.auth import Authenticator
from gateway.clients import ServiceClients
from gateway.context import RequestContext
from gateway.errors import RequestRefused
from gateway.files import FileLinks, download
from gateway.limits import Limits, RequestSizeLimits, json_depth, load_limits
from gateway.live import LiveEvents
from gateway.persisted import PersistedQueries, load_manifest
from gateway.planner import Planner
from gateway.rates import RateLimits
from gateway.schema import build_schema
from gateway.schema.subscription import EVENT_PAYLOADS
from gateway.sections import SECTIONS
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

    def __init__(self, settings: Settings, limits: Limits) -> None:
        # Mutations that carry files use the GraphQL multipart request spec (gateway.files).
        super().__init__(
            build_schema(limits), graphql_ide="graphiql", multipart_uploads_enabled=True
        )
        self._settings = settings
        self._limits = limits
        trusted = load_manifest(settings.trusted_documents) if settings.trusted_documents else None
        self.persisted = PersistedQueries(trusted)
        # Set at start-up: gRPC channels and the NATS connection belong to the event loop
        # that serves requests.
        self.clients: ServiceClients | None = None
        self.live = LiveEvents(settings.nats_url, EVENT_PAYLOADS)
        self.planner = Planner(SECTIONS)
        self.files = FileLinks(settings)
        self.auth = Authenticator(settings)
        self.rates = RateLimits(
            per_second=settings.rate_per_second,
            burst=settings.rate_burst,
            partner_per_second=settings.partner_rate_per_second,
        )

    async def get_context(self, request: Request | WebSocket, response: Any) -> RequestContext:
        assert self.clients is not None, "the application has not started"
        if isinstance(request, Request) and self.should_render_graphql_ide(
            self.request_adapter_class(request)
        ):
            # The GraphiQL page itself is public; the queries it sends carry a token.
            return RequestContext(
                caller=ANONYMOUS,
                clients=self.clients,
                live=self.live,
                planner=self.planner,
                files=self.files,
            )
        if isinstance(request, WebSocket):
            # Browsers cannot set headers on a WebSocket: the token may come in the
            # connection_init payload instead (see on_ws_connect).
            header = request.headers.get("authorization")
            context = RequestContext(
                caller=ANONYMOUS,
                clients=self.clients,
                live=self.live,
                planner=self.planner,
                files=self.files,
            )
            if header:
                # A bad header does not end the upgrade here: the connection is refused at
                # its init message (4403), unless that message brings a valid token.
                with contextlib.suppress(RequestRefused):
                    context.authenticate(await self._caller(header))
            return context
        caller = await self._caller(request.headers.get("authorization"))
        self.limit(caller)
        return RequestContext(
            caller=caller,
            clients=self.clients,
            live=self.live,
            planner=self.planner,
            files=self.files,
        )

    def limit(self, caller: Caller) -> None:
        """Refuses, 429 with Retry-After, a caller over its rate (gateway.rates)."""
        wait = self.rates.wait(caller)
        if wait:
            raise RequestRefused(
                429,
                "RATE_LIMITED",
                f"too many requests: retry in {wait} s",
                headers={"Retry-After": str(wait)},
            )

    async def _caller(self, authorization: str | None) -> Caller:
        try:
            return await self.auth.caller(authorization)
        except Unauthenticated as exc:
            raise RequestRefused(401, "UNAUTHENTICATED", exc.message) from None

    async def on_ws_connect(self, context: RequestContext) -> UnsetType | dict[str, object] | None:
        params = context.connection_params or {}
        authorization = params.get("Authorization") or params.get("authorization")
        if isinstance(authorization, str):
            try:
                context.authenticate(await self.auth.caller(authorization))
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
        except RequestRefused as error:
            response = Response(
                orjson.dumps(error.body()),
                status_code=error.status,
                media_type="application/json",
                headers=error.headers,
            )
            await response(scope, receive, send)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: RequestContext,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # Queries over GET (cacheable) or POST, mutations over POST only; subscriptions over
        # the WebSocket, where they can stream.
        allowed = (
            {OperationType.QUERY}
            if request_adapter.method == "GET"
            else {OperationType.QUERY, OperationType.MUTATION}
        )
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as error:
            if error.operation_type == OperationType.SUBSCRIPTION:
                message = "subscriptions are served over a WebSocket (graphql-transport-ws)"
            else:
                message = "mutations are not allowed over GET; use POST"
            raise RequestRefused(405, "METHOD_NOT_ALLOWED", message) from None
        except CannotGetOperationTypeError as error:
            raise RequestRefused(
                400, "GRAPHQL_VALIDATION_FAILED", error.as_http_error_reason()
            ) from None
        except MissingQueryError:
            raise RequestRefused(
                400, "BAD_REQUEST", "no GraphQL query found in the request"
            ) from None

    async def render_graphql_ide(self, request: Request) -> Response:
        # Our own page over assets shipped with the gateway: no CDN, so it works offline.
        return HTMLResponse(GRAPHIQL_PAGE)

    def parse_json(self, data: str | bytes) -> Any:
        # orjson refuses invalid UTF-8 and stops at 1,024 levels instead of overflowing the
        # stack; variables are then held to the gateway's own, much smaller, nesting limit.
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            raise RequestRefused(
                400, "BAD_REQUEST", "the request body is not valid JSON in UTF-8"
            ) from None
        if isinstance(parsed, dict):
            limit = self._limits.max_variables_depth
            if json_depth(parsed.get("variables"), limit) > limit:
                raise RequestRefused(
                    400, "BAD_REQUEST", f"variables nest deeper than {limit} levels"
                )
        return parsed

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


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


def create_app(settings: Settings, limits: Limits | None = None) -> Starlette:
    limits = limits or load_limits()
    graphql_app = ClientFileGraphQL(settings, limits)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        # Ready means this gateway can serve: a service that is down only nulls its own
        # sections, so it must not take every gateway replica out of rotation. The services'
        # health is reported beside, checked in parallel, for operators.
        clients: ServiceClients = request.app.state.clients

        async def check(service: str) -> str:
            stub = health_pb2_grpc.HealthStub(clients.calls.channel(service))
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
            except grpc.aio.AioRpcError as exc:
                return exc.code().name
            return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))

        statuses = await asyncio.gather(*(check(service) for service in SERVICE_NAMES))
        services = dict(zip(SERVICE_NAMES, statuses, strict=True))
        return JSONResponse({"ready": True, "services": services})

    async def files(request: Request) -> Response:
        return await download(
            request,
            graphql_app.auth,
            graphql_app.files,
            request.app.state.clients,
            graphql_app.limit,
        )

    async def metrics(request: Request) -> Response:
        # Prometheus text format; the test harness also waits on it for a subscription to be
        # registered before it triggers the events that subscription should receive.
        return PlainTextResponse(
            "# HELP c360_gateway_subscriptions Open GraphQL subscriptions fed by live events.\n"
            "# TYPE c360_gateway_subscriptions gauge\n"
            f"c360_gateway_subscriptions {graphql_app.live.subscriber_count()}\n",
            media_type="text/plain; version=0.0.4; charset=utf-8",
        )

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
            Route("/metrics", metrics),
            Route("/files/{service}/{file_id}", files, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(TracingMiddleware)
    app.add_middleware(RequestSizeLimits, limits=limits)
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
