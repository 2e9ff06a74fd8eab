"""Tokens from a real identity provider: RS256 and ES256 tokens checked against the keys it
publishes (a JWKS URL, served here by a real HTTP server), issuer and audience pinned, a key
rotation followed without a restart; the development HS256 tokens refused in production; and
a provider token through a running gateway."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from gateway.auth import Authenticator, issue_token
from runtime.caller import Caller
from runtime.config import load_settings
from runtime.errors import Unauthenticated
from tests.harness import System, free_port, wait_serving
from tests.waiting import eventually

ISSUER, AUDIENCE = "https://idp.example", "client360-gateway"


class Provider:
    """An identity provider's published keys, served over HTTP, and the tokens it signs."""

    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}
        self.fetches = 0
        provider = self

        class Keys(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.fetches += 1
                body = orjson.dumps({"keys": [jwk for _, jwk in provider.keys.values()]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Keys)
        self.url = f"http://127.0.0.1:{self.server.server_port}/jwks.json"

    def publish(self, kid: str, algorithm: str) -> None:
        if algorithm == "RS256":
            private: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
        else:
            private = ec.generate_private_key(ec.SECP256R1())
            jwk = jwt.algorithms.ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
        self.keys[kid] = (private, {**jwk, "kid": kid, "alg": algorithm, "use": "sig"})

    def withdraw(self, kid: str) -> None:
        self.keys.pop(kid)

    def token(self, kid: str, algorithm: str, **claims: Any) -> str:
        now = datetime.now(UTC)
        body = {
            "sub": "alice",
            "tenant": "agency-a",
            "role": "advisor",
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + timedelta(minutes=5),
            **claims,
        }
        return jwt.encode(body, self.keys[kid][0], algorithm=algorithm, headers={"kid": kid})


@pytest.fixture
def provider() -> Iterator[Provider]:
    serving = Provider()
    thread = threading.Thread(target=serving.server.serve_forever, daemon=True)
    thread.start()
    yield serving
    serving.server.shutdown()
    thread.join()


def authenticator(provider: Provider, **env: str) -> Authenticator:
    return Authenticator(
        load_settings(
            {
                "C360_JWKS_URL": provider.url,
                "C360_JWT_ISSUER": ISSUER,
                "C360_JWT_AUDIENCE": AUDIENCE,
                "C360_JWKS_CACHE_SECONDS": "0.2",
                **env,
            }
        )
    )


async def test_provider_tokens_are_checked_against_its_published_keys(provider: Provider) -> None:
    provider.publish("rsa-1", "RS256")
    provider.publish("ec-1", "ES256")
    auth = authenticator(provider)
    for kid, algorithm in (("rsa-1", "RS256"), ("ec-1", "ES256")):
        caller = await auth.caller(f"Bearer {provider.token(kid, algorithm)}")
        assert caller == Caller("agency-a", "alice", "advisor")
    fetched = provider.fetches
    await auth.caller(f"Bearer {provider.token('rsa-1', 'RS256')}")
    assert provider.fetches == fetched  # the key is cached
    for refused in (
        provider.token("rsa-1", "RS256", aud="someone-else"),
        provider.token("rsa-1", "RS256", iss="https://elsewhere"),
        provider.token("rsa-1", "RS256", role="emperor"),
        provider.token("rsa-1", "RS256", exp=datetime.now(UTC) - timedelta(minutes=1)),
        jwt.encode({"sub": "x"}, "", algorithm="none"),
    ):
        with pytest.raises(Unauthenticated):
            await auth.caller(f"Bearer {refused}")


async def test_a_key_rotation_is_followed_without_a_restart(provider: Provider) -> None:
    provider.publish("old", "RS256")
    auth = authenticator(provider)
    old_token = provider.token("old", "RS256")
    assert (await auth.caller(f"Bearer {old_token}")).user_id == "alice"
    provider.publish("new", "RS256")
    provider.withdraw("old")
    new_token = provider.token("new", "RS256")

    async def new_taken() -> bool:
        try:
            return (await auth.caller(f"Bearer {new_token}")).user_id == "alice"
        except Unauthenticated:
            return False

    # The new key is fetched once the last fetch is at least the cache's lifetime old.
    await eventually(new_taken, bool, what="the new key accepted")

    async def old_still_taken() -> bool:
        try:
            await auth.caller(f"Bearer {old_token}")
        except Unauthenticated:
            return False
        return True

    await eventually(old_still_taken, lambda taken: not taken, what="the withdrawn key refused")


async def test_development_tokens_are_refused_in_production(provider: Provider) -> None:
    secrets = {"C360_JWT_SECRET": "s" * 40, "C360_FIELD_KEY": "k" * 44, "C360_CALLER_KEY": "c" * 40}
    development = load_settings({"C360_JWT_SECRET": "s" * 40})
    token = issue_token(development, tenant_id="agency-a", user_id="bob", role="admin")
    assert (await Authenticator(development).caller(f"Bearer {token}")).role == "admin"
    production = authenticator(provider, C360_ENV="production", **secrets)
    with pytest.raises(Unauthenticated, match="development tokens"):
        await production.caller(f"Bearer {token}")
    without_provider = Authenticator(load_settings({}))
    provider.publish("rsa-1", "RS256")
    with pytest.raises(Unauthenticated, match="RS256 tokens are not accepted"):
        await without_provider.caller(f"Bearer {provider.token('rsa-1', 'RS256')}")


async def test_a_provider_token_through_a_running_gateway(
    provider: Provider, tmp_path: Path, http: httpx.AsyncClient
) -> None:
    provider.publish("rsa-1", "RS256")
    system = System(
        tmp_path,
        services=("identity",),
        settings={"C360_JWKS_URL": provider.url, "C360_JWT_ISSUER": ISSUER},
    )
    system.start()
    try:
        await wait_serving(system.address("identity"))
        token = provider.token("rsa-1", "RS256", tenant="agency-jwks")
        answer = await http.post(
            system.graphql_url,
            json={"query": "{ clients(first: 1) { totalCount } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.json() == {"data": {"clients": {"totalCount": 0}}}
        forged = provider.token("rsa-1", "RS256", aud="another-api")
        refused = await http.post(
            system.graphql_url,
            json={"query": "{ clients(first: 1) { totalCount } }"},
            headers={"Authorization": f"Bearer {forged}"},
        )
        assert refused.status_code == 401
    finally:
        system.stop()
