"""The one place where failures become GraphQL errors: each carries ``extensions.code`` and,
for bad input, ``extensions.field`` naming the input field; for a service that failed,
``extensions.service``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from graphql import GraphQLError

from runtime.errors import (
    Client360Error,
    Conflict,
    InternalError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    Unauthenticated,
)
from runtime.ids import new_id

log = logging.getLogger(__name__)


class GatewayError(Exception):
    """An error graphql-core reports with these extensions (it reads ``.extensions``)."""

    def __init__(self, message: str, extensions: dict[str, Any]) -> None:
        super().__init__(message)
        self.extensions = extensions


def graphql_error(error: Client360Error) -> GatewayError:
    if isinstance(error, InvalidInput):
        first = error.violations[0]
        return GatewayError(
            error.message,
            {
                "code": "BAD_USER_INPUT",
                "field": first.field,
                "rule": first.rule,
                "violations": [{"field": v.field, "rule": v.rule} for v in error.violations],
            },
        )
    if isinstance(error, NotFound):
        # Same answer whether the record does not exist or belongs to another tenant.
        return GatewayError("not found", {"code": "NOT_FOUND"})
    if isinstance(error, Conflict):
        return GatewayError(error.message, {"code": "CONFLICT"})
    if isinstance(error, PermissionDenied):
        return GatewayError(error.message, {"code": "FORBIDDEN"})
    if isinstance(error, Unauthenticated):
        return GatewayError(error.message, {"code": "UNAUTHENTICATED"})
    if isinstance(error, ServiceUnavailable):
        return GatewayError(
            f"the {error.service} service is unavailable",
            {"code": "SERVICE_UNAVAILABLE", "service": error.service},
        )
    if isinstance(error, InternalError):
        return GatewayError(
            f"the {error.service} service failed",
            {"code": "INTERNAL_SERVER_ERROR", "service": error.service},
        )
    return GatewayError("internal error", {"code": "INTERNAL_SERVER_ERROR"})


def not_found() -> GatewayError:
    return graphql_error(NotFound("not found"))


# What graphql-core's own errors (no original exception) are about, by their messages' start.
_PARSE = ("Syntax Error", "Document contains more than")
_BAD_VALUE = (
    "Variable '$",
    "Int cannot represent",
    "Float cannot represent",
    "String cannot represent",
    "Boolean cannot represent",
    "ID cannot represent",
    "Enum '",
    "Expected value of type",
    "Field '",  # of an input object: "Field 'x' of required type ... was not provided"
)
_EXPECTED_LOG_LEVEL = logging.INFO


def report_errors(errors: Sequence[GraphQLError], operation_name: str | None) -> None:
    """Give every error of a result its code and log it once, without the document's values:
    graphql-core's parse and validation errors keep their message and locations
    (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT for a bad value); our
    own errors keep theirs and are logged at info without a traceback; anything else is a
    bug, masked as "internal error" with an error id that is also in the log line."""
    for error in errors:
        if error.extensions and "code" in error.extensions:
            _log_expected(error, operation_name)
        elif error.original_error is None or error.path is None:
            # graphql-core's own: parse, validation and variable errors (no path: they come
            # before execution), about the request, not a fault of ours.
            error.extensions = {"code": _graphql_code(error.message)}
            _log_expected(error, operation_name)
        else:
            error_id = new_id()
            log.error(
                "unexpected error",
                exc_info=error.original_error,
                extra={"error_id": error_id, "path": error.path, "operation": operation_name},
            )
            error.message = "internal error"
            error.extensions = {"code": "INTERNAL_SERVER_ERROR", "errorId": error_id}


def _graphql_code(message: str) -> str:
    if message.startswith(_PARSE):
        return "GRAPHQL_PARSE_FAILED"
    if message.startswith(_BAD_VALUE) or "cannot represent" in message:
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def _log_expected(error: GraphQLError, operation_name: str | None) -> None:
    # The code and where, never the message: a validation message quotes the literal values
    # of the document (a social security number typed inline, for instance).
    extensions = error.extensions or {}
    log.log(
        _EXPECTED_LOG_LEVEL,
        "request refused",
        extra={
            "code": extensions.get("code"),
            "field": extensions.get("field"),
            "service": extensions.get("service"),
            "path": error.path,
            "operation": operation_name,
        },
    )


class RequestRefused(Exception):
    """A request refused before any operation runs (no valid token, a malformed body, an
    unknown persisted query): answered with ``status`` and a GraphQL-shaped JSON body."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}
