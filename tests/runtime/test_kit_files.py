"""Stored files: the type is read from the content, a tenant never reads another's file, and
the same content is kept once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from runtime.errors import InvalidInput, NotFound
from runtime.kit.files import (
    IMAGE_TYPES,
    FileStore,
    media_type_of,
    require_media_type,
    require_size,
)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(out, "PNG")
    return out.getvalue()


def test_the_type_comes_from_the_content_not_the_name() -> None:
    assert media_type_of(png()) == "image/png"
    assert media_type_of(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n") == "application/pdf"
    assert media_type_of(b"just some words") is None
    assert media_type_of(b"") is None


def test_a_type_outside_the_field_s_list_is_refused_naming_the_field() -> None:
    assert require_media_type(png(), IMAGE_TYPES, "photo") == "image/png"
    with pytest.raises(InvalidInput) as refused:
        require_media_type(b"%PDF-1.7\n", IMAGE_TYPES, "photo")
    (violation,) = refused.value.violations
    assert violation.field == "photo"
    assert "application/pdf" in violation.rule
    assert "image/png" in violation.rule
    with pytest.raises(InvalidInput, match="not a file type we recognise"):
        require_media_type(b"hello", IMAGE_TYPES, "photo")


def test_sizes_are_checked_on_the_field() -> None:
    require_size(b"x" * 10, 10, "photo")
    with pytest.raises(InvalidInput, match="photo: the file is 11 bytes; at most 10"):
        require_size(b"x" * 11, 10, "photo")
    with pytest.raises(InvalidInput, match="photo: the file is empty"):
        require_size(b"", 10, "photo")


def test_a_stored_file_is_read_back_by_its_tenant_only(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    data = png()
    key = store.put("tenant-a", data)
    assert store.get("tenant-a", key) == data
    assert store.put("tenant-a", data) == key  # the same content is kept once
    assert len(list((tmp_path / "tenant-a").rglob("*"))) == 2  # one directory, one file
    with pytest.raises(NotFound):
        store.get("tenant-b", key)
    assert not store.exists("tenant-b", key)
    with pytest.raises(NotFound):
        store.get("tenant-a", "../../etc/passwd")
    with pytest.raises(ValueError, match="cannot name a directory"):
        store.put("../escape", data)
    assert not list(tmp_path.rglob(".incoming-*"))
