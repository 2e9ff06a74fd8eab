"""Data shapes of the compliance service: the collections, the documents they hold and the
words (statuses, triggers, job states) stored in them.

Documents are typed dicts with snake_case fields; timestamps are ISO 8601 strings in UTC.
The store owns two fields of every document, ``tenant_id`` and ``version`` (its optimistic
lock), so the register's own version is stored as ``register_version``.
"""

from __future__ import annotations

from typing import Final, NotRequired, TypedDict

from client360.compliance.v1 import compliance_pb2
from runtime.contracts import max_items
from runtime.kit import jobs
from runtime.store import CollectionSpec

# The asset-freeze register is public reference data, the same for every agency: it is stored
# once, under this tenant id, rather than copied into each tenant. "*" can never be a real
# tenant (gateway tokens name one agency), so no caller's tenant-scoped read can reach it.
REFERENCE_TENANT: Final = "*"

SUBJECTS: Final = "subjects"
SCREENINGS: Final = "screenings"
COMPLIANCE: Final = "compliance"
REGISTER_META: Final = "register_meta"
REGISTER_ENTRIES: Final = "register_entries"

COLLECTIONS = (
    # The local copy of identity's clients and contacts; contacts are looked up by client.
    CollectionSpec(SUBJECTS, indexes=(("client_id",),)),
    # History of a set of clients, newest first.
    CollectionSpec(SCREENINGS, indexes=(("client_id", "at"),)),
    # One document per client, read by id only.
    CollectionSpec(COMPLIANCE),
    # Batch screening jobs and their queue.
    *jobs.JOB_COLLECTIONS,
    # Under REFERENCE_TENANT: one document, "current".
    CollectionSpec(REGISTER_META),
    # Under REFERENCE_TENANT: the entries of one version are read, and deleted, together.
    CollectionSpec(REGISTER_ENTRIES, indexes=(("register_version",),)),
)


class Subject(TypedDict):
    """The local copy of one of identity's clients or contacts (``id`` is identity's id),
    kept by a runtime replica: it adds ``source_version`` and ``refreshed_at``."""

    id: str
    client_id: str
    subject: str  # CLIENT_SUBJECT or CONTACT_SUBJECT
    kind: str  # PERSON or ENTITY
    full_name: str
    birth_date: str
    archived: NotRequired[bool]  # clients only
    source_version: NotRequired[int]
    refreshed_at: NotRequired[str]
    tenant_id: NotRequired[str]
    version: NotRequired[int]


class Match(TypedDict):
    entry_id: str
    name: str
    matched_name: str
    score: float
    url: str


class Screening(TypedDict):
    """One check of a client or of one of its contacts (``contact_id``) against the register."""

    id: str
    client_id: str
    contact_id: str
    subject_name: str
    at: str
    register_date: str
    matches: list[Match]
    status_before: str
    status_after: str
    trigger: str
    job_id: str
    requested_by: str
    tenant_id: NotRequired[str]
    version: NotRequired[int]


class Decision(TypedDict):
    """A person's decision on the asset-freeze status."""

    status: str
    reason: str
    decided_by: str
    decided_at: str


class Compliance(TypedDict):
    """A client's compliance file (``id`` is the client's id)."""

    id: str
    status: str
    last_screening: Screening | None
    decisions: list[Decision]  # newest first
    tenant_id: NotRequired[str]
    version: NotRequired[int]


class RegisterMeta(TypedDict):
    """The register version in force (``id`` is CURRENT_REGISTER)."""

    id: str
    register_version: str
    published_at: str
    loaded_at: str
    # Where it was read from (a path or URL), for the service's own logs: never shown.
    source: str
    # The source when it is a public https URL, else empty: what users are shown. Missing
    # from versions stored before it existed.
    public_source: NotRequired[str]
    entry_count: int
    tenant_id: NotRequired[str]
    version: NotRequired[int]


# A batch screening: a runtime job over client ids, counting "matched" and "skipped".
Job = jobs.Job
SCREENING_JOB: Final = "compliance.screening"

CURRENT_REGISTER = "current"

# Subjects: who a copy stands for, and how the register's natures are searched for it.
CLIENT_SUBJECT = "client"
CONTACT_SUBJECT = "contact"
PERSON = "person"
ENTITY = "entity"

# What made a check happen, as written in Screening.trigger.
TRIGGER_CLIENT_CREATED = "client_created"
TRIGGER_CLIENT_UPDATED = "client_updated"
TRIGGER_CONTACT_SAVED = "contact_saved"
TRIGGER_MANUAL = "manual"
TRIGGER_BATCH = "batch"

MAX_JOB_CLIENTS = max_items(compliance_pb2.StartScreeningJobRequest, "client_ids")
MAX_HISTORY = 100

# The only failure message a requester sees; the cause goes to the logs.
JOB_FAILED_MESSAGE = "an error occurred during the register check, please retry later"
