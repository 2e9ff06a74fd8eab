"""Bearer tokens: from the identity provider (RS256/ES256, its published keys), or the
development HS256 tokens signed with the secret from settings (refused in production);
algorithms pinned, and ``exp``, ``iss`` and ``aud`` checked. ``python -m gateway.token`` issues
development tokens."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from runtime.caller import ROLES, Caller
from runtime.config import Settings
from runtime.errors import Unauthenticated

ALGORITHM = "HS256"


def issue_token(
    settings: Settings,
    *,
    tenant_id: str,
    user_id: str,
    role: str,
    ttl: timedelta = timedelta(hours=12),
    organisation: str = "",
) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    now = datetime.now(UTC)
    claims = {
        "sub": user_id,
        "tenant": tenant_id,
        "role": role,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl,
    }
    if organisation:
        claims["org"] = organisation
    return jwt.encode(claims, settings.jwt_secret.reveal(), algorithm=ALGORITHM)


def verify_token(settings: Settings, token: str) -> Caller:
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret.reveal(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except jwt.PyJWTError as exc:
        raise Unauthenticated(f"invalid token: {exc}") from None
    return _caller_of(claims)


def _caller_of(claims: dict[str, Any]) -> Caller:
    """The caller a token's claims name: its tenant and role claims, its subject."""
    tenant, role = claims.get("tenant"), claims.get("role")
    if not isinstance(tenant, str) or not tenant:
        raise Unauthenticated("invalid token: no tenant")
    if role not in ROLES:
        raise Unauthenticated("invalid token: unknown role")
    organisation = claims.get("org") if role == "partner" else ""
    return Caller(
        tenant_id=tenant,
        user_id=str(claims["sub"]),
        role=str(role),
        organisation=organisation if isinstance(organisation, str) else "",
    )


# What an identity provider signs its tokens with; HS256 is the development tokens' own.
PROVIDER_ALGORITHMS = ("RS256", "ES256")


class Authenticator:
    """Who a bearer token says the caller is.

    Tokens from the identity provider (RS256 or ES256) are checked against the keys it publishes
    at C360_JWKS_URL: a key is cached C360_JWKS_CACHE_SECONDS, and a token naming a key not yet
    seen fetches the keys again, so a rotation at the provider needs nothing here. Issuer and
    audience are pinned. The development tokens of ``make token`` (HS256) are accepted only
    outside production. The keys are fetched in a worker thread, never on the event loop.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._provider = (
            jwt.PyJWKClient(
                settings.jwks_url,
                # Keys are cached here, for the lifetime below (PyJWT's own key cache keeps a
                # key forever, even once the provider has withdrawn it).
                cache_keys=False,
                lifespan=settings.jwks_cache_seconds,
                # A key not yet seen fetches the set again, at most this often.
                cooldown_duration=min(settings.jwks_cache_seconds, 30.0),
                timeout=5,
            )
            if settings.jwks_url
            else None
        )
        # Keys by id, with the moment they stop being trusted without a new fetch.
        self._keys: dict[str, tuple[Any, float]] = {}

    async def caller(self, authorization: str | None) -> Caller:
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("missing bearer token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from None
        algorithm = header.get("alg")
        if algorithm == ALGORITHM:
            if self._settings.is_production:
                raise Unauthenticated("invalid token: development tokens are refused here")
            return verify_token(self._settings, token)
        if algorithm not in PROVIDER_ALGORITHMS or self._provider is None:
            raise Unauthenticated(f"invalid token: {algorithm} tokens are not accepted here")
        key = await self._key(token, str(header.get("kid", "")))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=list(PROVIDER_ALGORITHMS),
                audience=self._settings.jwt_audience,
                issuer=self._settings.jwt_issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from None
        return _caller_of(claims)

    async def _key(self, token: str, kid: str) -> Any:
        cached = self._keys.get(kid)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        assert self._provider is not None
        try:
            signing = await asyncio.to_thread(self._provider.get_signing_key_from_jwt, token)
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from None
        self._keys[kid] = (signing.key, time.monotonic() + self._settings.jwks_cache_seconds)
        return signing.key
