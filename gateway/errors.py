"""The one place where failures become GraphQL errors: each carries ``extensions.code`` and,
for bad input, ``extensions.field`` naming the input field; for a service that failed,
``extensions.service``."""

from __future__ import annotations

from typing import Any

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
