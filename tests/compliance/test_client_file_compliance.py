"""The compliance section of the client file over real processes: identity's events lead to
screenings in compliance over NATS, a person's decision is kept, and the register can be
reloaded by a platform operator only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.compliance.consumers import IDENTITY_DURABLE
from services.compliance.sample_register import SAMPLE_REGISTER_PATH
from services.compliance.sources import SOURCE_RULE
from tests.compliance.queries import COMPLIANCE, SCREEN, SCREEN_MANY, SET_STATUS
from tests.harness import GraphQLClient, wait_consumed
from tests.identity.queries import ADD_CONTACT, CREATE, UPDATE, individual
from tests.waiting import eventually

PETROV_ENTRY = "15530"


async def _create(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    client: dict[str, Any] = (await gql.data(CREATE, {"input": individual(**fields)}))[
        "createClient"
    ]
    return client


async def _compliance_after(
    gql: GraphQLClient, client_id: str, screenings: int = 1
) -> dict[str, Any]:
    """The compliance section once at least ``screenings`` checks are recorded."""

    async def section() -> dict[str, Any]:
        found: dict[str, Any] = (await gql.data(COMPLIANCE, {"id": client_id}))["client"][
            "compliance"
        ]
        return found

    return await eventually(
        section,
        lambda found: len(found["history"]) >= screenings,
        what=f"{screenings} screenings recorded",
        timeout=10,
    )


async def test_creating_a_client_leads_to_a_screening(gql: GraphQLClient) -> None:
    listed = await _create(gql, first="Ivan", last="Petrov", personal={"birthDate": "1961-04-12"})
    clean = await _create(gql, first="Camille", last="Martin-Fourcade")

    section = await _compliance_after(gql, listed["id"])
    assert section["assetFreezeStatus"] == "TO_VERIFY"
    assert section["banner"]
    last = section["lastScreening"]
    assert last["trigger"] == "CLIENT_CREATED"
    # An automatic check of the client itself: no contact, no job, nobody asked; null, not "".
    assert (last["contactId"], last["jobId"]) == (None, None)
    assert last["statusBefore"] == "EMPTY"
    assert last["statusAfter"] == "TO_VERIFY"
    assert last["registerDate"].startswith("2026-11-20")
    assert PETROV_ENTRY in [m["entryId"] for m in last["matches"]]
    assert last["matches"]
    assert all(0 < m["score"] <= 1 for m in last["matches"])

    clean_section = await _compliance_after(gql, clean["id"])
    assert clean_section["assetFreezeStatus"] == "NO"
    assert clean_section["banner"] is None
    assert clean_section["lastScreening"]["matches"] == []


async def test_a_name_change_is_screened_again_and_a_memo_change_is_not(
    gql: GraphQLClient,
) -> None:
    client = await _create(gql, first="Camille", last="Durand")
    await _compliance_after(gql, client["id"])
    await gql.data(UPDATE, {"id": client["id"], "version": 1, "input": {"memo": "appel"}})
    await gql.data(
        UPDATE,
        {
            "id": client["id"],
            "version": 2,
            "input": {"firstName": "Olena", "lastName": "Kovalenko"},
        },
    )
    await _compliance_after(gql, client["id"], screenings=2)
    # The memo's event came before the name's: once compliance has consumed everything, a
    # screening it caused would be there.
    await wait_consumed(gql.system.nats.url, IDENTITY_DURABLE)
    section = (await gql.data(COMPLIANCE, {"id": client["id"]}))["client"]["compliance"]
    assert [s["trigger"] for s in section["history"]] == ["CLIENT_UPDATED", "CLIENT_CREATED"]
    assert section["assetFreezeStatus"] == "TO_VERIFY"


async def test_a_contact_is_screened_when_it_is_saved(gql: GraphQLClient) -> None:
    client = await _create(gql, last="Entreprise Propre")
    await _compliance_after(gql, client["id"])
    contact = (
        await gql.data(
            ADD_CONTACT,
            {
                "clientId": client["id"],
                "input": {"firstName": "Ivan", "lastName": "Petrov", "function": "Gérant"},
            },
        )
    )["addContact"]
    section = await _compliance_after(gql, client["id"], screenings=2)
    assert section["lastScreening"]["contactId"] == contact["id"]
    assert section["lastScreening"]["trigger"] == "CONTACT_SAVED"
    assert section["assetFreezeStatus"] == "TO_VERIFY"


async def test_yes_is_set_by_a_person_and_never_changed_by_a_check(gql: GraphQLClient) -> None:
    client = await _create(gql, first="Ivan", last="Petrov", personal={"birthDate": "1961-04-12"})
    await _compliance_after(gql, client["id"])
    missing_reason = await gql.execute(
        SET_STATUS, {"id": client["id"], "status": "YES", "reason": " "}
    )
    assert missing_reason["errors"][0]["extensions"]["field"] == "reason"

    decided = (
        await gql.data(
            SET_STATUS,
            {"id": client["id"], "status": "YES", "reason": "Same person, checked on the register"},
        )
    )["setAssetFreezeStatus"]
    assert decided["assetFreezeStatus"] == "YES"
    assert decided["banner"]
    assert decided["decisions"][0] == {
        "status": "YES",
        "reason": "Same person, checked on the register",
        "decidedBy": "tester",
    }
    screening = (await gql.data(SCREEN, {"id": client["id"]}))["screenClient"]
    assert screening["trigger"] == "MANUAL"
    assert screening["statusBefore"] == screening["statusAfter"] == "YES"
    section = await _compliance_after(gql, client["id"], screenings=2)
    assert section["assetFreezeStatus"] == "YES"


async def test_screening_another_tenants_client_is_not_found(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    client = await _create(gql, first="Ivan", last="Petrov")
    await _compliance_after(gql, client["id"])
    body = await other_gql.execute(SCREEN, {"id": client["id"]})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    decided = await other_gql.execute(
        SET_STATUS, {"id": client["id"], "status": "NO", "reason": "x"}
    )
    assert decided["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    section = (await gql.data(COMPLIANCE, {"id": client["id"]}))["client"]["compliance"]
    assert section["assetFreezeStatus"] == "TO_VERIFY"
    assert len(section["history"]) == 1


RELOAD = """
mutation($url: String) { reloadFreezeRegister(url: $url) { entryCount publishedAt source } }
"""
REGISTER_INFO = "{ freezeRegister { entryCount publishedAt source } }"


async def test_only_a_platform_operator_reloads_the_register(
    gql: GraphQLClient, tmp_path: Path
) -> None:
    before = (await gql.data(REGISTER_INFO))["freezeRegister"]
    assert before["entryCount"] == 302
    assert before["publishedAt"].startswith("2026-11-20")
    # The register's date and size, never a path on the server.
    assert before["source"] is None

    admin = GraphQLClient(gql.system, gql.http, gql.tenant, role="admin")
    for tenant_user in (gql, admin):
        for url in (None, str(SAMPLE_REGISTER_PATH)):
            refused = await tenant_user.execute(RELOAD, {"url": url})
            assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql.data(REGISTER_INFO))["freezeRegister"] == before

    operator = GraphQLClient(gql.system, gql.http, gql.tenant, role="operator")
    existing = tmp_path / "register.json"
    existing.write_bytes(SAMPLE_REGISTER_PATH.read_bytes())
    answers = []
    for url in (str(existing), str(tmp_path / "missing.json"), f"file://{existing}"):
        bad = await operator.execute(RELOAD, {"url": url})
        answers.append((bad["errors"][0]["message"], bad["errors"][0]["extensions"]))
    assert answers[0][1]["code"] == "BAD_USER_INPUT"
    assert answers[0][1]["field"] == "source"
    assert answers[0][1]["rule"] == SOURCE_RULE
    assert answers == [answers[0]] * len(answers)

    restored = (await operator.data(RELOAD, {"url": None}))["reloadFreezeRegister"]
    assert restored["entryCount"] == 302
    assert restored["source"] is None


async def test_screening_a_selection_needs_ids_or_search_and_says_which(
    gql: GraphQLClient,
) -> None:
    neither = (await gql.execute(SCREEN_MANY, {}))["errors"][0]
    assert neither["extensions"]["code"] == "BAD_USER_INPUT"
    assert neither["message"] == (
        "ids: required when search is not given; search: required when ids is not given"
    )
    assert [v["field"] for v in neither["extensions"]["violations"]] == ["ids", "search"]
    both = (await gql.execute(SCREEN_MANY, {"ids": [], "search": "x"}))["errors"][0]
    assert both["extensions"]["code"] == "BAD_USER_INPUT"
    assert [v["field"] for v in both["extensions"]["violations"]] == ["ids", "search"]


STARTED = """
mutation($ids: [ID!]) {
  screenClients(ids: $ids) { state createdAt finishedAt error requestedBy }
}
"""


async def test_a_job_just_started_has_no_end_time_nor_error_yet(gql: GraphQLClient) -> None:
    client = await _create(gql, first="Nadia", last="Lemaire")
    job = (await gql.data(STARTED, {"ids": [client["id"]]}))["screenClients"]
    assert job["state"] == "PENDING"
    assert job["createdAt"]
    # An unset timestamp and an empty message are null, as every absent value.
    assert (job["finishedAt"], job["error"]) == (None, None)
    assert job["requestedBy"] == "tester"
