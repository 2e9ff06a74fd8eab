"""Bearer tokens: HS256 JWTs signed with the secret from settings, algorithm pinned, and
``exp``, ``iss`` and ``aud`` checked. ``python -m gateway.token`` issues development tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
    tenant, role = claims.get("tenant"), claims.get("role")
    if not isinstance(tenant, str) or not tenant:
        raise Unauthenticated("invalid token: no tenant")
    if role not in ROLES:
        raise Unauthenticated("invalid token: unknown role")
    return Caller(tenant_id=tenant, user_id=str(claims["sub"]), role=str(role))


def caller_from_header(settings: Settings, authorization: str | None) -> Caller:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("missing bearer token")
    return verify_token(settings, token.strip())
