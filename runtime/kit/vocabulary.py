"""A closed vocabulary: a proto enum on the wire, a word in the stored documents.

The proto enum is the vocabulary, written once; a service names the word it stores for each of
its values (``Vocabulary``), and that table is checked to cover the enum exactly, so a value
added to the proto and forgotten here stops the service at import. The same table maps words
to values and back and validates what callers send.

An enum whose value 0 is ``<NAME>_UNSPECIFIED`` (the proto convention) stores it as "" (not
given). A stored word the table does not know reads as that value; a number the proto does
not know (a newer caller) becomes its digits, which the check refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from runtime.errors import FieldViolation

if TYPE_CHECKING:
    from google.protobuf.internal.enum_type_wrapper import _EnumTypeWrapper

V = TypeVar("V", bound=int)


def unspecified_is_blank(enum: _EnumTypeWrapper[V]) -> bool:
    """Whether ``enum``'s value 0 means "not given" (``<NAME>_UNSPECIFIED``)."""
    zero = enum.DESCRIPTOR.values_by_number.get(0)
    return zero is not None and zero.name.endswith("_UNSPECIFIED")


def value_prefix(enum: _EnumTypeWrapper[V]) -> str:
    """The prefix of ``enum``'s value names (``CLIENT_KIND_`` for ``ClientKind``)."""
    name = enum.DESCRIPTOR.name
    return "".join(f"_{c}" if c.isupper() and i else c for i, c in enumerate(name)).upper() + "_"


class Vocabulary(Generic[V]):
    """The stored word of each value of a proto enum."""

    def __init__(self, enum: _EnumTypeWrapper[V], words: Mapping[V, str]) -> None:
        descriptor = enum.DESCRIPTOR
        self._blank = unspecified_is_blank(enum)
        expected = {v.number for v in descriptor.values if v.number != 0 or not self._blank}
        if set(words) != expected:
            missing = sorted(descriptor.values_by_number[n].name for n in expected - set(words))
            raise TypeError(
                f"the words of {descriptor.full_name} must cover its values exactly "
                f"(missing: {missing}, unknown: {sorted(set(words) - expected)})"
            )
        if "" in words.values() or len(set(words.values())) != len(words):
            raise TypeError(f"the words of {descriptor.full_name} must be distinct, not blank")
        self._words: dict[int, str] = {int(value): word for value, word in words.items()}
        self._values: dict[str, V] = {word: value for value, word in words.items()}
        prefix = value_prefix(enum)
        self._names = tuple(descriptor.values_by_number[n].name.removeprefix(prefix) for n in words)
        self._unspecified = cast(V, 0)

    @property
    def words(self) -> tuple[str, ...]:
        """Every stored word, in the enum's order."""
        return tuple(self._words.values())

    def to_proto(self, word: str) -> V:
        """The enum value of a stored word; unspecified for "" or an unknown word."""
        return self._values.get(word, self._unspecified)

    def to_word(self, value: int) -> str:
        """The word stored for an enum value: "" for unspecified, the digits of an unknown one
        (refused by ``check``)."""
        if value == 0 and self._blank:
            return ""
        return self._words.get(value, str(value))

    def check(self, word: str, field: str) -> list[FieldViolation]:
        """A violation on ``field`` unless ``word`` is "" (when allowed) or one of the words."""
        if word in self._values or (word == "" and self._blank):
            return []
        return [FieldViolation(field, f"must be one of {', '.join(self._names)}")]
