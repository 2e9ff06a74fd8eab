"""Identity's store access on a real SQLite store: sensitive numbers are encrypted at rest and
a read decrypts only the sections it shows; references are gapless per tenant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from runtime.caller import Caller
from runtime.crypto import FieldCipher
from runtime.store.sqlite import SqliteStore
from services.identity import service
from services.identity.models import CLIENTS, COLLECTIONS, ClientInput
from services.identity.privacy import masked
from services.identity.repository import IdentityRepository
from tests.identity.queries import VALID_IBAN, VALID_NIR

ADVISOR = Caller("agency-a", "alice", "advisor")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "identity.sqlite3")
    await opened.open(COLLECTIONS)
    yield opened
    await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> IdentityRepository:
    return IdentityRepository(store, FieldCipher(Fernet.generate_key().decode()))


def individual(last: str = "Martin") -> ClientInput:
    return {
        "kind": "individual",
        "last_name": last,
        "personal": {"social_security_number": VALID_NIR},
        "family_members": [{"first_name": "Léo", "social_security_number": VALID_NIR}],
        "bank_accounts": [{"iban": VALID_IBAN}],
    }


async def test_a_read_decrypts_only_the_sections_it_shows(
    store: SqliteStore, repo: IdentityRepository
) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=individual())
    stored = await store.get(CLIENTS, "agency-a", created["id"])
    assert stored is not None
    assert stored["personal"]["social_security_number"].startswith("enc:")
    assert stored["family_members"][0]["social_security_number"].startswith("enc:")
    assert stored["bank_accounts"][0]["iban"].startswith("enc:")

    (read,) = await service.get_clients(
        repo=repo, caller=ADVISOR, client_ids=[created["id"]], fields=["bank_accounts"]
    )
    assert read["bank_accounts"][0]["iban"] == VALID_IBAN
    assert read["personal"]["social_security_number"].startswith("enc:")
    (whole,) = await service.get_clients(repo=repo, caller=ADVISOR, client_ids=[created["id"]])
    assert whole["personal"]["social_security_number"] == VALID_NIR
    assert whole["family_members"][0]["social_security_number"] == VALID_NIR


async def test_events_carry_every_sensitive_number_masked(repo: IdentityRepository) -> None:
    created = await service.create_client(repo=repo, caller=ADVISOR, data=individual())
    hidden = masked(created)
    assert hidden["personal"]["social_security_number"] == "1************25"
    assert hidden["family_members"][0]["social_security_number"] == "1************25"
    assert hidden["bank_accounts"][0]["iban"] == "FR76*******************0189"
    assert created["bank_accounts"][0]["iban"] == VALID_IBAN


async def test_references_follow_each_other_per_tenant(repo: IdentityRepository) -> None:
    other = Caller("agency-b", "bob", "advisor")
    references = [
        (await service.create_client(repo=repo, caller=caller, data=individual()))["reference"]
        for caller in (ADVISOR, ADVISOR, other)
    ]
    assert references == ["CL000001", "CL000002", "CL000001"]
