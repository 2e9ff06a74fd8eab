"""The registry of the client file's sections: one line per service. The schema's Client type,
Query and Mutation, and the query planner are all built from it."""

from __future__ import annotations

from gateway.planner import ServiceSection
from gateway.sections import (
    billing,
    communication,
    compliance,
    contracts,
    identity,
    interventions,
)

SECTIONS: tuple[ServiceSection, ...] = (
    identity.SECTION,
    compliance.SECTION,
    contracts.SECTION,
    billing.SECTION,
    communication.SECTION,
    interventions.SECTION,
)
