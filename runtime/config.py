"""Typed settings, read once from the environment; a bad or missing variable stops the process
with a message naming it.

Every variable has an embedded default for development so that `make run` needs no set-up;
in production (C360_ENV=production) the secrets have no default and must be given.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from runtime.services import SERVICES

T = TypeVar("T")

DEV_JWT_SECRET = "client360-development-secret-do-not-use-in-production"
# A Fernet key (32 url-safe base64 bytes) for development data only.
DEV_FIELD_KEY = "ZGV2ZWxvcG1lbnQta2V5LWZvci1jbGllbnQzNjAtMDA="
# Signs the caller the gateway passes to the services (runtime.rpc.caller_metadata).
DEV_CALLER_KEY = "client360-development-caller-key-do-not-use-in-production"


class SettingsError(Exception):
    """A variable is missing or malformed; the message names it and the rule."""


class Secret:
    """A value that keeps itself out of logs and reprs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class Settings:
    environment: str
    data_dir: Path
    log_level: str
    nats_url: str
    store: str
    mongodb_uri: str
    jwt_secret: Secret
    jwt_issuer: str
    jwt_audience: str
    # Where the identity provider publishes its signing keys (RS256/ES256 tokens); empty: only
    # the development HS256 tokens, refused in production.
    jwks_url: str
    jwks_cache_seconds: float
    # The key the gateway signs the callers it passes to the services with.
    caller_key: Secret
    field_key: Secret
    gateway_host: str
    gateway_port: int
    # Gateway worker processes sharing its port, each serving requests and subscriptions.
    gateway_workers: int
    # Requests a second each caller may send on average, in bursts of up to rate_burst; a
    # partner organisation's users share partner_rate_per_second (gateway.rates).
    rate_per_second: float
    rate_burst: int
    partner_rate_per_second: float
    # Browser origins allowed to call the gateway (CORS); none by default: same origin only.
    cors_origins: tuple[str, ...]
    # A manifest of registered GraphQL documents; when set, only those run (trusted documents).
    trusted_documents: str
    # Where each registered service listens (and the gateway calls it), by service name.
    service_addrs: Mapping[str, str]
    service_deadline: float
    read_retries: int
    # How long a file link a record's field gives stays valid, in seconds.
    file_link_ttl: float
    # Consecutive outages of a service after which the gateway stops calling it for a pause.
    breaker_failures: int
    breaker_pause: float
    otlp_endpoint: str
    trace_file: str
    demo_data: bool
    demo_tenant: str

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def service_addr(self, service: str) -> str:
        try:
            return self.service_addrs[service]
        except KeyError:
            raise SettingsError(f"no service named {service!r} is registered") from None


def text(env: Mapping[str, str], name: str, default: str | None) -> str:
    value = env.get(name)
    if value is None or value == "":
        if default is None:
            raise SettingsError(f"{name}: required, not set")
        return default
    return value


def parse(env: Mapping[str, str], name: str, default: str, convert: Callable[[str], T]) -> T:
    raw = text(env, name, default)
    try:
        return convert(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}: {exc} (got {raw!r})") from None


def _convert(raw: str, convert: Callable[[str], T], rule: str) -> T:
    # Not Python's own message ("invalid literal for int()..."): the rule the value breaks.
    try:
        return convert(raw)
    except ValueError:
        raise ValueError(rule) from None


def port_number(raw: str) -> int:
    rule = "must be a port number between 1 and 65535"
    value = _convert(raw, int, rule)
    if not 0 < value < 65536:
        raise ValueError(rule)
    return value


def positive_float(raw: str) -> float:
    rule = "must be a positive number of seconds"
    value = _convert(raw, float, rule)
    if not (value > 0 and math.isfinite(value)):  # also refuses nan and inf
        raise ValueError(rule)
    return value


def count(raw: str) -> int:
    rule = "must be a whole number, 0 or more"
    value = _convert(raw, int, rule)
    if value < 0:
        raise ValueError(rule)
    return value


def fraction(raw: str) -> float:
    rule = "must be a number above 0 and at most 1"
    value = _convert(raw, float, rule)
    if not 0 < value <= 1:  # also refuses nan
        raise ValueError(rule)
    return value


def positive_int(raw: str) -> int:
    rule = "must be a whole number, 1 or more"
    value = _convert(raw, int, rule)
    if value < 1:
        raise ValueError(rule)
    return value


def seconds(raw: str) -> float:
    rule = "must be a number of seconds, 0 or more"
    value = _convert(raw, float, rule)
    if not (value >= 0 and math.isfinite(value)):
        raise ValueError(rule)
    return value


def flag(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("must be true or false")


def choice(*allowed: str) -> Callable[[str], str]:
    def check(raw: str) -> str:
        if raw not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return raw

    return check


def origins(raw: str) -> tuple[str, ...]:
    """A comma-separated list of origins such as https://portal.example.fr."""
    found = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    for origin in found:
        scheme, sep, host = origin.partition("://")
        if scheme not in ("http", "https") or not sep or not host or "/" in host:
            raise ValueError(f"{origin!r} must be an origin such as https://portal.example.fr")
    return found


def host_and_port(raw: str) -> str:
    host, sep, port = raw.rpartition(":")
    if not sep or not host:
        raise ValueError("must be host:port")
    port_number(port)
    return raw


def _jwks_url(env: Mapping[str, str], *, production: bool) -> str:
    url = env.get("C360_JWKS_URL", "").strip()
    if production and not url:
        raise SettingsError(
            "C360_JWKS_URL: required when C360_ENV=production (tokens come from the identity "
            "provider there), not set"
        )
    if url and not url.startswith(("https://", "http://")):
        raise SettingsError(f"C360_JWKS_URL: must be an http(s) URL, not {url!r}")
    return url


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    environment = parse(env, "C360_ENV", "development", choice("development", "production"))
    production = environment == "production"
    store = parse(env, "C360_STORE", "sqlite", choice("sqlite", "mongodb"))
    mongodb_uri = env.get("MONGODB_URI", "")
    if store == "mongodb" and not mongodb_uri:
        raise SettingsError("MONGODB_URI: required when C360_STORE=mongodb, not set")
    return Settings(
        environment=environment,
        data_dir=Path(text(env, "C360_DATA_DIR", "var")).resolve(),
        log_level=parse(env, "C360_LOG_LEVEL", "INFO", choice("DEBUG", "INFO", "WARNING", "ERROR")),
        nats_url=text(env, "C360_NATS_URL", "nats://127.0.0.1:4222"),
        store=store,
        mongodb_uri=mongodb_uri,
        jwt_secret=Secret(text(env, "C360_JWT_SECRET", None if production else DEV_JWT_SECRET)),
        jwt_issuer=text(env, "C360_JWT_ISSUER", "client360"),
        jwt_audience=text(env, "C360_JWT_AUDIENCE", "client360-gateway"),
        field_key=Secret(text(env, "C360_FIELD_KEY", None if production else DEV_FIELD_KEY)),
        caller_key=Secret(text(env, "C360_CALLER_KEY", None if production else DEV_CALLER_KEY)),
        jwks_url=_jwks_url(env, production=production),
        jwks_cache_seconds=parse(env, "C360_JWKS_CACHE_SECONDS", "300", positive_float),
        gateway_host=text(env, "C360_GATEWAY_HOST", "127.0.0.1"),
        gateway_port=parse(env, "C360_GATEWAY_PORT", "8000", port_number),
        gateway_workers=parse(env, "C360_GATEWAY_WORKERS", "1", positive_int),
        rate_per_second=parse(env, "C360_RATE_PER_SECOND", "50", positive_float),
        rate_burst=parse(env, "C360_RATE_BURST", "100", positive_int),
        partner_rate_per_second=parse(env, "C360_PARTNER_RATE_PER_SECOND", "100", positive_float),
        cors_origins=parse(env, "C360_CORS_ORIGINS", " ", origins),
        trusted_documents=env.get("C360_TRUSTED_DOCUMENTS", ""),
        service_addrs={
            spec.name: parse(env, spec.address_variable, spec.default_address, host_and_port)
            for spec in SERVICES
        },
        service_deadline=parse(env, "C360_SERVICE_DEADLINE", "2.0", positive_float),
        read_retries=parse(env, "C360_READ_RETRIES", "1", count),
        file_link_ttl=parse(env, "C360_FILE_LINK_TTL", "900", positive_float),
        breaker_failures=parse(env, "C360_BREAKER_FAILURES", "5", positive_int),
        breaker_pause=parse(env, "C360_BREAKER_PAUSE", "5", positive_float),
        otlp_endpoint=env.get("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
        trace_file=env.get("C360_TRACE_FILE", ""),
        demo_data=parse(env, "C360_DEMO_DATA", "false", flag),
        demo_tenant=text(env, "C360_DEMO_TENANT", "agency-demo"),
    )
