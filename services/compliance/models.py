"""Data shapes of the compliance service: the collections, the documents they hold and the
words (statuses, triggers, job states) stored in them.

Documents are plain dicts with snake_case fields; timestamps are ISO 8601 strings in UTC.
The store owns two fields of every document, ``tenant_id`` and ``version`` (its optimistic
lock), so the register's own version is stored as ``register_version``.
"""

from __future__ import annotations

from typing import Any, Final

from client360.compliance.v1 import compliance_pb2
from runtime.contracts import max_items
from runtime.store import CollectionSpec

# The asset-freeze register is public reference data, the same for every agency: it is stored
# once, under this tenant id, rather than copied into each tenant. "*" can never be a real
# tenant (gateway tokens name one agency), so no caller's tenant-scoped read can reach it.
# The queue of batch jobs lives here too, so that one runner finds every tenant's jobs.
REFERENCE_TENANT: Final = "*"

SUBJECTS: Final = "subjects"
SCREENINGS: Final = "screenings"
COMPLIANCE: Final = "compliance"
JOBS: Final = "jobs"
JOB_QUEUE: Final = "job_queue"
REGISTER_META: Final = "register_meta"
REGISTER_ENTRIES: Final = "register_entries"

COLLECTIONS = (
    # The local copy of identity's clients and contacts; contacts are looked up by client.
    CollectionSpec(SUBJECTS, indexes=(("client_id",),)),
    # History of a set of clients, newest first.
    CollectionSpec(SCREENINGS, indexes=(("client_id", "at"),)),
    # One document per client, read by id only.
    CollectionSpec(COMPLIANCE),
    # Read by id only, within the requester's tenant.
    CollectionSpec(JOBS),
    # Under REFERENCE_TENANT, oldest first.
    CollectionSpec(JOB_QUEUE, indexes=(("created_at",),)),
    # Under REFERENCE_TENANT: one document, "current".
    CollectionSpec(REGISTER_META),
    # Under REFERENCE_TENANT: the entries of one version are read, and deleted, together.
    CollectionSpec(REGISTER_ENTRIES, indexes=(("register_version",),)),
)

Subject = dict[str, Any]
Screening = dict[str, Any]
Compliance = dict[str, Any]
Job = dict[str, Any]
RegisterMeta = dict[str, Any]

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

# Batch job states.
PENDING = "pending"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
FINISHED_STATES = frozenset({SUCCEEDED, FAILED})

MAX_JOB_CLIENTS = max_items(compliance_pb2.StartScreeningJobRequest, "client_ids")
MAX_HISTORY = 100

# The only failure message a requester sees; the cause goes to the logs.
JOB_FAILED_MESSAGE = "an error occurred during the register check, please retry later"
