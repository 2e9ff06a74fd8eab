"""The contracts domain in process, on a real SQLite store: contracts and their participants,
the batch read of client files with today's markers, renewals, terminations under the rules,
the agency's settings, the roles, tenant isolation and the events in the outbox."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from client360.contracts.v1 import contracts_pb2
from runtime.contracts import decode_payload, payload_types
from runtime.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from runtime.store.sqlite import SqliteStore
from services.contracts import claims, service
from services.contracts.dates import add_years
from services.contracts.models import COLLECTIONS, CONTRACTS
from services.contracts.repository import ContractsRepository
from services.contracts.service import ClaimFilter, ContractFilter, PageAsk
from tests.contracts.fixtures import (
    ADVISOR,
    MANAGER,
    OTHER_ADVISOR,
    PARTNER,
    TECHNICIAN,
    claim_input,
    contract_input,
    day,
    holder,
    outbox,
    today,
)

PAYLOADS = payload_types(
    contracts_pb2.ContractCreated,
    contracts_pb2.ContractUpdated,
    contracts_pb2.ContractRenewed,
    contracts_pb2.ContractTerminated,
    contracts_pb2.ClaimOpened,
    contracts_pb2.ClaimUpdated,
    contracts_pb2.ClaimClosed,
    contracts_pb2.ClaimReopened,
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "contracts.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> ContractsRepository:
    return ContractsRepository(store)


async def _create(repo: ContractsRepository, *participants: Any, **fields: Any) -> Any:
    return await service.create_contract(
        repo=repo, caller=ADVISOR, data=contract_input(*participants, **fields)
    )


async def _file(repo: ContractsRepository, *client_ids: str, **asked: Any) -> service.ContractsFile:
    return await service.client_contracts(
        repo=repo, caller=asked.pop("caller", ADVISOR), client_ids=list(client_ids), **asked
    )


def _ids(file: service.ContractsFile, client_id: str) -> list[str]:
    (part,) = [p for p in file.clients if p.client_id == client_id]
    assert part.contracts is not None
    return [v.contract["id"] for v in part.contracts.rows]


# Contracts and participants


async def test_a_new_contract_is_numbered_in_force_and_announced(
    repo: ContractsRepository, store: SqliteStore
) -> None:
    first = await _create(repo)
    second = await _create(repo)
    assert (first["reference"], second["reference"]) == ("CT000001", "CT000002")
    assert first["status"] == "in_force"
    assert first["party_client_ids"] == ["client-1"]
    assert first["audit"]["created_by"] == "alice"
    (event, _) = await outbox(store)
    payload = decode_payload(event, PAYLOADS)
    assert isinstance(payload, contracts_pb2.ContractCreated)
    assert (event.type, event.key) == ("c360.contracts.contract.created", "client-1")
    assert payload.contract.reference == "CT000001"


async def test_a_contract_shared_by_two_clients_shows_on_both_files_in_one_read(
    repo: ContractsRepository, store: SqliteStore
) -> None:
    parent = holder("parent")
    child = holder("child", "insured")
    shared = await _create(repo, parent, child, branch="health")
    own = await _create(repo, holder("child"))
    file = await _file(repo, "parent", "child", "stranger")
    assert _ids(file, "parent") == [shared["id"]]
    assert sorted(_ids(file, "child")) == sorted([shared["id"], own["id"]])
    assert _ids(file, "stranger") == []
    # Announced to both files.
    keys = [e.key for e in await outbox(store) if e.type.endswith("contract.created")]
    assert sorted(keys) == ["child", "child", "parent"]


async def test_a_participation_shows_while_it_is_valid_unless_the_past_is_asked(
    repo: ContractsRepository,
) -> None:
    ended = holder("driver", "driver", valid_from=day(-400), valid_to=day(-1))
    upcoming = holder("newcomer", "driver", valid_from=day(1))
    contract = await _create(repo, holder("owner"), ended, upcoming)
    file = await _file(repo, "owner", "driver", "newcomer")
    assert _ids(file, "owner") == [contract["id"]]
    assert _ids(file, "driver") == []
    assert _ids(file, "newcomer") == []
    past = await _file(
        repo,
        "driver",
        "newcomer",
        contract_filter=ContractFilter(include_past_participations=True),
    )
    assert _ids(past, "driver") == _ids(past, "newcomer") == [contract["id"]]


async def test_one_client_may_hold_several_roles_in_one_participation(
    repo: ContractsRepository,
) -> None:
    contract = await _create(repo, holder("c", "policyholder", "insured", "payer", "driver"))
    assert contract["participants"][0]["roles"] == ["policyholder", "insured", "payer", "driver"]


async def test_a_bad_contract_is_refused_whole_with_every_violation_and_nothing_is_written(
    repo: ContractsRepository, store: SqliteStore
) -> None:
    data = contract_input(
        holder("a", "insured", share_percent=10, minor=True),
        holder("a", "payer"),
        holder("", "beneficiary", share_percent=150),
        holder("b", valid_from="2026-05-01", valid_to="2026-04-01"),
        insurer=" ",
        product="",
        branch="",
        status="terminated",
        effective_date="2026-13-01",
        due_date="",
        premium={"amount_minor": -5, "currency": "EURO"},
        payment_frequency="",
        premium_collector="sometimes",
        renewal_notice_sent_on=day(3),
        partner_ids=["insurer-axa", "insurer-axa", " "],
        status_label="x" * 61,
    )
    with pytest.raises(InvalidInput) as refused:
        await service.create_contract(repo=repo, caller=ADVISOR, data=data)
    assert sorted((v.field, v.rule) for v in refused.value.violations) == sorted(
        [
            ("insurer", "required"),
            ("product", "required"),
            ("statusLabel", "at most 60 characters"),
            ("branch", "required"),
            ("effectiveDate", "not a date in the form YYYY-MM-DD"),
            ("dueDate", "required"),
            ("renewalNoticeSentOn", "must not be in the future"),
            ("premium.currency", "must be an ISO 4217 currency code, such as EUR"),
            ("premium.amountMinor", "must be 0 or more"),
            ("paymentFrequency", "required with a premium"),
            ("premiumCollector", "must be one of BROKER, INSURER"),
            ("participants[0].sharePercent", "only for a BENEFICIARY"),
            ("participants[0].minor", "only for a BENEFICIARY"),
            (
                "participants[1].clientId",
                "already participants[0] over the same days: give it every role",
            ),
            ("participants[2].clientId", "required"),
            ("participants[2].sharePercent", "must be above 0 and at most 100"),
            ("participants[3].validTo", "must not be before validFrom"),
            ("partnerIds", "a partner id is blank"),
            ("partnerIds", "a partner is named twice"),
            ("status", "TERMINATED is set by terminateContract or requestTermination"),
        ]
    )
    assert await store.count(CONTRACTS, ADVISOR.tenant_id) == 0
    assert await outbox(store) == []


@pytest.mark.parametrize(
    ("fields", "violation"),
    [
        ({"participants": []}, ("participants", "at least one participant, the policyholder")),
        (
            {"participants": [holder("a", "policyholder", "unknown")]},
            (
                "participants[0].roles[1]",
                "must be one of POLICYHOLDER, INSURED, PAYER, BENEFICIARY, DRIVER",
            ),
        ),
        (
            {"participants": [holder("a", "policyholder", "policyholder")]},
            ("participants[0].roles", "a role is given twice"),
        ),
        (
            {
                "participants": [
                    holder("a"),
                    holder("b", "beneficiary", share_percent=60),
                    holder("c", "beneficiary", share_percent=50),
                ]
            },
            ("participants", "the beneficiaries' shares add up to more than 100"),
        ),
        (
            {"effective_date": "2026-05-02", "due_date": "2026-05-01"},
            ("dueDate", "must not be before effectiveDate"),
        ),
        (
            {"branch": "boats"},
            (
                "branch",
                "must be one of MOTOR, HOME, HEALTH, LIFE, PROVIDENT, "
                "LIABILITY, FLEET, AFFINITY, PROPERTY, OTHER",
            ),
        ),
        ({"policy_number": "9" * 201}, ("policyNumber", "at most 200 characters")),
    ],
)
async def test_each_contract_rule_names_its_field(
    repo: ContractsRepository, fields: dict[str, Any], violation: tuple[str, str]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.create_contract(repo=repo, caller=ADVISOR, data=contract_input(**fields))
    assert [(v.field, v.rule) for v in refused.value.violations] == [violation]


async def test_the_same_client_may_take_part_again_over_other_days(
    repo: ContractsRepository,
) -> None:
    contract = await _create(
        repo,
        holder("owner"),
        holder("d", "driver", valid_from="2024-01-01", valid_to="2024-12-31"),
        holder("d", "driver", valid_from="2025-06-01"),
    )
    assert contract["party_client_ids"] == ["owner", "d"]


async def test_an_update_changes_the_fields_named_and_tells_old_and_new_participants(
    repo: ContractsRepository, store: SqliteStore
) -> None:
    contract = await _create(repo, holder("owner"), holder("old-driver", "driver"))
    updated = await service.update_contract(
        repo=repo,
        caller=ADVISOR,
        contract_id=contract["id"],
        version=contract["version"],
        changes=contract_input(holder("owner"), holder("new-driver", "driver"), product="Auto"),
        paths=["participants"],
    )
    assert updated["product"] == contract["product"]
    assert updated["party_client_ids"] == ["owner", "new-driver"]
    events = [e for e in await outbox(store) if e.type.endswith("contract.updated")]
    assert sorted(e.key for e in events) == ["new-driver", "old-driver", "owner"]
    payload = decode_payload(events[0], PAYLOADS)
    assert isinstance(payload, contracts_pb2.ContractUpdated)
    assert list(payload.changed_fields) == ["participants"]
    with pytest.raises(Conflict):
        await service.update_contract(
            repo=repo,
            caller=ADVISOR,
            contract_id=contract["id"],
            version=contract["version"],
            changes=contract_input(product="Auto"),
            paths=["product"],
        )
    with pytest.raises(InvalidInput) as refused:
        await service.update_contract(
            repo=repo,
            caller=ADVISOR,
            contract_id=contract["id"],
            version=updated["version"],
            changes=contract_input(status="terminated"),
            paths=["status"],
        )
    assert refused.value.violations[0].field == "status"
    unchanged = await service.update_contract(
        repo=repo,
        caller=ADVISOR,
        contract_id=contract["id"],
        version=updated["version"],
        changes=contract_input(),
        paths=["insurer"],
    )
    assert unchanged["version"] == updated["version"]


# Markers and filters in the batch read


async def test_the_markers_are_computed_for_today_in_the_read(repo: ContractsRepository) -> None:
    due = {
        "up_to_date": day(61),
        "to_renew_last_day": day(60),
        "to_renew_today": day(0),
        "not_renewed": day(-1),
    }
    made = {name: await _create(repo, due_date=when) for name, when in due.items()}
    ending = await _create(repo, due_date=day(30))
    await service.terminate_contract(
        repo=repo,
        caller=ADVISOR,
        contract_id=ending["id"],
        version=ending["version"],
        termination_date=day(30),
        reason="insurer_decision",
    )
    ended = await _create(repo, due_date=day(30))
    await service.terminate_contract(
        repo=repo,
        caller=ADVISOR,
        contract_id=ended["id"],
        version=ended["version"],
        termination_date=day(0),
        reason="sale_of_insured_object",
    )
    file = await _file(repo, "client-1")
    (part,) = file.clients
    assert part.contracts is not None
    states = {v.contract["id"]: v.markers.renewal_state for v in part.contracts.rows}
    assert file.today == today()
    assert {name: states[c["id"]] for name, c in made.items()} == {
        "up_to_date": "up_to_date",
        "to_renew_last_day": "to_renew",
        "to_renew_today": "to_renew",
        "not_renewed": "not_renewed",
    }
    assert states[ending["id"]] == "terminating"
    assert states[ended["id"]] == "terminated"
    # Sorted by due date.
    assert [v.contract["due_date"] for v in part.contracts.rows] == sorted(
        v.contract["due_date"] for v in part.contracts.rows
    )
    to_renew = await _file(
        repo, "client-1", contract_filter=ContractFilter(renewal_states=frozenset({"to_renew"}))
    )
    assert sorted(_ids(to_renew, "client-1")) == sorted(
        [made["to_renew_last_day"]["id"], made["to_renew_today"]["id"]]
    )
    terminated = await _file(
        repo, "client-1", contract_filter=ContractFilter(statuses=frozenset({"terminated"}))
    )
    assert _ids(terminated, "client-1") == [ended["id"]]


async def test_the_agencys_renewal_window_moves_the_to_renew_marker(
    repo: ContractsRepository,
) -> None:
    contract = await _create(repo, due_date=day(75))
    before = await _file(repo, "client-1")
    assert before.clients[0].contracts is not None
    assert before.clients[0].contracts.rows[0].markers.renewal_state == "up_to_date"
    settings = await service.get_settings(repo=repo, caller=ADVISOR)
    assert (settings["renewal_window_days"], settings["timezone"]) == (60, "Europe/Paris")
    await service.update_settings(
        repo=repo,
        caller=MANAGER,
        version=0,
        changes={"renewal_window_days": 90},
        paths=["renewal_window_days"],
    )
    after = await _file(repo, "client-1")
    assert after.clients[0].contracts is not None
    assert after.clients[0].contracts.rows[0].contract["id"] == contract["id"]
    assert after.clients[0].contracts.rows[0].markers.renewal_state == "to_renew"


async def test_settings_are_checked_versioned_and_kept_to_managers(
    repo: ContractsRepository,
) -> None:
    with pytest.raises(PermissionDenied):
        await service.update_settings(
            repo=repo, caller=ADVISOR, version=0, changes={"renewal_window_days": 30}, paths=[]
        )
    with pytest.raises(InvalidInput) as refused:
        await service.update_settings(
            repo=repo,
            caller=MANAGER,
            version=0,
            changes={"renewal_window_days": 0, "timezone": "Mars/Olympus"},
            paths=[],
        )
    assert [v.field for v in refused.value.violations] == ["renewalWindowDays", "timezone"]
    saved = await service.update_settings(
        repo=repo,
        caller=MANAGER,
        version=0,
        changes={"renewal_window_days": 30, "timezone": "America/Martinique"},
        paths=[],
    )
    assert (saved["renewal_window_days"], saved["timezone"], saved["version"]) == (
        30,
        "America/Martinique",
        1,
    )
    with pytest.raises(Conflict):
        await service.update_settings(
            repo=repo, caller=MANAGER, version=0, changes={"renewal_window_days": 45}, paths=[]
        )


async def test_contracts_are_paged_per_client_with_cursors(repo: ContractsRepository) -> None:
    made = [await _create(repo, due_date=day(100 + n)) for n in range(5)]
    first = await _file(repo, "client-1", contract_page=PageAsk(first=2))
    page = first.clients[0].contracts
    assert page is not None
    assert [v.contract["id"] for v in page.rows] == [c["id"] for c in made[:2]]
    assert (page.has_next_page, page.total_count) == (True, 5)
    rest = await _file(repo, "client-1", contract_page=PageAsk(first=10, after=page.end_cursor))
    assert rest.clients[0].contracts is not None
    assert [v.contract["id"] for v in rest.clients[0].contracts.rows] == [c["id"] for c in made[2:]]
    with pytest.raises(InvalidInput) as refused:
        await _file(repo, "client-1", "client-2", contract_page=PageAsk(after=page.end_cursor))
    assert refused.value.violations[0].field == "contracts.after"
    with pytest.raises(InvalidInput):
        await _file(repo, "client-1", contract_page=PageAsk(after="not-a-cursor"))
    with pytest.raises(InvalidInput):
        await _file(repo, "client-1", contract_page=PageAsk(first=201))
    with pytest.raises(InvalidInput):
        await _file(repo, *[f"c{n}" for n in range(501)])


# Renewal and termination


async def test_a_renewal_moves_the_due_date_a_year_and_keeps_the_notice(
    repo: ContractsRepository, store: SqliteStore
) -> None:
    contract = await _create(repo, due_date="2026-03-01", renewal_notice_sent_on="2025-12-01")
    renewed = await service.renew_contract(
        repo=repo, caller=ADVISOR, contract_id=contract["id"], version=contract["version"]
    )
    assert (renewed["due_date"], renewed["last_renewed_on"]) == ("2027-03-01", "2026-03-01")
    assert (renewed["last_renewal_notice_sent_on"], renewed["renewal_notice_sent_on"]) == (
        "2025-12-01",
        "",
    )
    assert [e.type for e in await outbox(store)][-1] == "c360.contracts.contract.renewed"
    with pytest.raises(InvalidInput) as refused:
        await service.renew_contract(
            repo=repo,
            caller=ADVISOR,
            contract_id=contract["id"],
            version=renewed["version"],
            next_due_date="2027-03-01",
        )
    assert refused.value.violations[0].rule == "must be after the current due date, 2027-03-01"


async def test_a_termination_request_too_early_is_refused_naming_the_rule_and_the_day(
    repo: ContractsRepository,
) -> None:
    # Due in 50 days: the 2 months' notice for this due date has passed, the next one is
    # a year later.
    due = today() + timedelta(days=50)
    contract = await _create(repo, due_date=due.isoformat(), consumer=False, branch="liability")
    with pytest.raises(InvalidInput) as refused:
        await service.request_termination(
            repo=repo,
            caller=ADVISOR,
            contract_id=contract["id"],
            version=contract["version"],
            end_date=due.isoformat(),
        )
    (violation,) = refused.value.violations
    assert violation.field == "endDate"
    assert violation.rule.startswith(
        f"L113-12 (annual): a notice received on {today()} ends the contract on "
        f"{add_years(due, 1)} at the earliest"
    )
    with pytest.raises(InvalidInput) as future:
        await service.request_termination(
            repo=repo,
            caller=ADVISOR,
            contract_id=contract["id"],
            version=contract["version"],
            received_on=day(1),
        )
    assert future.value.violations[0].field == "receivedOn"


async def test_a_rule_that_does_not_apply_yet_is_refused_with_the_day_it_will(
    repo: ContractsRepository,
) -> None:
    contract = await _create(repo, effective_date=day(-100), due_date=day(265))
    with pytest.raises(InvalidInput) as refused:
        await service.request_termination(
            repo=repo,
            caller=ADVISOR,
            contract_id=contract["id"],
            version=contract["version"],
            rule="hamon",
        )
    (violation,) = refused.value.violations
    assert violation.field == "rule"
    assert f"(allowed from {day(265)})" in violation.rule
    assert violation.rule.startswith("L113-15-2 (Hamon): not allowed")


async def test_an_allowed_request_is_recorded_and_marks_the_contract_terminating(
    repo: ContractsRepository, store: SqliteStore
) -> None:
    contract = await _create(repo, effective_date=day(-800), due_date=day(200))
    recorded = await service.request_termination(
        repo=repo, caller=ADVISOR, contract_id=contract["id"], version=contract["version"]
    )
    request = recorded["termination_request"]
    assert request is not None
    # Hamon: a month after today, sooner than the due date.
    assert (request["rule"], request["received_on"]) == ("hamon", day(0))
    assert recorded["termination_date"] == request["end_date"]
    assert recorded["termination_reason"] == "insured_request"
    assert recorded["status"] == "in_force"
    file = await _file(repo, "client-1")
    assert file.clients[0].contracts is not None
    assert file.clients[0].contracts.rows[0].markers.renewal_state == "terminating"
    (event,) = [e for e in await outbox(store) if e.type == "c360.contracts.contract.terminated"]
    payload = decode_payload(event, PAYLOADS)
    assert isinstance(payload, contracts_pb2.ContractTerminated)
    assert payload.contract.termination_request.rule == contracts_pb2.TERMINATION_RULE_HAMON
    with pytest.raises(InvalidInput) as again:
        await service.request_termination(
            repo=repo, caller=ADVISOR, contract_id=contract["id"], version=recorded["version"]
        )
    assert again.value.violations[0].rule == f"the contract already ends on {request['end_date']}"


async def test_a_later_end_date_than_the_rule_allows_is_the_clients_choice(
    repo: ContractsRepository,
) -> None:
    contract = await _create(repo)
    recorded = await service.request_termination(
        repo=repo,
        caller=ADVISOR,
        contract_id=contract["id"],
        version=contract["version"],
        rule="annual",
        end_date=day(400),
    )
    assert recorded["termination_date"] == day(400)


async def test_a_termination_for_another_reason_is_dated_and_may_end_the_contract_today(
    repo: ContractsRepository,
) -> None:
    contract = await _create(repo)
    with pytest.raises(InvalidInput) as refused:
        await service.terminate_contract(
            repo=repo,
            caller=ADVISOR,
            contract_id=contract["id"],
            version=contract["version"],
            termination_date="",
            reason="insured_request",
        )
    assert [v.field for v in refused.value.violations] == ["terminationDate", "reason"]
    with pytest.raises(InvalidInput) as early:
        await service.terminate_contract(
            repo=repo,
            caller=ADVISOR,
            contract_id=contract["id"],
            version=contract["version"],
            termination_date=day(-900),
            reason="death",
        )
    assert early.value.violations[0].field == "terminationDate"
    ended = await service.terminate_contract(
        repo=repo,
        caller=ADVISOR,
        contract_id=contract["id"],
        version=contract["version"],
        termination_date=day(0),
        reason="death",
    )
    assert (ended["status"], ended["termination_reason"]) == ("terminated", "death")
    with pytest.raises(InvalidInput):
        await service.renew_contract(
            repo=repo, caller=ADVISOR, contract_id=contract["id"], version=ended["version"]
        )


async def test_one_contract_with_its_rights_for_a_given_day(repo: ContractsRepository) -> None:
    contract = await _create(repo, due_date="2027-03-01", effective_date="2020-03-01")
    view, _ = await service.get_contract(
        repo=repo, caller=ADVISOR, contract_id=contract["id"], notice_received_on="2026-12-31"
    )
    assert view.rights is not None
    assert view.rights.of("annual").earliest_end == date(2027, 3, 1)
    with pytest.raises(InvalidInput):
        await service.get_contract(
            repo=repo, caller=ADVISOR, contract_id=contract["id"], notice_received_on="soon"
        )


# Claims and the open-claims counter


async def _counts(repo: ContractsRepository, *client_ids: str) -> dict[str, int]:
    file = await _file(repo, *client_ids)
    return {p.client_id: p.open_claims for p in file.clients}


async def test_the_open_claims_counter_follows_open_close_and_reopen(
    repo: ContractsRepository, store: SqliteStore
) -> None:
    contract = await _create(repo, holder("owner"), holder("child", "insured"))
    claim = await claims.declare_claim(
        repo=repo,
        caller=ADVISOR,
        data=claim_input(
            contract["id"], participants=[{"client_id": "child", "roles": ["victim"]}]
        ),
    )
    assert claim["client_ids"] == ["owner", "child"]
    assert await _counts(repo, "owner", "child") == {"owner": 1, "child": 1}
    contract_view = (await _file(repo, "owner")).clients[0].contracts
    assert contract_view is not None
    assert contract_view.rows[0].open_claims == 1
    opened = await claims.change_claim_status(
        repo=repo, caller=ADVISOR, claim_id=claim["id"], version=claim["version"], status="opened"
    )
    assert await _counts(repo, "owner") == {"owner": 1}
    closed = await claims.change_claim_status(
        repo=repo, caller=ADVISOR, claim_id=claim["id"], version=opened["version"], status="closed"
    )
    assert await _counts(repo, "owner", "child") == {"owner": 0, "child": 0}
    after_close = (await _file(repo, "owner")).clients[0].contracts
    assert after_close is not None
    assert after_close.rows[0].open_claims == 0
    reopened = await claims.change_claim_status(
        repo=repo,
        caller=ADVISOR,
        claim_id=claim["id"],
        version=closed["version"],
        status="reopened",
        note="Nouvelle expertise",
    )
    assert await _counts(repo, "owner", "child") == {"owner": 1, "child": 1}
    assert [h["status"] for h in reopened["history"]] == [
        "declared",
        "opened",
        "closed",
        "reopened",
    ]
    assert reopened["history"][-1]["note"] == "Nouvelle expertise"
    kinds = Counter(e.type for e in await outbox(store) if ".claim." in e.type)
    assert kinds == {
        "c360.contracts.claim.opened": 2,
        "c360.contracts.claim.updated": 2,
        "c360.contracts.claim.closed": 2,
        "c360.contracts.claim.reopened": 2,
    }


async def test_a_refused_claim_stays_open_until_it_is_closed(repo: ContractsRepository) -> None:
    contract = await _create(repo)
    claim = await claims.declare_claim(repo=repo, caller=ADVISOR, data=claim_input(contract["id"]))
    refused = await claims.change_claim_status(
        repo=repo, caller=ADVISOR, claim_id=claim["id"], version=claim["version"], status="refused"
    )
    assert await _counts(repo, "client-1") == {"client-1": 1}
    await claims.change_claim_status(
        repo=repo, caller=ADVISOR, claim_id=claim["id"], version=refused["version"], status="closed"
    )
    assert await _counts(repo, "client-1") == {"client-1": 0}


async def test_a_claim_moves_only_along_its_status_path(repo: ContractsRepository) -> None:
    contract = await _create(repo)
    claim = await claims.declare_claim(repo=repo, caller=ADVISOR, data=claim_input(contract["id"]))
    with pytest.raises(InvalidInput) as refused:
        await claims.change_claim_status(
            repo=repo, caller=ADVISOR, claim_id=claim["id"], version=claim["version"], status="paid"
        )
    assert refused.value.violations[0].rule == (
        "a DECLARED claim moves to CLOSED, OPENED, REFUSED, not PAID"
    )
    step = claim
    for status in ("opened", "offer_made", "agreed"):
        step = await claims.change_claim_status(
            repo=repo, caller=ADVISOR, claim_id=claim["id"], version=step["version"], status=status
        )
    with pytest.raises(InvalidInput) as unpaid:
        await claims.change_claim_status(
            repo=repo, caller=ADVISOR, claim_id=claim["id"], version=step["version"], status="paid"
        )
    assert unpaid.value.violations[0].rule == "PAID needs the paidAmount first"
    with pytest.raises(InvalidInput):
        await claims.change_claim_status(
            repo=repo, caller=ADVISOR, claim_id=claim["id"], version=step["version"], status="sunk"
        )
    paid = await claims.update_claim(
        repo=repo,
        caller=ADVISOR,
        claim_id=claim["id"],
        version=step["version"],
        changes=claim_input(
            contract["id"], paid_amount={"amount_minor": 120_000, "currency": "EUR"}
        ),
        paths=["paid_amount"],
    )
    done = await claims.change_claim_status(
        repo=repo, caller=ADVISOR, claim_id=claim["id"], version=paid["version"], status="paid"
    )
    assert done["status"] == "paid"


async def test_new_claim_participants_bring_the_count_to_their_files(
    repo: ContractsRepository,
) -> None:
    contract = await _create(repo, holder("owner"))
    claim = await claims.declare_claim(repo=repo, caller=ADVISOR, data=claim_input(contract["id"]))
    moved = await claims.update_claim(
        repo=repo,
        caller=ADVISOR,
        claim_id=claim["id"],
        version=claim["version"],
        changes=claim_input(
            contract["id"], participants=[{"client_id": "witness", "roles": ["witness"]}]
        ),
        paths=["participants"],
    )
    assert moved["client_ids"] == ["owner", "witness"]
    assert await _counts(repo, "owner", "witness") == {"owner": 1, "witness": 1}
    listed = await _file(repo, "witness", with_contracts=False, with_claims=True)
    assert listed.clients[0].claims is not None
    assert [c["id"] for c in listed.clients[0].claims.rows] == [claim["id"]]
    assert listed.names == {}
    back = await claims.update_claim(
        repo=repo,
        caller=ADVISOR,
        claim_id=claim["id"],
        version=moved["version"],
        changes=claim_input(contract["id"], participants=[]),
        paths=["participants"],
    )
    assert await _counts(repo, "owner", "witness") == {"owner": 1, "witness": 0}
    same = await claims.update_claim(
        repo=repo,
        caller=ADVISOR,
        claim_id=claim["id"],
        version=back["version"],
        changes=claim_input(contract["id"], participants=[]),
        paths=["participants"],
    )
    assert same["version"] == back["version"]


async def test_claims_are_listed_newest_first_and_filtered(repo: ContractsRepository) -> None:
    contract = await _create(repo)
    made = [
        await claims.declare_claim(
            repo=repo,
            caller=ADVISOR,
            data=claim_input(contract["id"], loss_date=day(-30 + n), reported_date=day(-20 + n)),
        )
        for n in range(3)
    ]
    await claims.change_claim_status(
        repo=repo,
        caller=ADVISOR,
        claim_id=made[0]["id"],
        version=made[0]["version"],
        status="closed",
    )
    file = await _file(repo, "client-1", with_claims=True, claim_page=PageAsk(first=2))
    page = file.clients[0].claims
    assert page is not None
    assert [c["id"] for c in page.rows] == [made[2]["id"], made[1]["id"]]
    rest = await _file(
        repo, "client-1", with_claims=True, claim_page=PageAsk(after=page.end_cursor)
    )
    assert rest.clients[0].claims is not None
    assert [c["id"] for c in rest.clients[0].claims.rows] == [made[0]["id"]]
    open_only = await _file(
        repo, "client-1", with_claims=True, claim_filter=ClaimFilter(open_only=True)
    )
    assert open_only.clients[0].claims is not None
    assert open_only.clients[0].claims.total_count == 2
    closed = await _file(
        repo, "client-1", with_claims=True, claim_filter=ClaimFilter(statuses=frozenset({"closed"}))
    )
    assert closed.clients[0].claims is not None
    assert [c["id"] for c in closed.clients[0].claims.rows] == [made[0]["id"]]


async def test_a_bad_claim_is_refused_whole_and_a_loss_must_fall_within_the_cover(
    repo: ContractsRepository,
) -> None:
    contract = await _create(repo, effective_date=day(-100))
    with pytest.raises(InvalidInput) as refused:
        await claims.declare_claim(
            repo=repo,
            caller=ADVISOR,
            data=claim_input(
                contract["id"],
                type="",
                loss_date=day(1),
                reported_date=day(-5),
                assessed_amount={"amount_minor": 10, "currency": "XXX"},
                participants=[
                    {"client_id": "", "roles": []},
                    {"client_id": "x", "roles": ["driver"]},
                    {"client_id": "x", "roles": ["witness"]},
                ],
                description="x" * 4001,
            ),
        )
    assert sorted(v.field for v in refused.value.violations) == sorted(
        [
            "type",
            "lossDate",
            "reportedDate",
            "description",
            "assessedAmount.currency",
            "participants[0].clientId",
            "participants[0].roles",
            "participants[2].clientId",
        ]
    )
    with pytest.raises(InvalidInput) as before:
        await claims.declare_claim(
            repo=repo, caller=ADVISOR, data=claim_input(contract["id"], loss_date=day(-101))
        )
    assert before.value.violations[0].rule == f"before the contract took effect, on {day(-100)}"
    await service.terminate_contract(
        repo=repo,
        caller=ADVISOR,
        contract_id=contract["id"],
        version=contract["version"],
        termination_date=day(-20),
        reason="replaced_elsewhere",
    )
    with pytest.raises(InvalidInput) as after:
        await claims.declare_claim(
            repo=repo, caller=ADVISOR, data=claim_input(contract["id"], loss_date=day(-20))
        )
    assert after.value.violations[0].rule == f"after the contract ended, on {day(-20)}"
    with pytest.raises(NotFound):
        await claims.declare_claim(repo=repo, caller=ADVISOR, data=claim_input("missing"))
    declared = await claims.declare_claim(
        repo=repo,
        caller=ADVISOR,
        data=claim_input(contract["id"], loss_date=day(-50), reported_date=""),
    )
    assert declared["reported_date"] == day(0)


# Roles


async def test_technicians_see_and_change_none_of_the_section(repo: ContractsRepository) -> None:
    contract = await _create(repo)
    claim = await claims.declare_claim(repo=repo, caller=ADVISOR, data=claim_input(contract["id"]))
    for attempt in (
        _file(repo, "client-1", caller=TECHNICIAN),
        service.get_contract(repo=repo, caller=TECHNICIAN, contract_id=contract["id"]),
        claims.get_claim(repo=repo, caller=TECHNICIAN, claim_id=claim["id"]),
        service.create_contract(repo=repo, caller=TECHNICIAN, data=contract_input()),
        service.get_settings(repo=repo, caller=TECHNICIAN),
    ):
        with pytest.raises(PermissionDenied):
            await attempt


async def test_a_partner_sees_only_its_contracts_and_counts_only_its_claims(
    repo: ContractsRepository,
) -> None:
    axa = await _create(repo, partner_ids=["insurer-axa"])
    other = await _create(repo, partner_ids=["insurer-maaf"])
    for contract in (axa, other):
        await claims.declare_claim(repo=repo, caller=ADVISOR, data=claim_input(contract["id"]))
    assert await _counts(repo, "client-1") == {"client-1": 2}
    seen = await _file(repo, "client-1", caller=PARTNER, with_claims=True)
    part = seen.clients[0]
    assert _ids(seen, "client-1") == [axa["id"]]
    assert part.open_claims == 1
    assert part.claims is not None
    assert [c["contract_id"] for c in part.claims.rows] == [axa["id"]]
    assert part.contracts is not None
    assert part.contracts.rows[0].open_claims == 1
    with pytest.raises(NotFound):
        await service.get_contract(repo=repo, caller=PARTNER, contract_id=other["id"])
    view, _ = await service.get_contract(repo=repo, caller=PARTNER, contract_id=axa["id"])
    assert view.open_claims == 1
    with pytest.raises(PermissionDenied):
        await service.update_contract(
            repo=repo,
            caller=PARTNER,
            contract_id=axa["id"],
            version=axa["version"],
            changes=contract_input(),
            paths=["product"],
        )
    # A contract's partners follow to its claims.
    moved = await service.update_contract(
        repo=repo,
        caller=ADVISOR,
        contract_id=other["id"],
        version=other["version"],
        changes=contract_input(partner_ids=["insurer-maaf", "insurer-axa"]),
        paths=["partner_ids"],
    )
    assert moved["partner_ids"] == ["insurer-maaf", "insurer-axa"]
    again = await _file(repo, "client-1", caller=PARTNER, with_claims=True)
    assert again.clients[0].open_claims == 2


# Tenants


async def test_another_agencys_ids_answer_like_missing_ones(repo: ContractsRepository) -> None:
    contract = await _create(repo)
    claim = await claims.declare_claim(repo=repo, caller=ADVISOR, data=claim_input(contract["id"]))
    file = await _file(repo, "client-1", caller=OTHER_ADVISOR, with_claims=True)
    assert file.clients[0].contracts is not None
    assert file.clients[0].contracts.rows == []
    assert file.clients[0].claims is not None
    assert file.clients[0].claims.rows == []
    assert file.clients[0].open_claims == 0
    own = OTHER_ADVISOR
    for attempt in (
        service.get_contract(repo=repo, caller=own, contract_id=contract["id"]),
        service.update_contract(
            repo=repo,
            caller=own,
            contract_id=contract["id"],
            version=1,
            changes=contract_input(),
            paths=["product"],
        ),
        service.renew_contract(repo=repo, caller=own, contract_id=contract["id"], version=1),
        service.terminate_contract(
            repo=repo,
            caller=own,
            contract_id=contract["id"],
            version=1,
            termination_date=day(0),
            reason="death",
        ),
        service.request_termination(repo=repo, caller=own, contract_id=contract["id"], version=1),
        claims.get_claim(repo=repo, caller=own, claim_id=claim["id"]),
        claims.declare_claim(repo=repo, caller=own, data=claim_input(contract["id"])),
        claims.update_claim(
            repo=repo,
            caller=own,
            claim_id=claim["id"],
            version=1,
            changes=claim_input(contract["id"]),
            paths=["description"],
        ),
        claims.change_claim_status(
            repo=repo, caller=own, claim_id=claim["id"], version=1, status="opened"
        ),
    ):
        with pytest.raises(NotFound):
            await attempt
    settings = await service.get_settings(repo=repo, caller=own)
    assert settings["version"] == 0
