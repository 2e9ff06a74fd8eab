"""Sensitive fields declared by path, encrypted at rest and masked by role.

A path walks sub-documents with dots and lists with ``[]``: ``personal.social_security_number``,
``family_members[].social_security_number``, ``bank_accounts[].iban``. Values are encrypted
on write; on read only the paths under the top-level fields a read asks for are decrypted,
because a decryption costs more than the rest of a read. Callers whose role is not in
``clear_for`` get the masked form.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from runtime.caller import Caller
from runtime.crypto import FieldCipher

Record = TypeVar("Record")
Mask = Callable[[str], str]


def keep_ends(start: int, end: int) -> Mask:
    """A mask showing the first ``start`` and last ``end`` characters (spaces dropped);
    a value too short to hide anything is shown as it is."""

    def mask(value: str) -> str:
        compact = value.replace(" ", "")
        if len(compact) <= start + end:
            return value
        return compact[:start] + "*" * (len(compact) - start - end) + compact[-end:]

    return mask


@dataclass(frozen=True, slots=True)
class SensitiveField:
    path: str
    mask: Mask

    @property
    def section(self) -> str:
        """The top-level field the path starts in (what a read mask names)."""
        return self.path.split(".", 1)[0].removesuffix("[]")


def _steps(path: str) -> list[tuple[str, bool]]:
    steps = []
    for part in path.split("."):
        name = part.removesuffix("[]")
        if not name.isidentifier():
            raise ValueError(f"not a sensitive field path: {path!r}")
        steps.append((name, part.endswith("[]")))
    return steps


def _holders(doc: Any, steps: list[tuple[str, bool]]) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every value a path reaches in ``doc``; missing parts reach none."""
    *walk, (last, last_is_list) = steps
    level: list[Any] = [doc]
    for name, is_list in walk:
        following: list[Any] = []
        for holder in level:
            value = holder.get(name) if isinstance(holder, dict) else None
            if is_list and isinstance(value, list):
                following.extend(value)
            elif not is_list and value is not None:
                following.append(value)
        level = following
    for holder in level:
        if not isinstance(holder, dict):
            continue
        value = holder.get(last)
        if last_is_list and isinstance(value, list):
            yield from ((value, i) for i in range(len(value)))
        elif not last_is_list and isinstance(value, str):
            yield holder, last


class SensitiveFields:
    """The sensitive fields of one kind of record."""

    def __init__(self, fields: Iterable[SensitiveField], *, clear_for: Collection[str]) -> None:
        self._fields = [(f, _steps(f.path)) for f in fields]
        self._clear_for = frozenset(clear_for)

    @property
    def sections(self) -> frozenset[str]:
        return frozenset(f.section for f, _ in self._fields)

    def _apply(
        self,
        doc: Any,
        change: Callable[[SensitiveField, str], str],
        sections: Collection[str] | None,
    ) -> None:
        for field, steps in self._fields:
            if sections is not None and field.section not in sections:
                continue
            for holder, key in _holders(doc, steps):
                if holder[key]:
                    holder[key] = change(field, holder[key])

    def encrypt(self, doc: Record, cipher: FieldCipher) -> Record:
        """A copy of ``doc`` to store: every sensitive value encrypted."""
        sealed = copy.deepcopy(doc)
        self._apply(sealed, lambda _, value: cipher.encrypt(value), None)
        return sealed

    def decrypt(
        self, doc: Record, cipher: FieldCipher, sections: Collection[str] | None = None
    ) -> Record:
        """``doc`` as read, decrypted in place under ``sections`` (all when None); the others
        stay encrypted, so a read must show only the sections it decrypted."""
        self._apply(doc, lambda _, value: cipher.decrypt(value), sections)
        return doc

    def masked(self, doc: Record, sections: Collection[str] | None = None) -> Record:
        """A copy of ``doc`` with the sensitive values under ``sections`` masked."""
        hidden = copy.deepcopy(doc)
        self._apply(hidden, lambda field, value: field.mask(value), sections)
        return hidden

    def sees_clear(self, caller: Caller) -> bool:
        return caller.role in self._clear_for

    def visible_to(
        self, caller: Caller, doc: Record, sections: Collection[str] | None = None
    ) -> Record:
        """``doc`` as ``caller``'s role may see it."""
        return doc if self.sees_clear(caller) else self.masked(doc, sections)
