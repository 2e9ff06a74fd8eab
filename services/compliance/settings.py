"""The compliance service's own settings, read once from the environment with the runtime's
parsers: a bad value stops the process with a message naming the variable and the rule."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from runtime.config import fraction, parse, positive_int, seconds
from services.compliance.sources import OFFICIAL_REGISTER_URL, allowed_urls


@dataclass(frozen=True, slots=True)
class ComplianceSettings:
    # Empty: the sample register shipped with the service. A file path or a URL, trusted as
    # given: what the first start and a reload without source read.
    freeze_register_source: str
    # What else a platform operator's reload may name: https URLs, or URL prefixes ending in
    # "/" (plain http only for a loopback IP address); by default the official publication.
    freeze_register_allowed_urls: tuple[str, ...]
    # The score from which a register entry is a match, above 0 and at most 1.
    screening_threshold: float
    # Clients screened per committed chunk of a batch job.
    screening_chunk: int
    # Seconds a job waits between chunks (0: none), to leave room for reads.
    screening_pause: float


def load_compliance_settings(env: Mapping[str, str] | None = None) -> ComplianceSettings:
    env = os.environ if env is None else env
    return ComplianceSettings(
        freeze_register_source=env.get("C360_FREEZE_REGISTER_SOURCE", ""),
        freeze_register_allowed_urls=parse(
            env, "C360_FREEZE_REGISTER_ALLOWED_URLS", OFFICIAL_REGISTER_URL, allowed_urls
        ),
        screening_threshold=parse(env, "C360_SCREENING_THRESHOLD", "0.85", fraction),
        screening_chunk=parse(env, "C360_SCREENING_CHUNK", "25", positive_int),
        screening_pause=parse(env, "C360_SCREENING_PAUSE", "0", seconds),
    )
