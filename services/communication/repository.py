"""Store access of the communication service: every read and write is scoped by tenant; reads
take a batch of client ids (one query per kind of record for a whole page of clients)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from runtime.kit.replica import Replica
from runtime.kit.repository import Repository, get_many
from runtime.store import Transaction
from services.communication.models import (
    ACTION_COUNTERS,
    ACTIONS,
    ACTIONS_LEFT_STATUSES,
    ACTIVITIES,
    AGENDA,
    CAMPAIGNS,
    CLIENT_COPIES,
    CONTACT_COPIES,
    DOCUMENTS,
    EMAILS,
    MAILING_LISTS,
    MEMO_NOTES,
    SMS,
    SUBSCRIPTIONS,
    TASKS,
    TENANT_COUNTER,
    TICKETS,
    TIMELINE,
    Action,
    ActionCounter,
    Activity,
    AgendaEvent,
    CampaignContent,
    ClientCopy,
    ContactCopy,
    Document,
    EmailMessage,
    MailingList,
    MemoNote,
    Sms,
    Subscription,
    Task,
    Ticket,
    TimelineEntry,
)


def _of_clients(client_ids: Sequence[str]) -> dict[str, Any]:
    return {"client_id": {"$in": list(dict.fromkeys(client_ids))}}


class CommunicationRepository(Repository):
    # The local copy of identity's clients, fed by its events.
    clients: Replica[ClientCopy] = Replica(CLIENT_COPIES)
    contacts: Replica[ContactCopy] = Replica(CONTACT_COPIES)

    # Reads for a batch of clients

    async def activities_of(self, tenant_id: str, client_ids: Sequence[str]) -> list[Activity]:
        found = await self._store.find(
            ACTIVITIES,
            tenant_id,
            _of_clients(client_ids),
            sort=(("occurred_at", -1), ("id", -1)),
        )
        return cast(list[Activity], found)

    async def notes_of(self, tenant_id: str, client_ids: Sequence[str]) -> list[MemoNote]:
        found = await self._store.find(
            MEMO_NOTES, tenant_id, _of_clients(client_ids), sort=(("note_date", -1), ("id", -1))
        )
        return cast(list[MemoNote], found)

    async def tasks_of(self, tenant_id: str, client_ids: Sequence[str]) -> list[Task]:
        found = await self._store.find(
            TASKS, tenant_id, _of_clients(client_ids), sort=(("deadline", 1), ("id", 1))
        )
        return cast(list[Task], found)

    async def actions_of(self, tenant_id: str, client_ids: Sequence[str]) -> list[Action]:
        found = await self._store.find(
            ACTIONS, tenant_id, _of_clients(client_ids), sort=(("due_date", 1), ("id", 1))
        )
        return cast(list[Action], found)

    async def tickets_of(self, tenant_id: str, client_ids: Sequence[str]) -> list[Ticket]:
        found = await self._store.find(
            TICKETS, tenant_id, _of_clients(client_ids), sort=(("id", -1),)
        )
        return cast(list[Ticket], found)

    async def sms_of(self, tenant_id: str, client_ids: Sequence[str]) -> list[Sms]:
        found = await self._store.find(SMS, tenant_id, _of_clients(client_ids), sort=(("id", -1),))
        return cast(list[Sms], found)

    async def emails_of(self, tenant_id: str, client_ids: Sequence[str]) -> list[EmailMessage]:
        found = await self._store.find(
            EMAILS, tenant_id, _of_clients(client_ids), sort=(("sent_at", -1), ("id", -1))
        )
        return cast(list[EmailMessage], found)

    async def documents_of(
        self, tenant_id: str, client_ids: Sequence[str], *, shared_with: str = ""
    ) -> list[Document]:
        """The clients' documents, newest first; only those shared with the partner
        ``shared_with`` when given."""
        where = _of_clients(client_ids)
        if shared_with:
            where["shared_with"] = shared_with
        found = await self._store.find(DOCUMENTS, tenant_id, where, sort=(("id", -1),))
        return cast(list[Document], found)

    async def document(self, tenant_id: str, document_id: str) -> Document | None:
        return cast("Document | None", await self._store.get(DOCUMENTS, tenant_id, document_id))

    async def agenda_of(self, tenant_id: str, client_ids: Sequence[str]) -> list[AgendaEvent]:
        found = await self._store.find(
            AGENDA, tenant_id, _of_clients(client_ids), sort=(("starts_at", 1), ("id", 1))
        )
        return cast(list[AgendaEvent], found)

    async def agenda_of_user(
        self, tenant_id: str, user_id: str, *, start: str = "", end: str = "", limit: int
    ) -> list[AgendaEvent]:
        """The events ``user_id`` attends whose series overlaps [start, end) (every one when
        both are empty), by first start."""
        where: dict[str, Any] = {"attendee_ids": user_id}
        if end:
            where["starts_at"] = {"$lt": end}
        if start:
            where["series_end"] = {"$gt": start}
        found = await self._store.find(
            AGENDA, tenant_id, where, sort=(("starts_at", 1), ("id", 1)), limit=limit
        )
        return cast(list[AgendaEvent], found)

    async def email_by_message_id(self, tenant_id: str, message_id: str) -> EmailMessage | None:
        found = await self._store.find(EMAILS, tenant_id, {"message_id": message_id}, limit=1)
        return cast(EmailMessage, found[0]) if found else None

    async def clients_with_address(self, tenant_id: str, address: str) -> list[ClientCopy]:
        """The copies of the tenant's clients one of whose addresses is ``address`` (lower
        case), oldest first."""
        return await self.clients.find(
            self._store, tenant_id, {"emails": address}, sort=(("id", 1),)
        )

    async def subscriptions_of(
        self, tenant_id: str, client_ids: Sequence[str]
    ) -> list[Subscription]:
        found = await self._store.find(
            SUBSCRIPTIONS, tenant_id, _of_clients(client_ids), sort=(("list_name", 1), ("id", 1))
        )
        return cast(list[Subscription], found)

    async def mailing_lists(self, tenant_id: str) -> list[MailingList]:
        found = await self._store.find(MAILING_LISTS, tenant_id, None, sort=(("name", 1),))
        return cast(list[MailingList], found)

    async def contact_copy(self, tenant_id: str, contact_id: str) -> ContactCopy | None:
        return await self.contacts.get(self._store, tenant_id, contact_id)

    async def contacts_of(self, tenant_id: str, client_id: str) -> list[ContactCopy]:
        """The copies of the client's contacts, ended ones included."""
        return await self.contacts.find(
            self._store, tenant_id, {"client_id": client_id}, sort=(("id", 1),)
        )

    async def campaign(self, tenant_id: str, campaign_id: str) -> CampaignContent | None:
        found = await self._store.get(CAMPAIGNS, tenant_id, campaign_id)
        return cast("CampaignContent | None", found)

    async def client_copy(self, tenant_id: str, client_id: str) -> ClientCopy | None:
        return await self.clients.get(self._store, tenant_id, client_id)

    async def counters_of(self, tenant_id: str, client_ids: Sequence[str]) -> list[ActionCounter]:
        found = await get_many(self._store, ACTION_COUNTERS, tenant_id, client_ids)
        return cast(list[ActionCounter], found)

    # The tenant's actions

    async def tenant_counter(self, tenant_id: str) -> ActionCounter | None:
        found = await self._store.get(ACTION_COUNTERS, tenant_id, TENANT_COUNTER)
        return cast("ActionCounter | None", found)

    async def count_actions_left(self, tenant_id: str, due_date: dict[str, str] | str) -> int:
        """The actions left whose due date matches ``due_date`` (a date or a store condition
        on it): counted by the store on its index, for the rules that depend on today."""
        where = {"status": {"$in": list(ACTIONS_LEFT_STATUSES)}, "due_date": due_date}
        return await self._store.count(ACTIONS, tenant_id, where)

    async def count_clients_with_actions_left(self, tenant_id: str) -> int:
        counters = cast(
            list[ActionCounter], await self._store.find(ACTION_COUNTERS, tenant_id, None)
        )
        return sum(
            1
            for counter in counters
            if counter["id"] != TENANT_COUNTER
            and any(counter["by_status"].get(s, 0) for s in ACTIONS_LEFT_STATUSES)
        )

    # Writes, inside the caller's transaction

    @staticmethod
    async def get_for_update(
        txn: Transaction, collection: str, tenant_id: str, record_id: str
    ) -> dict[str, Any] | None:
        return await txn.get(collection, tenant_id, record_id)

    @staticmethod
    async def insert(
        txn: Transaction, collection: str, tenant_id: str, record: dict[str, Any]
    ) -> dict[str, Any]:
        return await txn.insert(collection, tenant_id, record)

    @staticmethod
    async def replace(
        txn: Transaction,
        collection: str,
        tenant_id: str,
        record: dict[str, Any],
        *,
        expected_version: int,
    ) -> dict[str, Any]:
        return await txn.replace(collection, tenant_id, record, expected_version=expected_version)

    @staticmethod
    async def count_action(
        txn: Transaction, tenant_id: str, client_id: str, *, added: str, removed: str
    ) -> ActionCounter:
        """Moves one action from status ``removed`` to ``added`` ("" for none) in the client's
        counter and the tenant's; returns the client's counter after the move."""
        result: dict[str, Any] = {}
        for counter_id in (client_id, TENANT_COUNTER):
            current = await txn.get(ACTION_COUNTERS, tenant_id, counter_id)
            by_status: dict[str, int] = dict(current["by_status"]) if current else {}
            if removed:
                by_status[removed] = max(by_status.get(removed, 0) - 1, 0)
            if added:
                by_status[added] = by_status.get(added, 0) + 1
            doc: dict[str, Any] = {"id": counter_id, "by_status": by_status}
            if current is None:
                stored = await txn.insert(ACTION_COUNTERS, tenant_id, doc)
            else:
                stored = await txn.replace(
                    ACTION_COUNTERS, tenant_id, doc, expected_version=current["version"]
                )
            if counter_id == client_id:
                result = stored
        return cast(ActionCounter, result)

    # The timeline

    async def timeline_of(
        self, tenant_id: str, client_id: str, where: Mapping[str, Any], limit: int
    ) -> list[TimelineEntry]:
        found = await self._store.find(
            TIMELINE,
            tenant_id,
            {"$and": [{"client_id": client_id}, where]},
            sort=TIMELINE_ORDER,
            limit=limit,
        )
        return cast(list[TimelineEntry], found)

    async def add_timeline_entry(
        self, txn: Transaction, tenant_id: str, entry: dict[str, Any]
    ) -> TimelineEntry | None:
        """The entry written, or None when one with its id is there already."""
        if await txn.get(TIMELINE, tenant_id, entry["id"]) is not None:
            return None
        return cast(TimelineEntry, await txn.insert(TIMELINE, tenant_id, entry))


# Newest first; the id breaks ties, so a cursor names one entry.
TIMELINE_ORDER = (("occurred_at", -1), ("id", -1))
