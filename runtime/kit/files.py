"""Files a service keeps for its records (equipment photos, report signatures, documents).

What a file is comes from its content, never from the name or the type the uploader gave:
``media_type_of`` reads the first bytes (puremagic, a maintained pure-Python table of file
signatures), and ``require_media_type`` refuses what is not in a field's allowed list with the
field's name, as any other bad input.

``FileStore`` keeps the bytes under the service's data directory, one file per content, by
tenant: ``<root>/<tenant>/<sha256[:2]>/<sha256>``. A file is written to a temporary name,
flushed to disk and renamed, before the record that names it is committed, so a record that was
acknowledged never points at a file that is not there. Content stored twice is kept once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import puremagic

from runtime.errors import FieldViolation, InvalidInput, NotFound

# Tenant ids and content keys become path segments: nothing else may.
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_KEY = re.compile(r"^[0-9a-f]{64}$")

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


def media_type_of(data: bytes) -> str | None:
    """The media type the content's signature shows, or None when no signature matches."""
    if not data:
        return None
    try:
        return str(puremagic.from_string(data, mime=True)) or None
    except puremagic.PureError:
        return None


def require_media_type(data: bytes, allowed: Collection[str], field: str) -> str:
    """The content's media type, when it is one of ``allowed``; otherwise InvalidInput on
    ``field`` naming what was found and what is accepted."""
    found = media_type_of(data)
    if found is not None and found in allowed:
        return found
    accepted = ", ".join(sorted(allowed))
    what = f"a file of type {found}" if found else "not a file type we recognise"
    raise InvalidInput(FieldViolation(field, f"the content is {what}; accepted: {accepted}"))


def require_size(data: bytes, limit: int, field: str) -> None:
    """Refuses an empty file, or one over ``limit`` bytes, on ``field``."""
    if not data:
        raise InvalidInput(FieldViolation(field, "the file is empty"))
    if len(data) > limit:
        raise InvalidInput(
            FieldViolation(field, f"the file is {len(data)} bytes; at most {limit} are accepted")
        )


def content_key(data: bytes) -> str:
    """The key a content is stored under: its hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class FileStore:
    """Contents by tenant and SHA-256 under ``root``."""

    root: Path

    def _path(self, tenant_id: str, key: str) -> Path:
        if not _SEGMENT.match(tenant_id):
            raise ValueError(f"tenant id {tenant_id!r} cannot name a directory")
        if not _KEY.match(key):
            raise NotFound("no such file")
        return self.root / tenant_id / key[:2] / key

    def put(self, tenant_id: str, data: bytes) -> str:
        """Stores ``data`` durably for ``tenant_id`` and returns its key."""
        key = content_key(data)
        path = self._path(tenant_id, key)
        if path.exists():
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return key

    def get(self, tenant_id: str, key: str) -> bytes:
        """The content stored under ``key`` for ``tenant_id``; NotFound for any other tenant's."""
        try:
            return self._path(tenant_id, key).read_bytes()
        except FileNotFoundError:
            raise NotFound("no such file") from None

    def delete(self, tenant_id: str, key: str) -> bool:
        """Removes a content (an erased client's photo or document); whether it was there. The
        caller checks first that no other record of the tenant names the same content."""
        try:
            self._path(tenant_id, key).unlink()
        except (FileNotFoundError, NotFound):
            return False
        return True

    def exists(self, tenant_id: str, key: str) -> bool:
        try:
            return self._path(tenant_id, key).exists()
        except NotFound:
            return False
