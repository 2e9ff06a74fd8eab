"""gRPC transport of the identity service: decode the request, call the domain, encode the
answer. Errors travel as runtime errors and are mapped to status codes by the interceptor."""

from __future__ import annotations

from collections.abc import Collection

from google.protobuf import field_mask_pb2

from client360.common.v1 import common_pb2
from client360.identity.v1 import identity_pb2, identity_pb2_grpc
from runtime.clock import timestamp
from runtime.errors import FieldViolation, InvalidInput
from runtime.rpc import ServicerContext as Context
from runtime.rpc import current_caller
from services.identity import service
from services.identity.mapping import (
    MERGE_SIDES,
    READABLE,
    area_from_proto,
    client_input_to_doc,
    client_item_to_doc,
    client_to_proto,
    contact_input_to_doc,
    contact_to_proto,
    erasure_to_proto,
    merge_to_proto,
    suspect_to_proto,
)
from services.identity.models import Client, ClientItem, ItemList
from services.identity.privacy import visible_to
from services.identity.repository import IdentityRepository


def _client_out(client: Client, fields: Collection[str] | None = None) -> identity_pb2.Client:
    return client_to_proto(visible_to(current_caller(), client, fields), fields)


def _read_mask(mask: field_mask_pb2.FieldMask) -> list[str] | None:
    """The fields a read asks for, None for all; an unknown name is bad input."""
    if not mask.paths:
        return None
    unknown = [path for path in mask.paths if path not in READABLE]
    if unknown:
        raise InvalidInput(FieldViolation("readMask", f"{unknown[0]!r} is not a client field"))
    return list(mask.paths)


def _item(message: identity_pb2.ClientItem) -> tuple[ItemList, ClientItem]:
    """The item a request carries; none is bad input."""
    decoded = client_item_to_doc(message)
    if decoded is None:
        raise InvalidInput(
            FieldViolation(
                "item",
                "required: an address, a phone, an email, a bank account or a family member",
            )
        )
    return decoded


class IdentityServicer(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self, repo: IdentityRepository) -> None:
        self._repo = repo

    async def CreateClient(
        self, request: identity_pb2.CreateClientRequest, context: Context
    ) -> identity_pb2.Client:
        client = await service.create_client(
            repo=self._repo, caller=current_caller(), data=client_input_to_doc(request.client)
        )
        return _client_out(client)

    async def GetClient(
        self, request: identity_pb2.GetClientRequest, context: Context
    ) -> identity_pb2.Client:
        caller = current_caller()
        client = await service.get_client(repo=self._repo, caller=caller, client_id=request.id)
        await service.audit_reads(repo=self._repo, caller=caller, clients=[client], fields=None)
        return _client_out(client)

    async def BatchGetClients(
        self, request: identity_pb2.BatchGetClientsRequest, context: Context
    ) -> identity_pb2.BatchGetClientsResponse:
        fields = _read_mask(request.read_mask)
        caller = current_caller()
        clients = await service.get_clients(
            repo=self._repo, caller=caller, client_ids=list(request.ids), fields=fields
        )
        await service.audit_reads(repo=self._repo, caller=caller, clients=clients, fields=fields)
        return identity_pb2.BatchGetClientsResponse(
            clients=[_client_out(c, fields) for c in clients]
        )

    async def UpdateClient(
        self, request: identity_pb2.UpdateClientRequest, context: Context
    ) -> identity_pb2.Client:
        client = await service.update_client(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.id,
            version=request.version,
            changes=client_input_to_doc(request.client),
            paths=list(request.update_mask.paths),
        )
        return _client_out(client)

    async def ArchiveClient(
        self, request: identity_pb2.ArchiveClientRequest, context: Context
    ) -> identity_pb2.Client:
        client = await service.archive_client(
            repo=self._repo, caller=current_caller(), client_id=request.id
        )
        return _client_out(client)

    async def RestoreClient(
        self, request: identity_pb2.RestoreClientRequest, context: Context
    ) -> identity_pb2.Client:
        client = await service.restore_client(
            repo=self._repo, caller=current_caller(), client_id=request.id, version=request.version
        )
        return _client_out(client)

    async def AddClientItem(
        self, request: identity_pb2.AddClientItemRequest, context: Context
    ) -> identity_pb2.Client:
        list_name, item = _item(request.item)
        client = await service.add_client_item(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            version=request.version,
            list_name=list_name,
            item=item,
        )
        return _client_out(client)

    async def UpdateClientItem(
        self, request: identity_pb2.UpdateClientItemRequest, context: Context
    ) -> identity_pb2.Client:
        list_name, item = _item(request.item)
        client = await service.update_client_item(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            version=request.version,
            list_name=list_name,
            item_id=request.item_id,
            item=item,
            paths=list(request.update_mask.paths),
        )
        return _client_out(client)

    async def RemoveClientItem(
        self, request: identity_pb2.RemoveClientItemRequest, context: Context
    ) -> identity_pb2.Client:
        client = await service.remove_client_item(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            version=request.version,
            item_id=request.item_id,
        )
        return _client_out(client)

    async def SetPrimaryAddress(
        self, request: identity_pb2.SetPrimaryAddressRequest, context: Context
    ) -> identity_pb2.Client:
        client = await service.set_primary_address(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            version=request.version,
            address_id=request.address_id,
        )
        return _client_out(client)

    async def SearchClients(
        self, request: identity_pb2.SearchClientsRequest, context: Context
    ) -> identity_pb2.SearchClientsResponse:
        fields = _read_mask(request.read_mask)
        caller = current_caller()
        page = await service.search_clients(
            repo=self._repo,
            caller=caller,
            query=request.query,
            first=request.page.first,
            after=request.page.after,
            include_archived=request.include_archived,
            fields=fields,
            leasing_company=(
                request.leasing_company if request.HasField("leasing_company") else None
            ),
            area=area_from_proto(request.area) if request.HasField("area") else None,
        )
        await service.audit_reads(repo=self._repo, caller=caller, clients=page.rows, fields=fields)
        return identity_pb2.SearchClientsResponse(
            clients=[_client_out(c, fields) for c in page.rows],
            cursors=page.cursors,
            page_info=common_pb2.PageInfo(
                end_cursor=page.end_cursor or request.page.after,
                has_next_page=page.has_next_page,
            ),
            total_count=page.total_count,
        )

    async def AddContact(
        self, request: identity_pb2.AddContactRequest, context: Context
    ) -> identity_pb2.Contact:
        contact = await service.add_contact(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            data=contact_input_to_doc(request.contact),
            copy_client_address=request.contact.copy_client_address,
        )
        return contact_to_proto(contact)

    async def UpdateContact(
        self, request: identity_pb2.UpdateContactRequest, context: Context
    ) -> identity_pb2.Contact:
        contact = await service.update_contact(
            repo=self._repo,
            caller=current_caller(),
            contact_id=request.id,
            version=request.version,
            changes=contact_input_to_doc(request.contact),
            paths=list(request.update_mask.paths),
        )
        return contact_to_proto(contact)

    async def EndContact(
        self, request: identity_pb2.EndContactRequest, context: Context
    ) -> identity_pb2.Contact:
        contact = await service.end_contact(
            repo=self._repo,
            caller=current_caller(),
            contact_id=request.id,
            valid_to=request.valid_to,
        )
        return contact_to_proto(contact)

    async def DeleteContact(
        self, request: identity_pb2.DeleteContactRequest, context: Context
    ) -> identity_pb2.Contact:
        contact = await service.delete_contact(
            repo=self._repo,
            caller=current_caller(),
            contact_id=request.id,
            version=request.version,
        )
        return contact_to_proto(contact)

    async def ListContacts(
        self, request: identity_pb2.ListContactsRequest, context: Context
    ) -> identity_pb2.ListContactsResponse:
        contacts = await service.list_contacts(
            repo=self._repo,
            caller=current_caller(),
            client_ids=list(request.client_ids),
            include_historical=request.include_historical,
        )
        return identity_pb2.ListContactsResponse(contacts=[contact_to_proto(c) for c in contacts])

    async def SetParentClient(
        self, request: identity_pb2.SetParentClientRequest, context: Context
    ) -> identity_pb2.Client:
        client = await service.set_parent_client(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            parent_client_id=request.parent_client_id,
        )
        return _client_out(client)

    async def AssociateClients(
        self, request: identity_pb2.AssociateClientsRequest, context: Context
    ) -> identity_pb2.Client:
        client = await service.associate_clients(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            other_client_id=request.other_client_id,
            associated=request.associated,
        )
        return _client_out(client)

    async def FindDuplicateSuspects(
        self, request: identity_pb2.FindDuplicateSuspectsRequest, context: Context
    ) -> identity_pb2.FindDuplicateSuspectsResponse:
        found = await service.find_duplicate_suspects(
            repo=self._repo,
            caller=current_caller(),
            client_ids=list(request.client_ids),
            limit=request.limit,
        )
        return identity_pb2.FindDuplicateSuspectsResponse(
            clients=[
                identity_pb2.ClientDuplicateSuspects(
                    client_id=client_id, suspects=[suspect_to_proto(s) for s in suspects]
                )
                for client_id, suspects in found.items()
            ]
        )

    async def PreviewMerge(
        self, request: identity_pb2.PreviewMergeRequest, context: Context
    ) -> identity_pb2.MergePreview:
        caller = current_caller()
        rows, result = await service.preview_merge(
            repo=self._repo,
            caller=caller,
            survivor_id=request.survivor_id,
            merged_id=request.merged_id,
            take=list(request.take_from_merged),
        )
        return identity_pb2.MergePreview(
            fields=[
                identity_pb2.MergeField(
                    field=field, survivor_value=ours, merged_value=theirs, kept=MERGE_SIDES[kept]
                )
                for field, ours, theirs, kept in rows
            ],
            result=_client_out(result),
        )

    async def MergeClients(
        self, request: identity_pb2.MergeClientsRequest, context: Context
    ) -> identity_pb2.Merge:
        merge = await service.merge_clients(
            repo=self._repo,
            caller=current_caller(),
            survivor_id=request.survivor_id,
            merged_id=request.merged_id,
            take=list(request.take_from_merged),
        )
        return merge_to_proto(merge)

    async def GetMerge(
        self, request: identity_pb2.GetMergeRequest, context: Context
    ) -> identity_pb2.Merge:
        merge = await service.get_merge(
            repo=self._repo, caller=current_caller(), merge_id=request.id
        )
        return merge_to_proto(merge)

    async def EraseClient(
        self, request: identity_pb2.EraseClientRequest, context: Context
    ) -> identity_pb2.Erasure:
        erasure = await service.erase_client(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            reason=request.reason,
        )
        return erasure_to_proto(erasure)

    async def GetErasure(
        self, request: identity_pb2.GetErasureRequest, context: Context
    ) -> identity_pb2.Erasure:
        erasure = await service.get_erasure(
            repo=self._repo, caller=current_caller(), erasure_id=request.id
        )
        return erasure_to_proto(erasure)

    async def ListAuditEntries(
        self, request: identity_pb2.ListAuditEntriesRequest, context: Context
    ) -> identity_pb2.ListAuditEntriesResponse:
        page = await service.audit_trail(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            user_id=request.user_id,
            first=request.page.first,
            after=request.page.after,
        )
        return identity_pb2.ListAuditEntriesResponse(
            entries=[
                identity_pb2.AuditEntry(
                    id=e["id"],
                    at=timestamp(e["at"]),
                    user_id=e["user_id"],
                    role=e["role"],
                    action=e["action"],
                    client_id=e["client_id"],
                    fields=e["fields"],
                )
                for e in page.rows
            ],
            page_info=common_pb2.PageInfo(
                end_cursor=page.end_cursor or request.page.after,
                has_next_page=page.has_next_page,
            ),
            total_count=page.total_count,
        )
