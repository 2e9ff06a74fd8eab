"""What the protos declare beyond shapes is read from the generated code: each event payload's
subject, and a repeated field's item limit; an event decodes only as the type its subject
declares."""

from __future__ import annotations

import pytest

from client360.common.v1 import common_pb2
from client360.compliance.v1 import compliance_pb2
from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.contracts import decode_payload, max_items, payload_types, subject_of
from runtime.outbox import new_event


def test_a_payload_message_names_its_own_subject() -> None:
    assert subject_of(identity_pb2.ClientCreated) == "c360.identity.client.created"
    assert subject_of(identity_pb2.ContactEnded) == "c360.identity.contact.ended"
    assert subject_of(compliance_pb2.ScreeningJobFinished) == "c360.compliance.job.finished"


def test_every_subject_follows_service_entity_verb_and_is_declared_once() -> None:
    payloads = [
        message
        for module in (identity_pb2, compliance_pb2)
        for message in vars(module).values()
        if isinstance(message, type)
        and hasattr(message, "DESCRIPTOR")
        and message.DESCRIPTOR.GetOptions().Extensions[events_pb2.subject]
    ]
    subjects = [subject_of(p) for p in payloads]
    assert len(subjects) == 11
    assert len(set(subjects)) == len(subjects)
    for subject in subjects:
        prefix, service, entity, verb = subject.split(".")
        assert (prefix, bool(entity), bool(verb)) == ("c360", True, True)
        assert service in {"identity", "compliance"}


def test_a_message_that_is_not_an_event_has_no_subject() -> None:
    with pytest.raises(TypeError, match="declares no event subject"):
        subject_of(identity_pb2.Client)


def test_an_event_carries_its_payload_under_the_payloads_subject() -> None:
    payload = identity_pb2.ClientUpdated(changed_fields=["memo"])
    payload.client.id = "c1"
    event = new_event(payload, tenant_id="t1", key="c1", actor_id="alice")

    assert event.type == "c360.identity.client.updated"
    assert (event.tenant_id, event.key, event.actor_id) == ("t1", "c1", "alice")
    assert event.HasField("occurred_at")
    wire = events_pb2.Event.FromString(event.SerializeToString())
    decoded = decode_payload(wire, payload_types(identity_pb2.ClientUpdated))
    assert decoded == payload


def test_an_unknown_subject_or_a_mismatched_payload_decodes_to_nothing() -> None:
    known = payload_types(identity_pb2.ClientCreated, identity_pb2.ClientUpdated)
    unknown = new_event(
        compliance_pb2.ScreeningCompleted(), tenant_id="t1", key="c1", actor_id="alice"
    )
    assert decode_payload(unknown, known) is None

    # A producer's mistake: the subject of one type, the payload of another.
    mismatched = new_event(identity_pb2.ClientCreated(), tenant_id="t1", key="c1", actor_id="a")
    mismatched.type = subject_of(identity_pb2.ClientUpdated)
    assert decode_payload(mismatched, known) is None


def test_a_repeated_fields_limit_is_read_from_the_contract() -> None:
    assert max_items(compliance_pb2.StartScreeningJobRequest, "client_ids") == 10_000
    with pytest.raises(TypeError, match="declares no max_items"):
        max_items(identity_pb2.BatchGetClientsRequest, "ids")
    assert common_pb2.max_items.number == 50101
