"""The registry of Client 360's services: the one list that the supervisor, the gateway, the
settings and the tests read. Adding a service adds one line here; nothing else in the runtime
names a service."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """A service as the platform sees it: its name, where it listens by default, and how it
    is started (``python -m services.<name>``)."""

    name: str
    default_port: int
    # Whether it moves its records of a client when two files are merged
    # (runtime.kit.merges): a merge waits for the confirmation of each such service.
    merges_clients: bool = False

    @property
    def module(self) -> str:
        return f"services.{self.name}"

    @property
    def address_variable(self) -> str:
        """The environment variable that moves it: C360_<NAME>_ADDR."""
        return f"C360_{self.name.upper()}_ADDR"

    @property
    def default_address(self) -> str:
        return f"127.0.0.1:{self.default_port}"


# In start order. Ports 50052-50055 are kept for contracts, interventions, billing and
# communication.
SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("identity", 50051),
    ServiceSpec("compliance", 50056, merges_clients=True),
    ServiceSpec("contracts", 50052),
    ServiceSpec("billing", 50054, merges_clients=True),
    ServiceSpec("communication", 50055, merges_clients=True),
    ServiceSpec("interventions", 50053, merges_clients=True),
)

SERVICE_NAMES: tuple[str, ...] = tuple(spec.name for spec in SERVICES)
# The services a merge of two client files waits for, besides identity, which starts it.
MERGING_SERVICES: tuple[str, ...] = tuple(spec.name for spec in SERVICES if spec.merges_clients)


def service_spec(name: str) -> ServiceSpec:
    for spec in SERVICES:
        if spec.name == name:
            return spec
    raise KeyError(f"no service named {name!r}; known: {', '.join(SERVICE_NAMES)}")
