"""Versioned updates: the version check, the update mask against the writable fields, the
audit stamps and the fields that changed."""

from __future__ import annotations

from typing import Any

import pytest

from runtime.errors import Conflict, FieldViolation, InvalidInput, NotFound
from runtime.kit.updates import (
    apply_mask,
    changed_fields,
    check_version,
    created_stamps,
    edit,
    touched_stamps,
)

WRITABLE = ("memo", "phones", "personal")


def record(**fields: Any) -> dict[str, Any]:
    return {
        "id": "r1",
        "version": 3,
        "memo": "before",
        "phones": [{"number": "+33612345678"}],
        "personal": {"birth_date": "1984-05-17", "gender": "F"},
        "reference": "CL000001",
        **fields,
    }


def no_rule(_: dict[str, Any]) -> list[FieldViolation]:
    return []


def test_a_whole_field_is_replaced_and_a_sub_field_merged() -> None:
    changes = {"memo": "after", "personal": {"birth_date": "1990-01-02", "gender": "M"}}
    updated = apply_mask(record(), changes, ["memo", "personal.birth_date"], WRITABLE)
    assert updated["memo"] == "after"
    assert updated["personal"] == {"birth_date": "1990-01-02", "gender": "F"}


def test_the_current_record_is_left_untouched() -> None:
    current = record()
    apply_mask(current, {"personal": {"gender": "M"}}, ["personal.gender"], WRITABLE)
    assert current["personal"]["gender"] == "F"


def test_a_field_left_out_of_the_changes_is_cleared_when_masked() -> None:
    updated = apply_mask(record(), {}, ["phones"], WRITABLE)
    assert updated["phones"] is None


@pytest.mark.parametrize("path", ["reference", "version", "personal.unknown", "nope.x"])
def test_a_path_outside_the_writable_fields_is_refused_naming_update_mask(path: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        apply_mask(record(), {"personal": {"gender": "M"}}, [path], WRITABLE)
    assert refused.value.violations == [
        FieldViolation("updateMask", f"{path!r} is not a writable field")
    ]


def test_a_missing_record_is_not_found_and_a_stale_version_a_conflict() -> None:
    with pytest.raises(NotFound, match="client c9 not found"):
        check_version(None, version=1, what="client", record_id="c9")
    with pytest.raises(Conflict, match="version: 2 is stale, the current version is 3"):
        check_version(record(), version=2, what="client", record_id="r1")
    assert check_version(record(), version=3, what="client", record_id="r1")["id"] == "r1"


def test_an_edit_lists_the_fields_that_changed_in_writable_order() -> None:
    result = edit(
        record(),
        what="client",
        record_id="r1",
        version=3,
        changes={"memo": "after", "phones": [{"number": "+33612345678"}]},
        paths=["phones", "memo"],
        writable=WRITABLE,
        check=no_rule,
    )
    assert result.changed == ["memo"]
    assert result.record["memo"] == "after"


def test_an_edit_runs_the_domain_check_on_the_whole_updated_record() -> None:
    def memo_required(updated: dict[str, Any]) -> list[FieldViolation]:
        return [] if updated["memo"] else [FieldViolation("memo", "required")]

    with pytest.raises(InvalidInput) as refused:
        edit(
            record(),
            what="client",
            record_id="r1",
            version=3,
            changes={"memo": ""},
            paths=["memo"],
            writable=WRITABLE,
            check=memo_required,
        )
    assert refused.value.violations == [FieldViolation("memo", "required")]


def test_a_stale_edit_is_refused_before_its_mask_is_looked_at() -> None:
    with pytest.raises(Conflict):
        edit(
            record(),
            what="client",
            record_id="r1",
            version=1,
            changes={},
            paths=["reference"],
            writable=WRITABLE,
            check=no_rule,
        )


def test_stamps_keep_the_creator_and_move_the_last_change() -> None:
    created = created_stamps("alice", at="2026-01-01T00:00:00.000000+00:00")
    assert created == {
        "created_at": "2026-01-01T00:00:00.000000+00:00",
        "created_by": "alice",
        "updated_at": "2026-01-01T00:00:00.000000+00:00",
        "updated_by": "alice",
    }
    touched = touched_stamps(created, "bob")
    assert (touched["created_by"], touched["created_at"]) == ("alice", created["created_at"])
    assert touched["updated_by"] == "bob"
    assert touched["updated_at"] > created["updated_at"]
    assert touched_stamps(None, "bob")["created_by"] == ""


def test_changed_fields_compares_values_not_identity() -> None:
    before = {"a": [1], "b": {"x": 1}, "c": "same"}
    after = {"a": [1], "b": {"x": 2}, "c": "same", "d": None}
    assert changed_fields(before, after, ["a", "b", "c", "d"]) == ["b"]
