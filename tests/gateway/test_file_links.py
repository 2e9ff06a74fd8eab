"""File links: signed for one caller and one file, refused for any other file, after they
expire, or as a bearer token; a bearer token is no file link either."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from gateway.auth import issue_token, verify_token
from gateway.files import FileLinks
from runtime.caller import Caller
from runtime.config import load_settings
from runtime.errors import Unauthenticated

SETTINGS = load_settings({"C360_JWT_SECRET": "s" * 40, "C360_FILE_LINK_TTL": "60"})
CALLER = Caller(tenant_id="agency-a", user_id="tech-1", role="technician")


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["link"][0]


def test_a_link_names_its_file_and_gives_back_its_caller() -> None:
    links = FileLinks(SETTINGS)
    link = links.link(CALLER, "interventions", "01HXPHOTO", "thumbnail")
    assert urlsplit(link).path == "/files/interventions/01HXPHOTO"
    assert parse_qs(urlsplit(link).query)["variant"] == ["thumbnail"]
    assert links.caller(token_of(link), "interventions", "01HXPHOTO", "thumbnail") == CALLER


@pytest.mark.parametrize(
    ("service", "file_id", "variant"),
    [
        ("interventions", "01HXOTHER", "thumbnail"),
        ("communication", "01HXPHOTO", "thumbnail"),
        ("interventions", "01HXPHOTO", ""),
    ],
)
def test_a_link_opens_no_other_file(service: str, file_id: str, variant: str) -> None:
    links = FileLinks(SETTINGS)
    token = token_of(links.link(CALLER, "interventions", "01HXPHOTO", "thumbnail"))
    with pytest.raises(Unauthenticated, match="names another file"):
        links.caller(token, service, file_id, variant)


def test_an_expired_link_is_refused() -> None:
    expired = FileLinks(
        load_settings({"C360_JWT_SECRET": "s" * 40, "C360_FILE_LINK_TTL": "0.000001"})
    )
    token = token_of(expired.link(CALLER, "billing", "INV-1"))
    with pytest.raises(Unauthenticated, match="expired"):
        FileLinks(SETTINGS).caller(token, "billing", "INV-1", "")


def test_links_and_bearer_tokens_do_not_stand_for_each_other() -> None:
    links = FileLinks(SETTINGS)
    token = token_of(links.link(CALLER, "billing", "INV-1"))
    with pytest.raises(Unauthenticated, match=r"(?i)audience"):
        verify_token(SETTINGS, token)
    bearer = issue_token(SETTINGS, tenant_id="agency-a", user_id="u", role="advisor")
    with pytest.raises(Unauthenticated, match=r"(?i)audience"):
        links.caller(bearer, "billing", "INV-1", "")
