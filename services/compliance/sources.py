"""Where the asset-freeze register may be loaded from, and reading it from there.

The register is platform reference data: it comes from the configured source (a file or URL
chosen by the deployment) or from an http(s) URL on the allow-list, never from a server path
or an internal address that a caller names. Every refusal reads the same, so that an answer
tells nothing of what exists on the server or on its network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import httpx

from services.compliance.register import RegisterFetchError

SOURCE_RULE: Final = "must be the configured source or an allow-listed URL"

# The whole register as DG Trésor publishes it (shared/formats/freeze-register.md).
OFFICIAL_REGISTER_URL: Final = (
    "https://gels-avoirs.dgtresor.gouv.fr/ApiPublic/api/v1/publication/"
    "derniere-publication-fichier-json"
)

MAX_REDIRECTS: Final = 5
_MAX_URL_CHARS: Final = 2048
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class SourceRefused(ValueError):
    """The source is neither the configured one nor an allow-listed URL, or it leads to an
    internal address the allow-list does not name. Deliberately without detail."""

    def __init__(self) -> None:
        super().__init__(SOURCE_RULE)


@dataclass(frozen=True, slots=True)
class FetchedRegister:
    content: bytes
    # The source, without its query, when it is an https URL that reached public addresses
    # only, else empty: the only form of the source that users are shown.
    public_url: str


def is_public_address(address: IpAddress) -> bool:
    """Whether the address is on the public internet: not loopback, private, link-local,
    shared, reserved or multicast, nor an IPv6 form that embeds such an IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
        if any(v4 is not None and not is_public_address(v4) for v4 in embedded):
            return False
    return address.is_global and not address.is_multicast


def _ip_literal(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _port(url: httpx.URL) -> int:
    return url.port or _DEFAULT_PORTS[url.scheme]


def _web_url(text: str) -> httpx.URL | None:
    """The text as an absolute http(s) URL with a host, without credentials and without dot
    segments (which would step out of an allowed prefix), or None."""
    if len(text) > _MAX_URL_CHARS or not text.isprintable() or any(c in text for c in " \\"):
        return None
    if not text.lower().startswith(("http://", "https://")):
        return None
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, ValueError):
        return None
    if url.scheme not in _DEFAULT_PORTS or not url.raw_host or url.userinfo:
        return None
    if any(segment in (".", "..") for segment in url.path.split("/")):
        return None
    return url


@dataclass(frozen=True, slots=True)
class AllowedUrl:
    """One entry of the allow-list: one URL, or every URL under it when its path ends in /."""

    scheme: str
    host: bytes
    port: int
    path: str
    # An entry that names an IP address may reach it even when it is internal (a mirror on
    # the same machine); an entry that names a host must resolve to public addresses only,
    # so that a change in DNS cannot turn an allowed name into an internal address.
    address: IpAddress | None

    @classmethod
    def parse(cls, text: str) -> AllowedUrl:
        url = _web_url(text.strip())
        if url is None or url.query or url.fragment:
            raise ValueError(
                f"{text.strip()!r} must be an https URL or URL prefix without credentials, "
                "query or fragment"
            )
        address = _ip_literal(url.host)
        # Plain http is only safe where no network lies between: a loopback address.
        if url.scheme == "http" and (address is None or not address.is_loopback):
            raise ValueError(
                f"{text.strip()!r} must be https (http only for a loopback IP address)"
            )
        return cls(url.scheme, url.raw_host.lower(), _port(url), url.path, address)

    def admits(self, url: httpx.URL) -> bool:
        if (url.scheme, url.raw_host.lower(), _port(url)) != (self.scheme, self.host, self.port):
            return False
        if self.path.endswith("/"):
            return url.path.startswith(self.path)
        return url.path == self.path


def allowed_urls(raw: str) -> tuple[str, ...]:
    """A comma-separated allow-list, each entry checked (a settings converter)."""
    entries = tuple(part.strip() for part in raw.split(",") if part.strip())
    for entry in entries:
        AllowedUrl.parse(entry)
    return entries


class RegisterSources:
    """The configured source and the allow-list: which source a reload reads, and reading it.

    The configured source is trusted as the deployment gave it (a file path or a URL, internal
    or not). Anything else must be an http(s) URL admitted by the allow-list, and so must every
    redirect on the way.
    """

    def __init__(self, *, configured: str, allowed: Sequence[str] = ()) -> None:
        self.configured = configured
        self._configured_url = _web_url(configured)
        self._allowed = tuple(AllowedUrl.parse(entry) for entry in allowed)

    def choose(self, requested: str) -> str:
        """The source a reload reads: the configured one when ``requested`` is blank, else
        ``requested`` if it is an admitted URL. Raises SourceRefused."""
        requested = requested.strip()
        if not requested:
            return self.configured
        url = _web_url(requested)
        if url is None or self._reach(url) is None:
            raise SourceRefused()
        return requested

    async def fetch(self, source: str, *, timeout: float = 30.0) -> FetchedRegister:  # noqa: ASYNC109
        """Read a source ``choose`` returned: the configured file, or an admitted URL.

        Raises SourceRefused for anything else, RegisterFetchError when an admitted source
        cannot be read. The timeout is httpx's per-operation limit (connect, each read).
        """
        if source == self.configured and self._configured_url is None:
            try:
                content = await asyncio.to_thread(Path(source).read_bytes)
            except OSError as error:
                raise RegisterFetchError(f"cannot read {source}: {error}") from error
            return FetchedRegister(content, public_url="")
        url = _web_url(source)
        if url is None:
            raise SourceRefused()
        return await self._download(url, timeout=timeout)

    def _reach(self, url: httpx.URL) -> bool | None:
        """None when the URL is not admitted; else whether it may reach internal addresses."""
        if self._configured_url is not None and url == self._configured_url:
            return True
        for entry in self._allowed:
            if entry.admits(url):
                return entry.address is not None
        return None

    async def _download(self, url: httpx.URL, *, timeout: float) -> FetchedRegister:  # noqa: ASYNC109
        source, public = str(url), True
        # What users may be shown: no query, which could carry a token.
        shown = str(url.copy_with(query=None, fragment=None))
        # No proxy from the environment, no automatic redirect and no connection kept for the
        # next hop: every hop is checked here, and connects, with its own host name for TLS,
        # to the very address that was checked.
        async with httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            limits=httpx.Limits(max_keepalive_connections=0),
        ) as client:
            for _ in range(MAX_REDIRECTS + 1):
                may_reach_internal = self._reach(url)
                if may_reach_internal is None:
                    raise SourceRefused()
                addresses = await _resolve(url)
                reaches_public = all(is_public_address(a) for a in addresses)
                if not (reaches_public or may_reach_internal):
                    raise SourceRefused()
                public = public and reaches_public and url.scheme == "https"
                response = await _get(client, url, addresses)
                if response.is_redirect:
                    url = _redirected(url, response.headers["location"])
                    continue
                if response.status_code != 200:
                    raise RegisterFetchError(
                        f"cannot download {url}: "
                        f"HTTP {response.status_code} {response.reason_phrase}"
                    )
                return FetchedRegister(response.content, public_url=shown if public else "")
        raise RegisterFetchError(f"cannot download {source}: more than {MAX_REDIRECTS} redirects")


def _redirected(url: httpx.URL, location: str) -> httpx.URL:
    """Where a redirect leads, checked like any requested URL on the next hop."""
    try:
        target = _web_url(str(url.join(location)))
    except (httpx.InvalidURL, ValueError):
        target = None
    if target is None:
        raise SourceRefused()
    return target


async def _get(
    client: httpx.AsyncClient, url: httpx.URL, addresses: Sequence[IpAddress]
) -> httpx.Response:
    """GET ``url`` from the first of its checked addresses that accepts a connection."""
    for address in addresses[:-1]:
        target, headers, extensions = _pinned(url, address)
        try:
            return await client.get(target, headers=headers, extensions=extensions)
        except httpx.ConnectError:
            continue
    target, headers, extensions = _pinned(url, addresses[-1])
    try:
        return await client.get(target, headers=headers, extensions=extensions)
    except httpx.HTTPError as error:
        raise RegisterFetchError(f"cannot download {url}: {error!r}") from error


async def _resolve(url: httpx.URL) -> list[IpAddress]:
    literal = _ip_literal(url.host)
    if literal is not None:
        return [literal]
    host = url.raw_host.decode("ascii")
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            host, _port(url), type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError) as error:
        raise RegisterFetchError(f"cannot download {url}: cannot resolve {host}") from error
    addresses = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0])) for info in found))
    if not addresses:
        raise RegisterFetchError(f"cannot download {url}: cannot resolve {host}")
    return addresses


def _pinned(url: httpx.URL, address: IpAddress) -> tuple[httpx.URL, dict[str, str], dict[str, Any]]:
    """The request for ``url`` sent to ``address``: resolving the name again could give another
    address than the one checked. The Host header and TLS server name stay the URL's host, so
    the certificate is still verified against it."""
    if _ip_literal(url.host) is not None:
        return url, {}, {}
    host = url.raw_host.decode("ascii")
    return (
        url.copy_with(host=str(address)),
        {"Host": url.netloc.decode("ascii")},
        {"sni_hostname": host},
    )
