"""Direct mapping between protos and the compliance service's documents, field by field:
identity's clients and contacts into subject copies, and compliance documents into protos."""

from __future__ import annotations

from collections.abc import Iterable

from client360.compliance.v1 import compliance_pb2
from client360.identity.v1 import identity_pb2
from runtime.clock import timestamp
from runtime.kit.jobs import FAILED, PENDING, RUNNING, SUCCEEDED
from runtime.kit.vocabulary import Vocabulary
from services.compliance import status
from services.compliance.models import (
    CLIENT_SUBJECT,
    CONTACT_SUBJECT,
    ENTITY,
    PERSON,
    TRIGGER_BATCH,
    TRIGGER_CLIENT_CREATED,
    TRIGGER_CLIENT_UPDATED,
    TRIGGER_CONTACT_SAVED,
    TRIGGER_MANUAL,
    Compliance,
    Decision,
    Job,
    Match,
    RegisterMeta,
    Screening,
    Subject,
)

STATUS_TO_PROTO = {
    status.EMPTY: compliance_pb2.ASSET_FREEZE_STATUS_EMPTY,
    status.NO: compliance_pb2.ASSET_FREEZE_STATUS_NO,
    status.TO_VERIFY: compliance_pb2.ASSET_FREEZE_STATUS_TO_VERIFY,
    status.YES: compliance_pb2.ASSET_FREEZE_STATUS_YES,
}
STATUS_FROM_PROTO = {v: k for k, v in STATUS_TO_PROTO.items()}

JOB_STATE_TO_PROTO = {
    PENDING: compliance_pb2.JOB_STATE_PENDING,
    RUNNING: compliance_pb2.JOB_STATE_RUNNING,
    SUCCEEDED: compliance_pb2.JOB_STATE_SUCCEEDED,
    FAILED: compliance_pb2.JOB_STATE_FAILED,
}

# The words stored for ScreeningTrigger; the proto enum is the vocabulary.
SCREENING_TRIGGERS = Vocabulary(
    compliance_pb2.ScreeningTrigger,
    {
        compliance_pb2.SCREENING_TRIGGER_CLIENT_CREATED: TRIGGER_CLIENT_CREATED,
        compliance_pb2.SCREENING_TRIGGER_CLIENT_UPDATED: TRIGGER_CLIENT_UPDATED,
        compliance_pb2.SCREENING_TRIGGER_CONTACT_SAVED: TRIGGER_CONTACT_SAVED,
        compliance_pb2.SCREENING_TRIGGER_MANUAL: TRIGGER_MANUAL,
        compliance_pb2.SCREENING_TRIGGER_BATCH: TRIGGER_BATCH,
    },
)


def _status(value: str) -> compliance_pb2.AssetFreezeStatus.ValueType:
    return STATUS_TO_PROTO.get(value, compliance_pb2.ASSET_FREEZE_STATUS_EMPTY)


# Identity protos → subject copies (the replica adds identity's version of the record)


def _full_name(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p.strip())


def client_subject(c: identity_pb2.Client) -> Subject:
    professional = c.kind == identity_pb2.CLIENT_KIND_PROFESSIONAL
    return {
        "id": c.id,
        "client_id": c.id,
        "subject": CLIENT_SUBJECT,
        "kind": ENTITY if professional else PERSON,
        "full_name": (
            c.professional.legal_name.strip()
            if professional
            else _full_name(c.first_name, c.last_name)
        ),
        # A company has no birth date; a stale personal block must not weigh on its check.
        "birth_date": "" if professional else c.personal.birth_date,
        "archived": c.flags.archived,
    }


def contact_subject(c: identity_pb2.Contact) -> Subject:
    return {
        "id": c.id,
        "client_id": c.client_id,
        "subject": CONTACT_SUBJECT,
        "kind": PERSON,
        "full_name": _full_name(c.first_name, c.last_name),
        "birth_date": "",
    }


# Documents → protos


def _matches(items: Iterable[Match]) -> list[compliance_pb2.ScreeningMatch]:
    return [
        compliance_pb2.ScreeningMatch(
            entry_id=m.get("entry_id", ""),
            name=m.get("name", ""),
            matched_name=m.get("matched_name", ""),
            score=m.get("score", 0.0),
            url=m.get("url", ""),
        )
        for m in items
    ]


def screening_to_proto(s: Screening) -> compliance_pb2.Screening:
    return compliance_pb2.Screening(
        id=s["id"],
        client_id=s.get("client_id", ""),
        contact_id=s.get("contact_id", ""),
        subject_name=s.get("subject_name", ""),
        at=timestamp(s.get("at", "")),
        register_date=timestamp(s.get("register_date", "")),
        matches=_matches(s.get("matches", [])),
        status_before=_status(s.get("status_before", "")),
        status_after=_status(s.get("status_after", "")),
        trigger=SCREENING_TRIGGERS.to_proto(s.get("trigger", "")),
        job_id=s.get("job_id", ""),
        requested_by=s.get("requested_by", ""),
    )


def decision_to_proto(d: Decision) -> compliance_pb2.StatusDecision:
    return compliance_pb2.StatusDecision(
        status=_status(d.get("status", "")),
        reason=d.get("reason", ""),
        decided_by=d.get("decided_by", ""),
        decided_at=timestamp(d.get("decided_at", "")),
    )


def compliance_to_proto(
    c: Compliance, history: Iterable[Screening] = ()
) -> compliance_pb2.ClientCompliance:
    """A client's compliance document (``id`` = client id) with the history asked for."""
    last = c.get("last_screening")
    return compliance_pb2.ClientCompliance(
        client_id=c["id"],
        status=_status(c.get("status", "")),
        last_screening=screening_to_proto(last) if last else None,
        history=[screening_to_proto(s) for s in history],
        decisions=[decision_to_proto(d) for d in c.get("decisions", [])],
    )


def job_to_proto(j: Job) -> compliance_pb2.ScreeningJob:
    return compliance_pb2.ScreeningJob(
        id=j["id"],
        state=JOB_STATE_TO_PROTO.get(j.get("state", ""), compliance_pb2.JOB_STATE_UNSPECIFIED),
        total=j.get("total", 0),
        done=j.get("done", 0),
        matched=j["counts"].get("matched", 0),
        skipped=j["counts"].get("skipped", 0),
        requested_by=j.get("requested_by", ""),
        created_at=timestamp(j.get("created_at", "")),
        finished_at=timestamp(j.get("finished_at", "")),
        error=j.get("error", ""),
    )


def register_info_to_proto(m: RegisterMeta) -> compliance_pb2.RegisterInfo:
    return compliance_pb2.RegisterInfo(
        published_at=timestamp(m.get("published_at", "")),
        loaded_at=timestamp(m.get("loaded_at", "")),
        entry_count=m.get("entry_count", 0),
        # Never the stored source itself: a server path must not reach users.
        source=m.get("public_source", ""),
    )
