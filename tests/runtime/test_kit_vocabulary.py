"""A closed vocabulary is its proto enum: the stored words must cover the enum exactly, map
both ways, and validate what callers send."""

from __future__ import annotations

from typing import cast

import pytest

from client360.common.v1 import common_pb2
from client360.compliance.v1 import compliance_pb2
from runtime.errors import FieldViolation
from runtime.kit.vocabulary import Vocabulary, unspecified_is_blank, value_prefix

KINDS = {
    common_pb2.EMAIL_KIND_PERSONAL: "personal",
    common_pb2.EMAIL_KIND_WORK: "work",
    common_pb2.EMAIL_KIND_OTHER: "other",
}


def test_words_map_to_the_enum_and_back_unspecified_being_blank() -> None:
    kinds = Vocabulary(common_pb2.EmailKind, KINDS)
    assert kinds.words == ("personal", "work", "other")
    assert kinds.to_proto("work") == common_pb2.EMAIL_KIND_WORK
    assert kinds.to_word(common_pb2.EMAIL_KIND_WORK) == "work"
    assert kinds.to_proto("") == kinds.to_proto("a word of the past") == 0
    assert kinds.to_word(0) == ""
    assert kinds.to_word(42) == "42"


def test_only_the_words_and_blank_pass_the_check_which_names_the_enum_values() -> None:
    kinds = Vocabulary(common_pb2.EmailKind, KINDS)
    assert kinds.check("work", "emails[0].kind") == []
    assert kinds.check("", "emails[0].kind") == []
    assert kinds.check("42", "emails[0].kind") == [
        FieldViolation("emails[0].kind", "must be one of PERSONAL, WORK, OTHER")
    ]


def test_a_value_left_without_a_word_or_a_word_twice_stops_the_service_at_import() -> None:
    with pytest.raises(TypeError, match="EMAIL_KIND_OTHER"):
        Vocabulary(
            common_pb2.EmailKind,
            {common_pb2.EMAIL_KIND_PERSONAL: "personal", common_pb2.EMAIL_KIND_WORK: "work"},
        )
    with pytest.raises(TypeError, match="distinct"):
        Vocabulary(common_pb2.EmailKind, {**KINDS, common_pb2.EMAIL_KIND_OTHER: "work"})
    with pytest.raises(TypeError, match="unknown"):
        Vocabulary(common_pb2.EmailKind, {**KINDS, cast(common_pb2.EmailKind.ValueType, 9): "nine"})


def test_a_zero_that_is_a_real_value_needs_a_word_of_its_own() -> None:
    assert not unspecified_is_blank(compliance_pb2.AssetFreezeStatus)
    assert unspecified_is_blank(common_pb2.PhoneKind)
    assert value_prefix(compliance_pb2.AssetFreezeStatus) == "ASSET_FREEZE_STATUS_"
    with pytest.raises(TypeError, match="ASSET_FREEZE_STATUS_EMPTY"):
        Vocabulary(
            compliance_pb2.AssetFreezeStatus,
            {
                compliance_pb2.ASSET_FREEZE_STATUS_NO: "no",
                compliance_pb2.ASSET_FREEZE_STATUS_TO_VERIFY: "to_verify",
                compliance_pb2.ASSET_FREEZE_STATUS_YES: "yes",
            },
        )
