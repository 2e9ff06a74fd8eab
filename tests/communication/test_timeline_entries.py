"""How an event becomes a timeline entry, and the timeline read back in process on a real
SQLite store: summary, link to the record, the asset-freeze check, what is left out, paging
and filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from client360.compliance.v1 import compliance_pb2
from client360.contracts.v1 import contracts_pb2
from client360.events.v1 import events_pb2
from client360.lifecycle.v1 import lifecycle_pb2
from runtime.caller import Caller
from runtime.errors import InvalidInput
from runtime.outbox import new_event
from runtime.store.sqlite import SqliteStore
from services.communication import service, timeline
from services.communication.models import COLLECTIONS
from services.communication.repository import CommunicationRepository

ADVISOR = Caller("t", "alice", "advisor")
TECHNICIAN = Caller("t", "tom", "technician")


def test_an_event_says_what_happened_and_links_its_record() -> None:
    claim = contracts_pb2.ClaimOpened(
        claim=contracts_pb2.Claim(id="s1", reference="SI000042", contract_id="k1")
    )
    entry = timeline.entry_of(new_event(claim, tenant_id="t", key="c1", actor_id="alice"))
    assert entry is not None
    assert entry["summary"] == "Claim opened: SI000042"
    assert (entry["record_service"], entry["record_kind"], entry["record_id"]) == (
        "contracts",
        "claim",
        "s1",
    )
    assert (entry["client_id"], entry["actor_id"], entry["manual"]) == ("c1", "alice", False)


def test_the_asset_freeze_check_says_what_it_found() -> None:
    screening = compliance_pb2.Screening(id="x", client_id="c1")
    screening.register_date.FromDatetime(datetime(2026, 11, 20, tzinfo=UTC))
    screening.matches.add(name="IVAN PETROV", score=0.97)
    event = new_event(
        compliance_pb2.ScreeningCompleted(screening=screening), tenant_id="t", key="c1", actor_id=""
    )
    entry = timeline.entry_of(event)
    assert entry is not None
    assert entry["summary"] == "Asset-freeze check: 1 possible match (register of 2026-11-20)"


def test_what_is_not_the_clients_history_is_left_out() -> None:
    merge = lifecycle_pb2.MergeStepDone(merge_id="m", service="billing")
    assert timeline.entry_of(new_event(merge, tenant_id="t", key="c1", actor_id="")) is None
    keyless = contracts_pb2.ClaimOpened(claim=contracts_pb2.Claim(id="s1"))
    assert timeline.entry_of(new_event(keyless, tenant_id="t", key="", actor_id="")) is None
    odd = events_pb2.Event(id="e", type="c360.nowhere.thing.done", key="c1")
    assert timeline.entry_of(odd) is None


async def test_a_timeline_reads_newest_first_by_page_and_filter(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "communication.sqlite3")
    await store.open(COLLECTIONS)
    repo = CommunicationRepository(store)
    try:
        start = datetime(2026, 11, 1, 9, tzinfo=UTC)
        for n in range(5):
            await service.add_timeline_event(
                repo=repo,
                caller=ADVISOR,
                client_id="c1",
                title=f"Étape {n}",
                description="",
                occurred_at=(start + timedelta(hours=n)).isoformat(),
            )
        first = await service.timelines(
            repo=repo,
            caller=ADVISOR,
            client_ids=["c1", "c2"],
            first=2,
            after="",
            types=[],
            since="",
            until="",
        )
        assert [e["summary"] for e in first["c1"].entries] == ["Étape 4", "Étape 3"]
        assert first["c1"].has_next_page
        assert first["c2"].entries == []
        rest = await service.timelines(
            repo=repo,
            caller=ADVISOR,
            client_ids=["c1"],
            first=10,
            after=first["c1"].end_cursor,
            types=["communication"],
            since="",
            until="",
        )
        assert [e["summary"] for e in rest["c1"].entries] == ["Étape 2", "Étape 1", "Étape 0"]
        window = await service.timelines(
            repo=repo,
            caller=ADVISOR,
            client_ids=["c1"],
            first=10,
            after="",
            types=[],
            since=(start + timedelta(hours=1)).isoformat(),
            until=(start + timedelta(hours=3)).isoformat(),
        )
        assert [e["summary"] for e in window["c1"].entries] == ["Étape 2", "Étape 1"]
        assert (
            await service.timelines(
                repo=repo,
                caller=TECHNICIAN,
                client_ids=["c1"],
                first=5,
                after="",
                types=[],
                since="",
                until="",
            )
            == {}
        )
        with pytest.raises(InvalidInput, match="one client"):
            await service.timelines(
                repo=repo,
                caller=ADVISOR,
                client_ids=["c1", "c2"],
                first=2,
                after=first["c1"].end_cursor,
                types=[],
                since="",
                until="",
            )
        with pytest.raises(InvalidInput, match="title"):
            await service.add_timeline_event(
                repo=repo,
                caller=ADVISOR,
                client_id="c1",
                title=" ",
                description="",
                occurred_at="",
            )
    finally:
        await store.close()


def test_a_document_is_named_by_its_file() -> None:
    from client360.common.v1 import common_pb2
    from client360.communication.v1 import communication_pb2

    saved = communication_pb2.DocumentSaved(
        document=communication_pb2.Document(
            id="d1", file=common_pb2.FileInfo(id="d1", name="carte-grise.pdf")
        )
    )
    entry = timeline.entry_of(new_event(saved, tenant_id="t", key="c1", actor_id="a"))
    assert entry is not None
    assert entry["summary"] == "Document saved: carte-grise.pdf"
