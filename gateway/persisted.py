"""Persisted queries: Apollo's automatic persisted queries (a client sends a document's
SHA-256 instead of its text once the gateway knows it), and trusted documents (in production,
only the operations of a registered manifest run, so a partner portal can send nothing else).

Protocol: `extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}`, in a POST body
or as the `extensions` query parameter of a GET (which makes queries cacheable by URL)."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import orjson
from strawberry.http import GraphQLRequestData

from gateway.errors import RequestRefused

# Documents kept for automatic persisted queries, per gateway process (least recently used
# dropped first); a client whose hash was dropped simply sends the text again.
APQ_CAPACITY = 2_000


class PersistedQueryError(RequestRefused):
    """A persisted-query request the gateway cannot serve; ``code`` is Apollo's."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(status, code, message)


def document_hash(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def load_manifest(path: str) -> dict[str, str]:
    """Registered documents by SHA-256, from Apollo's persisted query manifest
    (`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}, ...]}`) or
    a plain `{"<sha256>": "<document>"}` object. Every id must be its body's hash."""
    raw = orjson.loads(Path(path).read_bytes())
    if isinstance(raw, dict) and raw.get("format") == "apollo-persisted-query-manifest":
        pairs = [(op["id"], op["body"]) for op in raw.get("operations", [])]
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        raise ValueError(f"{path}: not a persisted query manifest")
    documents: dict[str, str] = {}
    for key, body in pairs:
        if not isinstance(body, str) or document_hash(body) != key:
            raise ValueError(f"{path}: the id {key!r} is not the SHA-256 of its document")
        documents[key] = body
    return documents


class PersistedQueries:
    """Turns a request that names a document by hash into one that carries its text."""

    def __init__(self, trusted: Mapping[str, str] | None = None) -> None:
        self._trusted = trusted
        self._known: OrderedDict[str, str] = OrderedDict()

    @property
    def trusted_only(self) -> bool:
        return self._trusted is not None

    def resolve(self, request: GraphQLRequestData) -> GraphQLRequestData:
        persisted = (request.extensions or {}).get("persistedQuery")
        if self._trusted is not None:
            return self._resolve_trusted(request, persisted, self._trusted)
        if persisted is None:
            return request
        wanted = _wanted_hash(persisted)
        if request.query is not None:
            if document_hash(request.query) != wanted:
                raise PersistedQueryError(
                    "PERSISTED_QUERY_HASH_MISMATCH", "provided sha does not match query", 400
                )
            self._remember(wanted, request.query)
            return request
        document = self._known.get(wanted)
        if document is None:
            # Apollo's clients answer this by sending the document's text with its hash.
            raise PersistedQueryError("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound", 200)
        self._known.move_to_end(wanted)
        return replace(request, query=document)

    def _remember(self, key: str, document: str) -> None:
        self._known[key] = document
        self._known.move_to_end(key)
        while len(self._known) > APQ_CAPACITY:
            self._known.popitem(last=False)

    @staticmethod
    def _resolve_trusted(
        request: GraphQLRequestData, persisted: object, trusted: Mapping[str, str]
    ) -> GraphQLRequestData:
        key = _wanted_hash(persisted) if persisted is not None else None
        if key is None and request.query is not None:
            key = document_hash(request.query)
        document = trusted.get(key) if key is not None else None
        if document is None or (request.query is not None and request.query != document):
            raise PersistedQueryError(
                "PERSISTED_QUERY_NOT_IN_LIST",
                "only registered operations may run on this gateway",
                400,
            )
        return replace(request, query=document)


def _wanted_hash(persisted: object) -> str:
    if (
        not isinstance(persisted, dict)
        or persisted.get("version") != 1
        or not isinstance(persisted.get("sha256Hash"), str)
    ):
        raise PersistedQueryError(
            "PERSISTED_QUERY_NOT_SUPPORTED",
            'extensions.persistedQuery must be {"version": 1, "sha256Hash": "<hex>"}',
            400,
        )
    wanted: str = persisted["sha256Hash"].lower()
    return wanted
