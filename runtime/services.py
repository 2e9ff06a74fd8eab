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
    # Whether it keeps records of clients, which it moves when two files are merged
    # (runtime.kit.merges) and erases when a client is erased (runtime.kit.erasure): a merge
    # or an erasure waits for the confirmation of each such service.
    keeps_client_records: bool = False

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
    ServiceSpec("compliance", 50056, keeps_client_records=True),
    ServiceSpec("contracts", 50052, keeps_client_records=True),
    ServiceSpec("billing", 50054, keeps_client_records=True),
    ServiceSpec("communication", 50055, keeps_client_records=True),
    ServiceSpec("interventions", 50053, keeps_client_records=True),
)

SERVICE_NAMES: tuple[str, ...] = tuple(spec.name for spec in SERVICES)
# The services a merge or an erasure waits for, besides identity, which starts it.
CLIENT_RECORD_SERVICES: tuple[str, ...] = tuple(
    spec.name for spec in SERVICES if spec.keeps_client_records
)


def service_spec(name: str) -> ServiceSpec:
    for spec in SERVICES:
        if spec.name == name:
            return spec
    raise KeyError(f"no service named {name!r}; known: {', '.join(SERVICE_NAMES)}")
