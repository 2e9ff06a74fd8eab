"""Sections of the client file as the schema reads them: each service's answer with its derived
fields computed once per item, so that every field of a section is a plain attribute read
(a resolver per leaf field costs several times more)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from client360.compliance.v1 import compliance_pb2

BANNER_TO_VERIFY = (
    "Matches were found on the national asset-freeze register: please check them and set "
    "the status."
)
BANNER_YES = "This client is on the national asset-freeze register."


@dataclass(slots=True)
class ComplianceSection:
    """What the Compliance type reads: the service's answer with its derived fields computed
    once, so that every field of the section is a plain attribute."""

    asset_freeze_status: int
    banner: str | None
    last_screening: compliance_pb2.Screening | None
    decisions: Sequence[compliance_pb2.StatusDecision]
    history: Sequence[compliance_pb2.Screening]


def compliance_section(answer: compliance_pb2.ClientCompliance) -> ComplianceSection:
    status = answer.status
    banner = None
    if status == compliance_pb2.ASSET_FREEZE_STATUS_TO_VERIFY:
        banner = BANNER_TO_VERIFY
    elif status == compliance_pb2.ASSET_FREEZE_STATUS_YES:
        banner = BANNER_YES
    return ComplianceSection(
        asset_freeze_status=status,
        banner=banner,
        last_screening=answer.last_screening if answer.HasField("last_screening") else None,
        decisions=answer.decisions,
        history=answer.history,
    )
