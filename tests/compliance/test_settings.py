"""The compliance service's own settings: defaults, and a bad value named with its rule."""

from __future__ import annotations

import pytest

from runtime.config import SettingsError
from services.compliance.settings import load_compliance_settings


def test_the_defaults_screen_at_085_in_chunks_of_25_with_the_sample_register() -> None:
    settings = load_compliance_settings({})
    assert settings.freeze_register_source == ""
    assert settings.screening_threshold == 0.85
    assert settings.screening_chunk == 25
    assert settings.screening_pause == 0.0


@pytest.mark.parametrize(
    ("variable", "raw", "rule"),
    [
        ("C360_SCREENING_THRESHOLD", "1.5", "above 0 and at most 1"),
        ("C360_SCREENING_THRESHOLD", "0", "above 0 and at most 1"),
        ("C360_SCREENING_CHUNK", "0", "1 or more"),
        ("C360_SCREENING_PAUSE", "-1", "0 or more"),
    ],
)
def test_a_bad_screening_setting_names_the_variable_and_the_rule(
    variable: str, raw: str, rule: str
) -> None:
    with pytest.raises(SettingsError, match=rf"^{variable}: .*{rule}"):
        load_compliance_settings({variable: raw})
