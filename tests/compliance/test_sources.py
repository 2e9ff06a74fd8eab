"""Where the register may come from: the configured source or an allow-listed URL, and no
server path or internal address a caller names; every refusal alike, before any request."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.compliance.register import RegisterFetchError, parse_register
from services.compliance.sample_register import SAMPLE_REGISTER_PATH
from services.compliance.sources import (
    OFFICIAL_REGISTER_URL,
    SOURCE_RULE,
    AllowedUrl,
    RegisterSources,
    SourceRefused,
    allowed_urls,
    is_public_address,
)
from tests.compliance.register_server import RegisterFiles, closed_port, serving_register_files

OFFICIAL_PREFIX = "https://gels-avoirs.dgtresor.gouv.fr/ApiPublic/api/v1/publication/"


@pytest.fixture(scope="module")
def published() -> Iterator[RegisterFiles]:
    with serving_register_files() as files:
        files.publish("/allowed/register.json", SAMPLE_REGISTER_PATH.read_bytes())
        files.publish("/private/register.json", SAMPLE_REGISTER_PATH.read_bytes())
        yield files


def sources_allowing(*urls: str) -> RegisterSources:
    return RegisterSources(configured=str(SAMPLE_REGISTER_PATH), allowed=urls)


# --- choosing a source ---------------------------------------------------------------------


def test_a_blank_source_is_the_configured_one() -> None:
    assert sources_allowing().choose("  ") == str(SAMPLE_REGISTER_PATH)


@pytest.mark.parametrize(
    "requested",
    [
        str(SAMPLE_REGISTER_PATH),  # even the configured file, named by a caller
        "/etc/passwd",
        "services/compliance/data/freeze_register_sample.json",
        "../../etc/hostname",
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "\\\\server\\share\\register.json",
        "ftp://gels-avoirs.dgtresor.gouv.fr/register.json",
        "http://127.0.0.1:8080/register.json",
        "http://localhost/register.json",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/register.json",
        "https://example.org/register.json",
    ],
)
def test_a_server_path_or_a_url_off_the_allow_list_is_refused(requested: str) -> None:
    with pytest.raises(SourceRefused) as refused:
        sources_allowing(OFFICIAL_REGISTER_URL).choose(requested)
    assert str(refused.value) == SOURCE_RULE


def test_the_official_publication_is_admitted_by_default() -> None:
    sources = sources_allowing(*allowed_urls(OFFICIAL_REGISTER_URL))
    assert sources.choose(OFFICIAL_REGISTER_URL) == OFFICIAL_REGISTER_URL


@pytest.mark.parametrize(
    ("requested", "admitted"),
    [
        (OFFICIAL_PREFIX + "derniere-publication-fichier-json", True),
        ("HTTPS://GELS-AVOIRS.dgtresor.gouv.fr:443/ApiPublic/api/v1/publication/x", True),
        (OFFICIAL_PREFIX.rstrip("/") + "s/x", False),
        (OFFICIAL_PREFIX + "%2e%2e/%2e%2e/secret", False),
        ("https://gels-avoirs.dgtresor.gouv.fr/Gels/", False),
        ("http://gels-avoirs.dgtresor.gouv.fr/ApiPublic/api/v1/publication/x", False),
        ("https://gels-avoirs.dgtresor.gouv.fr:8443/ApiPublic/api/v1/publication/x", False),
        ("https://gels-avoirs.dgtresor.gouv.fr.example.org/ApiPublic/api/v1/publication/x", False),
        ("https://gels-avoirs.dgtresor.gouv.fr@127.0.0.1/ApiPublic/api/v1/publication/x", False),
    ],
)
def test_a_prefix_admits_only_the_urls_under_it(requested: str, admitted: bool) -> None:
    sources = sources_allowing(OFFICIAL_PREFIX)
    if admitted:
        assert sources.choose(requested) == requested
    else:
        with pytest.raises(SourceRefused):
            sources.choose(requested)


def test_an_entry_without_a_final_slash_admits_that_url_only() -> None:
    sources = sources_allowing(OFFICIAL_REGISTER_URL)
    with pytest.raises(SourceRefused):
        sources.choose(OFFICIAL_REGISTER_URL + "/other")


# --- the allow-list's own rules ------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        "http://gels-avoirs.dgtresor.gouv.fr/",  # plain http over a network
        "http://localhost:8080/",  # a name, not a loopback address
        "https://user:secret@example.org/",
        "https://example.org/register.json?token=1",
        "/srv/registers/",
        "file:///srv/registers/",
        "example.org/register.json",
    ],
)
def test_an_allow_list_entry_must_be_an_https_url_without_credentials(entry: str) -> None:
    with pytest.raises(ValueError, match="must be"):
        AllowedUrl.parse(entry)


def test_plain_http_is_allowed_for_a_loopback_address_only() -> None:
    assert AllowedUrl.parse("http://127.0.0.1:8080/register.json").port == 8080
    assert AllowedUrl.parse("http://[::1]:8080/").path == "/"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "2002:7f00:1::",
    ],
)
def test_internal_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700::1"])
def test_internet_addresses_are_public(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


# --- reading -------------------------------------------------------------------------------


async def test_the_configured_file_is_read_and_not_shown() -> None:
    fetched = await sources_allowing().fetch(str(SAMPLE_REGISTER_PATH))
    assert fetched.content == SAMPLE_REGISTER_PATH.read_bytes()
    assert fetched.public_url == ""


async def test_a_missing_configured_file_is_a_fetch_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "absent.json")
    with pytest.raises(RegisterFetchError, match="cannot read"):
        await RegisterSources(configured=missing).fetch(missing)


async def test_a_path_that_is_not_the_configured_one_is_never_read() -> None:
    with pytest.raises(SourceRefused):
        await sources_allowing().fetch("/etc/hostname")


async def test_an_allow_listed_loopback_url_is_downloaded(published: RegisterFiles) -> None:
    url = f"{published.url}/allowed/register.json"
    sources = sources_allowing(url)
    fetched = await sources.fetch(sources.choose(url), timeout=5.0)
    register = parse_register(fetched.content)
    assert register.published_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert len(register.entries) >= 290
    # Not a public https URL: users are not shown it.
    assert fetched.public_url == ""


async def test_a_loopback_url_off_the_allow_list_is_never_requested(
    published: RegisterFiles,
) -> None:
    sources = sources_allowing(f"{published.url}/allowed/")
    before = list(published.requested)
    with pytest.raises(SourceRefused):
        await sources.fetch(f"{published.url}/private/register.json")
    assert published.requested == before


async def test_an_allow_listed_name_that_resolves_to_loopback_is_refused_unrequested(
    published: RegisterFiles,
) -> None:
    # The name is allowed, but it leads inside: only an entry naming the address itself may.
    port = published.url.rsplit(":", 1)[1]
    url = f"https://localhost:{port}/allowed/register.json"
    sources = sources_allowing(f"https://localhost:{port}/")
    before = list(published.requested)
    with pytest.raises(SourceRefused):
        await sources.fetch(sources.choose(url))
    assert published.requested == before


async def test_a_redirect_off_the_allow_list_is_refused_unfollowed(
    published: RegisterFiles,
) -> None:
    hop = published.redirect("/allowed/moved.json", f"{published.url}/private/register.json")
    sources = sources_allowing(f"{published.url}/allowed/")
    with pytest.raises(SourceRefused):
        await sources.fetch(hop, timeout=5.0)
    assert "/private/register.json" not in published.requested


async def test_a_redirect_within_the_allow_list_is_followed(published: RegisterFiles) -> None:
    hop = published.redirect("/allowed/latest.json", "/allowed/register.json")
    fetched = await sources_allowing(f"{published.url}/allowed/").fetch(hop, timeout=5.0)
    assert fetched.content == SAMPLE_REGISTER_PATH.read_bytes()


async def test_an_http_error_status_of_an_allowed_url_is_a_fetch_error(
    published: RegisterFiles,
) -> None:
    url = f"{published.url}/allowed/missing.json"
    with pytest.raises(RegisterFetchError, match=r"HTTP 404"):
        await sources_allowing(url).fetch(url, timeout=5.0)


async def test_an_unreachable_allowed_server_is_a_fetch_error() -> None:
    url = f"http://127.0.0.1:{closed_port()}/register.json"
    with pytest.raises(RegisterFetchError, match="cannot download"):
        await sources_allowing(url).fetch(url, timeout=5.0)


async def test_a_configured_url_is_trusted_as_given(published: RegisterFiles) -> None:
    # The deployment chose it: no allow-list entry is needed, internal or not.
    url = f"{published.url}/allowed/register.json"
    sources = RegisterSources(configured=url)
    fetched = await sources.fetch(sources.choose(""), timeout=5.0)
    assert fetched.content == SAMPLE_REGISTER_PATH.read_bytes()


async def test_a_host_name_is_reached_at_the_address_that_was_checked(
    published: RegisterFiles,
) -> None:
    # The request goes to the resolved address, still naming the host: resolving it again
    # could give another address than the one checked.
    port = published.url.rsplit(":", 1)[1]
    url = f"http://localhost:{port}/allowed/register.json"
    sources = RegisterSources(configured=url)
    fetched = await sources.fetch(sources.choose(""), timeout=5.0)
    assert fetched.content == SAMPLE_REGISTER_PATH.read_bytes()
    assert published.hosts[-1] == f"localhost:{port}"


def _self_signed_tls(directory: Path) -> ssl.SSLContext:
    """A server context with a certificate for localhost that no authority signed."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


async def test_a_request_sent_to_the_checked_address_still_verifies_the_certificate(
    tmp_path: Path,
) -> None:
    # Sent to the address, the request still names the host for TLS: a certificate no
    # authority signed is refused, as it would be without pinning.
    with serving_register_files(_self_signed_tls(tmp_path)) as published:
        published.publish("/register.json", SAMPLE_REGISTER_PATH.read_bytes())
        port = published.url.rsplit(":", 1)[1]
        url = f"https://localhost:{port}/register.json"
        sources = RegisterSources(configured=url)
        with pytest.raises(RegisterFetchError, match="CERTIFICATE_VERIFY_FAILED"):
            await sources.fetch(sources.choose(""), timeout=5.0)
        assert published.requested == []
