"""The registry of the client file's sections: one line per service. The schema's Client type,
Query and Mutation, and the query planner are all built from it."""

from __future__ import annotations

from gateway.planner import ServiceSection
from gateway.sections import compliance, identity

SECTIONS: tuple[ServiceSection, ...] = (
    identity.SECTION,
    compliance.SECTION,
)
