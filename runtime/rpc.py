"""gRPC plumbing shared by every service and the gateway.

Server side: one interceptor reads the caller (tenant, user, role) and the trace context from
metadata, and maps the error hierarchy of runtime.errors to status codes, with field
violations as ``google.rpc.BadRequest``. Client side: the caller's metadata and trace context
are attached to each call, and status codes are mapped back to the same hierarchy.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import hmac
import os
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status
from opentelemetry import trace

from runtime.caller import ROLES, Caller
from runtime.config import SettingsError, load_settings
from runtime.errors import (
    Client360Error,
    Conflict,
    FieldViolation,
    InternalError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    Unauthenticated,
)
from runtime.telemetry import extract_context, inject_context, tracer

TENANT_KEY = "x-c360-tenant"
USER_KEY = "x-c360-user"
ROLE_KEY = "x-c360-role"

_tracer = tracer(__name__)
Response = TypeVar("Response")


# The caller is signed by whoever passes it (the gateway, a service's command line): the key is
# C360_CALLER_KEY, shared by the gateway and the services, and a signature holds this long.
AT_KEY = "x-c360-caller-at"
SIGNATURE_KEY = "x-c360-caller-sig"
CALLER_SIGNATURE_SECONDS = 300


def _caller_signature(key: bytes, tenant_id: str, user_id: str, role: str, at: str) -> str:
    signed = "\n".join((tenant_id, user_id, role, at)).encode()
    return hmac.new(key, signed, hashlib.sha256).hexdigest()


@functools.cache
def _environment_caller_key() -> bytes:
    return load_settings().caller_key.reveal().encode()


def caller_metadata(caller: Caller, key: bytes | None = None) -> tuple[tuple[str, str], ...]:
    """The caller as gRPC metadata, signed with ``key`` (C360_CALLER_KEY by default): a
    service takes no caller that is not signed, so none can be forged by a direct call."""
    at = str(int(time.time()))
    signature = _caller_signature(
        key or _environment_caller_key(), caller.tenant_id, caller.user_id, caller.role, at
    )
    return (
        (TENANT_KEY, caller.tenant_id),
        (USER_KEY, caller.user_id),
        (ROLE_KEY, caller.role),
        (AT_KEY, at),
        (SIGNATURE_KEY, signature),
    )


def signed_caller(metadata: Mapping[str, str], key: bytes, now: float) -> Caller | None:
    """The caller metadata names, if its signature is ``key``'s and recent; None otherwise."""
    tenant_id, user_id, role = (metadata.get(k, "") for k in (TENANT_KEY, USER_KEY, ROLE_KEY))
    at = metadata.get(AT_KEY, "")
    if not tenant_id or role not in ROLES or not at.isdigit():
        return None
    if abs(now - int(at)) > CALLER_SIGNATURE_SECONDS:
        return None
    expected = _caller_signature(key, tenant_id, user_id, role, at)
    if not hmac.compare_digest(expected, metadata.get(SIGNATURE_KEY, "")):
        return None
    return Caller(tenant_id, user_id, role)


_current_caller: contextvars.ContextVar[Caller] = contextvars.ContextVar("caller")

# What a servicer method receives beside its request (every service's servicers use it).
ServicerContext = grpc.aio.ServicerContext[Any, Any]


def current_caller() -> Caller:
    """The caller of the RPC being served (set by the server interceptor)."""
    return _current_caller.get()


_STATUS_OF: list[tuple[type[Client360Error], grpc.StatusCode]] = [
    (InvalidInput, grpc.StatusCode.INVALID_ARGUMENT),
    (NotFound, grpc.StatusCode.NOT_FOUND),
    (Conflict, grpc.StatusCode.ABORTED),
    (PermissionDenied, grpc.StatusCode.PERMISSION_DENIED),
    (Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (ServiceUnavailable, grpc.StatusCode.UNAVAILABLE),
]


# Field violations sent back with INVALID_ARGUMENT travel in the call's trailers, which the
# client caps (MAX_METADATA_BYTES below): beyond these limits they are summarised.
MAX_VIOLATIONS = 100
MAX_RULE_CHARS = 200
MAX_FIELD_CHARS = 100
MAX_MESSAGE_CHARS = 1000
MAX_METADATA_BYTES = 64 * 1024
# Files (photos, documents, PDFs) travel whole in one message: gRPC's default of 4 MiB would
# refuse an upload the gateway accepted (C360_MAX_UPLOAD_BYTES, 10 MiB by default).
MAX_MESSAGE_BYTES = 32 * 1024 * 1024
MESSAGE_SIZE_OPTIONS: tuple[tuple[str, int], ...] = (
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
)


def sent_violations(violations: Sequence[FieldViolation]) -> list[FieldViolation]:
    """The violations as sent: each field and rule cut to a sane length, and past
    MAX_VIOLATIONS a last one that counts the rest, so that bad input is always reported
    whole as bad input, never lost as an oversized reply."""
    kept = [
        FieldViolation(v.field[:MAX_FIELD_CHARS], v.rule[:MAX_RULE_CHARS])
        for v in violations[:MAX_VIOLATIONS]
    ]
    if len(violations) > MAX_VIOLATIONS:
        rest = len(violations) - MAX_VIOLATIONS
        kept.append(FieldViolation("", f"and {rest} more violations"))
    return kept


def status_for(error: Client360Error) -> status_pb2.Status:
    code = next((c for kind, c in _STATUS_OF if isinstance(error, kind)), grpc.StatusCode.INTERNAL)
    status = status_pb2.Status(code=code.value[0], message=error.message[:MAX_MESSAGE_CHARS])
    if isinstance(error, InvalidInput):
        detail = any_pb2.Any()
        detail.Pack(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.rule)
                    for v in sent_violations(error.violations)
                ]
            )
        )
        status.details.append(detail)
    return status


def error_from_rpc(exc: grpc.aio.AioRpcError, service: str) -> Client360Error:
    """The runtime error a failed call stands for, with field violations when there are any."""
    code = exc.code()
    message = exc.details() or code.name
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        violations: list[FieldViolation] = []
        status = rpc_status.from_call(exc)  # type: ignore[arg-type]
        for detail in status.details if status else ():
            bad_request = error_details_pb2.BadRequest()
            if detail.Unpack(bad_request):
                violations.extend(
                    FieldViolation(v.field, v.description) for v in bad_request.field_violations
                )
        return InvalidInput(violations or [FieldViolation("", message)])
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFound(message)
    if code in (grpc.StatusCode.ABORTED, grpc.StatusCode.ALREADY_EXISTS):
        return Conflict(message)
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return PermissionDenied(message)
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return Unauthenticated(message)
    if code in OUTAGE_CODES:
        return ServiceUnavailable(f"{service} service: {message}", service=service)
    # INTERNAL, UNKNOWN, UNIMPLEMENTED, DATA_LOSS...: a fault, not something to wait out.
    return InternalError(f"{service} service: {code.name}", service=service)


# The codes that mean "not now": the service is down, overloaded or too slow.
OUTAGE_CODES = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.CANCELLED,
    }
)


# The stubs make these classes generic; at run time they are not subscriptable.
if TYPE_CHECKING:
    _ServerInterceptor = grpc.aio.ServerInterceptor[Any, Any]
else:
    _ServerInterceptor = grpc.aio.ServerInterceptor

# Health checks and reflection are answered for anyone; every other method needs a caller.
_OPEN_PREFIXES = ("/grpc.health.", "/grpc.reflection.")


FAULTS_VARIABLE = "C360_FAULT_METHODS"


def injected_faults(env: Mapping[str, str]) -> frozenset[str]:
    """Method names (``ListContacts``) a server answers UNAVAILABLE, from C360_FAULT_METHODS:
    how tests make one call of a real service fail. Refused in production."""
    names = frozenset(n.strip() for n in env.get(FAULTS_VARIABLE, "").split(",") if n.strip())
    if names and env.get("C360_ENV") == "production":
        raise SettingsError(f"{FAULTS_VARIABLE}: not allowed when C360_ENV=production")
    return names


class ServiceInterceptor(_ServerInterceptor):
    """Caller from metadata, a server span, and errors mapped to status codes."""

    def __init__(self, service: str, env: Mapping[str, str] | None = None) -> None:
        self._service = service
        environment = os.environ if env is None else env
        self._faults = injected_faults(environment)
        self._caller_key = load_settings(environment).caller_key.reveal().encode()

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any]]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any]:
        handler = await continuation(handler_call_details)
        method: str = handler_call_details.method
        if handler is None or handler.unary_unary is None or method.startswith(_OPEN_PREFIXES):
            return handler
        metadata = {
            k: v for k, v in handler_call_details.invocation_metadata or () if isinstance(v, str)
        }
        inner: Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]
        inner = handler.unary_unary  # type: ignore[assignment]
        faulty = bool(self._faults) and method.rsplit("/", 1)[-1] in self._faults

        async def serve(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            with _tracer.start_as_current_span(
                method,
                context=extract_context(metadata),
                kind=trace.SpanKind.SERVER,
                attributes={"rpc.system": "grpc", "rpc.service": self._service},
            ):
                caller = signed_caller(metadata, self._caller_key, time.time())
                if caller is None:
                    await context.abort(
                        grpc.StatusCode.UNAUTHENTICATED,
                        f"{TENANT_KEY}, {ROLE_KEY} and a recent {SIGNATURE_KEY} of them by the "
                        "caller key (C360_CALLER_KEY) required",
                    )
                    raise AssertionError("unreachable: abort raises")
                if faulty:
                    await context.abort(grpc.StatusCode.UNAVAILABLE, f"{FAULTS_VARIABLE} fault")
                token = _current_caller.set(caller)
                try:
                    return await inner(request, context)
                except Client360Error as error:
                    status = rpc_status.to_status(status_for(error))
                    await context.abort_with_status(status)  # type: ignore[attr-defined]
                finally:
                    _current_caller.reset(token)

        return grpc.unary_unary_rpc_method_handler(
            serve,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


async def traced_call(
    method: Callable[..., Awaitable[Response]],
    request: Any,
    *,
    deadline: float,
    metadata: tuple[tuple[str, str], ...],
) -> Response:
    """Make a unary call inside a client span whose context travels in the metadata.

    Done here rather than in a grpc.aio client interceptor: those wrap every call in extra
    tasks and cost more than the call itself on a local network.
    """
    # The multicallable knows its full method name ("/package.Service/Method").
    raw_name = getattr(method, "_method", b"")
    name = raw_name.decode() if isinstance(raw_name, bytes) else str(raw_name or "grpc")
    with _tracer.start_as_current_span(
        name, kind=trace.SpanKind.CLIENT, attributes={"rpc.system": "grpc"}
    ):
        carrier: dict[str, str] = {}
        inject_context(carrier)
        return await method(request, timeout=deadline, metadata=(*metadata, *carrier.items()))


def insecure_channel(address: str, *, service_config: str | None = None) -> grpc.aio.Channel:
    """A channel to a service on the internal network (calls go through traced_call).

    ``service_config`` is gRPC's JSON service config: the retry policy of the service's
    methods, which gRPC applies itself within each call's deadline. Without it nothing is
    retried.
    """
    options: list[tuple[str, Any]] = [
        ("grpc.keepalive_time_ms", 30_000),
        # Fail fast while a service is down instead of queueing calls behind a reconnect.
        ("grpc.initial_reconnect_backoff_ms", 200),
        ("grpc.max_reconnect_backoff_ms", 2_000),
        # Room for a bad input's field violations in the trailers (see sent_violations).
        ("grpc.max_metadata_size", MAX_METADATA_BYTES),
        *MESSAGE_SIZE_OPTIONS,
    ]
    if service_config is None:
        options.append(("grpc.enable_retries", 0))
    else:
        options += [
            ("grpc.enable_retries", 1),
            ("grpc.service_config", service_config),
            # The policy is ours, never one published in DNS.
            ("grpc.service_config_disable_resolution", 1),
        ]
    return grpc.aio.insecure_channel(address, options=options)


__all__ = [
    "ROLES",
    "Caller",
    "ServiceInterceptor",
    "ServicerContext",
    "caller_metadata",
    "current_caller",
    "error_from_rpc",
    "injected_faults",
    "insecure_channel",
    "status_for",
    "traced_call",
]
