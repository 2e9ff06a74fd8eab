"""The query planner of the client file. From what a query selects of the clients it returns,
every backend call of one client or of a whole page starts at once: one call per selected
section, per relation depth, whatever the number of clients. Each client then carries its
sections' answers (or the error that blanks one), which the Client type's fields return as
they are, without an await per client.

Sections are declared by their service's module, ``gateway/sections/<service>.py``, and
registered once in ``gateway/sections/__init__.py``; nothing here names one. Like Apollo's and
Cosmo's planners, the plan follows from those declarations, not from code written per field.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

import strawberry
from google.protobuf.message import Message
from graphql import OperationDefinitionNode
from strawberry.utils.str_converters import to_camel_case

from client360.identity.v1 import identity_pb2
from gateway.context import Info, RequestContext
from gateway.errors import GatewayError, graphql_error
from gateway.selection import SelectedField, Selection, below, fields, variables_below
from runtime.errors import InternalError

log = logging.getLogger(__name__)

# The client record every file starts from (identity's), and the names of its fields to fill.
Record = identity_pb2.Client
Mask = tuple[str, ...]
# A section's batch loader: the client ids of a page (or one), what the query asks of the
# section (its ``request``), and one call; the answers keyed back by client id.
Loader = Callable[[RequestContext, list[str], Any], Awaitable[Mapping[str, Any]]]
# Sections' answers (or errors) by response key: the key of the field in GraphQL's path.
Planned = dict[str | int, Any]
# Where the records come from: one batch read of ids, filling the fields of a mask.
RecordReader = Callable[[RequestContext, list[str], Mask], Awaitable[Sequence[Record]]]


def _asks_nothing(field: SelectedField) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Argument:
    """An argument of a section's field, as the field's resolver would declare it."""

    name: str
    type: Any
    default: Any
    description: str
    # The GraphQL name when the Python one cannot be it ("from" is a Python keyword).
    graphql_name: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Link:
    """A field of a section whose value is other clients, named by the client record
    (a parent, associated clients): their records and their own sections are planned the
    same way, one depth further."""

    name: str
    targets: Callable[[Record], Sequence[str]]
    many: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class Section:
    """One field of the Client type, filled by one service.

    A section with a ``load`` is nullable: the call failing nulls it, with the error of the
    call. A section without one is read from the client record (``reads`` names the record
    fields it shows) and may lead, through its ``links``, to other clients.
    """

    name: str
    type: Any
    description: str
    load: Loader | None = None
    # What the section's call needs from the field's selection (a history depth, a flag);
    # clients asking the same are served by the same call.
    request: Callable[[SelectedField], Hashable] = _asks_nothing
    reads: Callable[[SelectedField], Iterable[str]] | None = None
    arguments: tuple[Argument, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class ServiceSection:
    """A service's part of the client file: the sections it adds to Client, its queries and
    mutations, its live events, and, for the one service that keeps them, how client records
    are read."""

    service: str
    sections: tuple[Section, ...]
    query: type | None = None
    mutation: type | None = None
    records: RecordReader | None = None
    # Its event payloads that reach subscriptions (clientEvents, by the envelope's key), and a
    # Strawberry type whose fields ClientEvent gains to show them.
    events: tuple[type[Message], ...] = ()
    event_fields: type | None = None
    # Those of its payloads that are notices to their actor, each with the message to show,
    # and a Strawberry type whose fields Notification gains to show them.
    notices: Mapping[type[Message], Callable[[Any], str]] = field(default_factory=dict)
    notice_fields: type | None = None


class ClientFile:
    """One client as one place of a query shows it: the record's own fields, the record, and
    the answers (or errors) of the sections selected there, by response key."""

    __slots__ = ("display_name", "id", "kind", "planned", "record", "reference", "version")

    def __init__(self, record: Record, planned: Planned) -> None:
        self.record = record
        self.planned = planned
        self.id = record.id
        self.reference = record.reference
        self.display_name = record.display_name
        self.kind = record.kind
        self.version = record.version


class Linked:
    """A section read from the client record, with the clients its links lead to."""

    __slots__ = ("planned", "record")

    def __init__(self, record: Record, planned: Planned) -> None:
        self.record = record
        self.planned = planned


def _planned(root: ClientFile | Linked, info: Info) -> object:
    # Not `async def`, and cheap: the answer is already there.
    value = root.planned[info.path.key]
    if isinstance(value, Exception):
        raise value.with_traceback(None)
    return value


def _record(root: ClientFile) -> Record:
    return root.record


def _with_arguments(arguments: tuple[Argument, ...]) -> Callable[..., object]:
    """``_planned`` declaring the field's arguments (their values are already in the plan)."""

    def resolve(root: ClientFile, info: Info, **_: object) -> object:
        return _planned(root, info)

    keyword = inspect.Parameter.KEYWORD_ONLY
    resolve.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("root", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Info),
            *(
                inspect.Parameter(
                    a.name,
                    keyword,
                    annotation=Annotated[
                        a.type, strawberry.argument(description=a.description, name=a.graphql_name)
                    ],
                    default=a.default,
                )
                for a in arguments
            ),
        ]
    )
    return resolve


def client_field(section: Section) -> Any:
    """The Client type's field for ``section``: it returns what the planner put there."""
    if section.load is None and not section.links:
        return strawberry.field(
            resolver=_record, graphql_type=section.type, description=section.description
        )
    resolver = _with_arguments(section.arguments) if section.arguments else _planned
    return strawberry.field(
        resolver=resolver,
        graphql_type=section.type if section.load is None else section.type | None,
        description=section.description,
    )


def link_field(description: str) -> Any:
    """A link's field on its section's type; the type is the class annotation (nullable:
    the read of the linked clients may fail on its own)."""
    return strawberry.field(resolver=_planned, description=description)


@dataclass(frozen=True, slots=True)
class _LinkUse:
    key: str
    link: Link
    clients: ClientSelection


@dataclass(frozen=True, slots=True)
class _SectionUse:
    key: str
    section: Section
    request: Hashable
    links: tuple[_LinkUse, ...]


@dataclass(frozen=True, slots=True)
class ClientSelection:
    """The sections one place of a query selects on Client, and what each asks for."""

    uses: tuple[_SectionUse, ...] = ()


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """What a field asks of the clients it returns, at each place it returns them, and the
    record fields shown anywhere below it (the read mask of every record read it leads to)."""

    clients: tuple[ClientSelection, ...]
    mask: Mask


@dataclass(slots=True)
class _Cached:
    operation: OperationDefinitionNode
    # The values it was planned with: of every variable, or of those used below the field.
    variables: dict[str, Any]
    every_variable: bool
    plan: QueryPlan

    def holds(self, variables: Mapping[str, Any]) -> bool:
        if self.every_variable:
            return self.variables == variables
        return all(variables.get(name) == value for name, value in self.variables.items())


_Call = tuple[Section, Hashable]
_Wanted = Sequence[tuple[ClientSelection, list[str]]]
_PLANS_LIMIT = 512
# A field of a parsed operation, and the places where it returns clients.
_PlanKey = tuple[int, tuple[str | int, ...], tuple[tuple[str, ...], ...]]


class Planner:
    """Plans and runs the backend calls of the clients a field returns; one per process."""

    def __init__(self, registry: Sequence[ServiceSection]) -> None:
        # By the field's GraphQL name, as a selection names it (duplicate_suspects is
        # duplicateSuspects).
        self._sections = {to_camel_case(s.name): s for part in registry for s in part.sections}
        self._services = {s: part.service for part in registry for s in part.sections}
        readers = [part.records for part in registry if part.records is not None]
        if len(readers) != 1:
            raise ValueError("exactly one registered service must read the client records")
        self._records: RecordReader = readers[0]
        self._plans: dict[_PlanKey, _Cached] = {}

    def plan(self, info: Info, *paths: tuple[str, ...]) -> QueryPlan:
        """What the field being resolved asks of the clients it returns at each of ``paths``
        (field names below it; none: the field itself returns clients). Derived once per
        request at most: kept per parsed operation, for as long as the variables used below
        the field keep their values (``client(id: $id)`` is planned once for every id)."""
        paths = paths or ((),)
        operation = info.operation
        key = (id(operation), tuple(info.path.as_list()), paths)
        variables = info.variable_values
        cached = self._plans.get(key)
        if cached is not None and cached.operation is operation and cached.holds(variables):
            return cached.plan
        selections = [sub for top in info.selected_fields for sub in top.selections]
        reads: set[str] = set()
        plan = QueryPlan(
            clients=tuple(self._client_selection(below(selections, *p), reads) for p in paths),
            mask=tuple(sorted(reads)),
        )
        used = variables_below(operation, str(info.path.key)) if info.path.prev is None else None
        if len(self._plans) >= _PLANS_LIMIT:
            self._plans.clear()
        self._plans[key] = _Cached(
            operation,
            dict(variables) if used is None else {n: variables.get(n) for n in used},
            used is None,
            plan,
        )
        return plan

    def _client_selection(
        self, selections: Sequence[Selection], reads: set[str]
    ) -> ClientSelection:
        uses = []
        for key, selected in fields(selections).items():
            section = self._sections.get(selected.name)
            if section is None:
                continue
            if section.reads is not None:
                reads.update(section.reads(selected))
            links = {link.name: link for link in section.links}
            uses.append(
                _SectionUse(
                    key=key,
                    section=section,
                    request=section.request(selected),
                    links=tuple(
                        _LinkUse(
                            sub_key, links[sub.name], self._client_selection(sub.selections, reads)
                        )
                        for sub_key, sub in fields(selected.selections).items()
                        if sub.name in links
                    ),
                )
            )
        return ClientSelection(tuple(uses))

    async def read(
        self, context: RequestContext, plan: QueryPlan, ids: Sequence[str]
    ) -> list[ClientFile | None]:
        """The files of the clients ``ids`` (None for a client the caller may not see): their
        records and their sections are read at the same time."""
        wanted = [(plan.clients[0], list(ids))]
        (files,) = await self._level(
            context, wanted, self._records(context, list(ids), plan.mask), plan.mask
        )
        return [files.get(client_id) for client_id in ids]

    async def complete(
        self, context: RequestContext, plan: QueryPlan, records: Sequence[Record]
    ) -> list[list[ClientFile]]:
        """The files of clients whose records are already read (a search, a mutation), at
        each place of the plan."""
        ids = [record.id for record in records]
        placed = await self._level(
            context, [(s, ids) for s in plan.clients], _ready(records), plan.mask
        )
        return [[files[client_id] for client_id in ids] for files in placed]

    async def _level(
        self,
        context: RequestContext,
        wanted: _Wanted,
        records: Awaitable[Sequence[Record]],
        mask: Mask,
    ) -> list[dict[str, ClientFile]]:
        """One depth of the query: every section call of its clients starts now, alongside
        the read of their records; then the clients its links lead to, one depth further."""
        calls = self._start(context, wanted)
        try:
            found = {record.id: record for record in await records}
            linked, further = await self._follow(context, wanted, found, mask)
            answers = {call: await task for call, task in calls.items()}
        finally:
            for task in calls.values():
                task.cancel()
        return [
            self._files(position, selection, ids, found, answers, linked, further)
            for position, (selection, ids) in enumerate(wanted)
        ]

    def _start(
        self, context: RequestContext, wanted: _Wanted
    ) -> dict[_Call, asyncio.Task[Mapping[str, Any] | GatewayError]]:
        ids_of: dict[_Call, dict[str, None]] = {}
        for selection, ids in wanted:
            for use in selection.uses:
                if use.section.load is not None:
                    ids_of.setdefault((use.section, use.request), {}).update(dict.fromkeys(ids))
        return {
            call: asyncio.create_task(self._call(context, call, list(ids)))
            for call, ids in ids_of.items()
            if ids
        }

    async def _call(
        self, context: RequestContext, call: _Call, ids: list[str]
    ) -> Mapping[str, Any] | GatewayError:
        section, request = call
        assert section.load is not None
        try:
            return await section.load(context, ids, request)
        except GatewayError as error:
            return error
        except Exception:
            # A bug in one section blanks that section only.
            log.exception("the %s section failed", section.name)
            service = self._services[section]
            return graphql_error(
                InternalError(f"the {section.name} section failed", service=service)
            )

    async def _follow(
        self,
        context: RequestContext,
        wanted: _Wanted,
        found: Mapping[str, Record],
        mask: Mask,
    ) -> tuple[dict[tuple[int, str, str], int], list[dict[str, ClientFile]] | GatewayError]:
        """The next depth: the clients every link of this depth leads to, read in one call."""
        where: dict[tuple[int, str, str], int] = {}
        targets: list[tuple[ClientSelection, list[str]]] = []
        for position, (selection, ids) in enumerate(wanted):
            for use in selection.uses:
                for link_use in use.links:
                    reached = dict.fromkeys(
                        target
                        for client_id in ids
                        if (record := found.get(client_id)) is not None
                        for target in link_use.link.targets(record)
                    )
                    where[(position, use.key, link_use.key)] = len(targets)
                    targets.append((link_use.clients, list(reached)))
        every = list(dict.fromkeys(t for _, ids in targets for t in ids))
        if not every:
            return where, [{} for _ in targets]
        try:
            further = await self._level(context, targets, self._records(context, every, mask), mask)
        except GatewayError as error:
            return where, error
        return where, further

    def _files(
        self,
        position: int,
        selection: ClientSelection,
        ids: Sequence[str],
        found: Mapping[str, Record],
        answers: Mapping[_Call, Mapping[str, Any] | GatewayError],
        linked: Mapping[tuple[int, str, str], int],
        further: Sequence[Mapping[str, ClientFile]] | GatewayError,
    ) -> dict[str, ClientFile]:
        files: dict[str, ClientFile] = {}
        for client_id in ids:
            record = found.get(client_id)
            if record is None or client_id in files:
                continue
            planned: Planned = {}
            for use in selection.uses:
                if use.section.load is not None:
                    answer = answers[(use.section, use.request)]
                    planned[use.key] = (
                        answer if isinstance(answer, GatewayError) else answer.get(client_id)
                    )
                elif use.section.links:
                    planned[use.key] = Linked(
                        record,
                        {
                            link_use.key: _reached(
                                link_use.link,
                                record,
                                further
                                if isinstance(further, GatewayError)
                                else further[linked[(position, use.key, link_use.key)]],
                            )
                            for link_use in use.links
                        },
                    )
            files[client_id] = ClientFile(record, planned)
        return files


def _reached(
    link: Link, record: Record, files: Mapping[str, ClientFile] | GatewayError
) -> ClientFile | list[ClientFile] | GatewayError | None:
    targets = link.targets(record)
    if not targets:
        # Nothing to read: whether the read of the others failed does not matter here.
        return [] if link.many else None
    if isinstance(files, GatewayError):
        return files
    if link.many:
        return [files[t] for t in targets if t in files]
    return files.get(targets[0])


async def _ready(records: Sequence[Record]) -> Sequence[Record]:
    return records
