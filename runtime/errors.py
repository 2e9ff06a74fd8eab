"""The one error hierarchy of Client 360, mapped to gRPC status codes in runtime.rpc and to
GraphQL errors in gateway.errors."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldViolation:
    """One broken rule on one input field, for example ``bankAccounts[0].iban``."""

    field: str
    rule: str


class Client360Error(Exception):
    """Base of every error the product raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(Client360Error):
    """The caller sent data that breaks a rule; nothing was written."""

    def __init__(self, violations: list[FieldViolation] | FieldViolation) -> None:
        if isinstance(violations, FieldViolation):
            violations = [violations]
        self.violations = violations
        super().__init__("; ".join(f"{v.field}: {v.rule}" for v in violations))


class NotFound(Client360Error):
    """The record does not exist for this tenant (whether or not another tenant has it)."""


class Conflict(Client360Error):
    """The write was based on a stale version or breaks a uniqueness rule."""


class PermissionDenied(Client360Error):
    """The caller is known but its role may not do this."""


class Unauthenticated(Client360Error):
    """The caller did not prove who it is."""


class ServiceUnavailable(Client360Error):
    """A backend (service, broker, store) could not be reached in time."""

    def __init__(self, message: str, *, service: str = "") -> None:
        super().__init__(message)
        self.service = service


class InternalError(Client360Error):
    """A backend failed in a way no caller can act on (a bug, data loss, an unimplemented
    method): reported as an internal error, never as an outage to wait out."""

    def __init__(self, message: str, *, service: str = "") -> None:
        super().__init__(message)
        self.service = service
