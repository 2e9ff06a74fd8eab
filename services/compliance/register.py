"""Load the French national asset-freeze register (DG Trésor JSON publication) into typed,
immutable entries, and round-trip entries through plain dicts. Where the published bytes may
come from, and reading them, is sources.py's job."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

ENTRY_URL_TEMPLATE: Final = "https://gels-avoirs.dgtresor.gouv.fr/Gels/RegistreDetail?idRegistre={}"

# DG Trésor publishes local French time without an offset, so a naive DatePublication is read
# as Europe/Paris wall-clock time (CET/CEST) and converted to UTC.
PUBLICATION_TIMEZONE: Final = ZoneInfo("Europe/Paris")

NATURES: Final[Mapping[str, str]] = {
    "Personne physique": "person",
    "Personne morale": "entity",
    "Navire": "vessel",
}


class RegisterFormatError(ValueError):
    """The register does not have the published structure; the message names the JSON path."""


class RegisterFetchError(RuntimeError):
    """An allowed source could not be read (missing file, unreachable host, HTTP error)."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of which any part may be unknown, as the register often gives only a year."""

    year: int | None
    month: int | None
    day: int | None

    def __str__(self) -> str:
        parts = [
            f"{self.year:04d}" if self.year is not None else "????",
            f"{self.month:02d}" if self.month is not None else "??",
            f"{self.day:02d}" if self.day is not None else "??",
        ]
        return "-".join(parts)


# Arabic name elements that never stand alone: "Abd al-Karim" is one given name, not "Abd".
_BOUND_PREFIXES: Final = frozenset({"abd", "abdel", "abdul", "abu", "abou", "ben", "bin", "ibn"})


def _first_given_name(first_names: str) -> str:
    words = first_names.split()
    if len(words) > 1 and words[0].lower() in _BOUND_PREFIXES:
        return " ".join(words[:2])
    return words[0] if words else ""


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One person, entity or vessel whose assets are frozen."""

    entry_id: str
    nature: str
    last_name: str
    first_names: tuple[str, ...]
    aliases: tuple[str, ...]
    birth_dates: tuple[PartialDate, ...]
    nationalities: tuple[str, ...]
    url: str

    @property
    def display_name(self) -> str:
        """The register's name in "FIRST LAST" order, with the first listed first name."""
        if self.first_names:
            return f"{self.first_names[0]} {self.last_name}"
        return self.last_name

    @property
    def name_variants(self) -> tuple[str, ...]:
        """Every full name this entry may be known under, without duplicates, in register order.

        Besides each "first last" and each alias, a person listed with several given names
        (typically a Russian patronymic) also gets "first-given-name last", because clients'
        files rarely carry the patronymic.
        """
        variants: list[str] = []
        for first in self.first_names:
            variants.append(f"{first} {self.last_name}")
            given = _first_given_name(first)
            if given != first:
                variants.append(f"{given} {self.last_name}")
        if not self.first_names:
            variants.append(self.last_name)
        variants.extend(self.aliases)
        return tuple(dict.fromkeys(v for v in variants if v.strip()))


@dataclass(frozen=True, slots=True)
class FreezeRegister:
    """One publication of the register; ``published_at`` is timezone-aware UTC."""

    published_at: datetime
    entries: tuple[RegisterEntry, ...]


def entry_url(entry_id: str) -> str:
    return ENTRY_URL_TEMPLATE.format(entry_id)


# --- parsing -------------------------------------------------------------------------------


def _fail(path: str, problem: str) -> RegisterFormatError:
    return RegisterFormatError(f"{path}: {problem}")


def _join(path: str, key: str) -> str:
    return key if path == "$" else f"{path}.{key}"


def _field(node: Mapping[str, Any], key: str, path: str) -> Any:
    value = node.get(key)
    if value is None:
        raise _fail(_join(path, key), "missing")
    return value


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(path, f"expected an object, got {type(value).__name__}")
    return value


def _list(value: Any, path: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise _fail(path, f"expected a list, got {type(value).__name__}")
    return value


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, f"expected a string, got {type(value).__name__}")
    return value.strip()


def _optional_text(item: Mapping[str, Any], key: str, path: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    return _text(value, f"{path}.{key}")


def _date_part(item: Mapping[str, Any], key: str, path: str, low: int, high: int) -> int | None:
    text = _optional_text(item, key, path)
    if not text:
        return None
    if not text.isdigit():
        raise _fail(f"{path}.{key}", f"not a number: {text!r}")
    number = int(text)
    if not low <= number <= high:
        raise _fail(f"{path}.{key}", f"out of range {low}..{high}: {number}")
    return number


def _parse_published_at(value: Any, path: str) -> datetime:
    text = _text(value, path)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _fail(path, f"not an ISO 8601 date-time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PUBLICATION_TIMEZONE)
    return moment.astimezone(UTC)


def _values(detail: Mapping[str, Any], path: str) -> Iterator[tuple[Mapping[str, Any], str]]:
    values = _list(_field(detail, "Valeur", path), f"{path}.Valeur")
    for index, item in enumerate(values):
        item_path = f"{path}.Valeur[{index}]"
        yield _mapping(item, item_path), item_path


def _parse_entry(raw: Any, path: str) -> RegisterEntry:
    node = _mapping(raw, path)
    raw_id = _field(node, "IdRegistre", path)
    # bool is an int in Python, and a True id is certainly a corrupted file.
    if isinstance(raw_id, bool) or not isinstance(raw_id, int | str) or not str(raw_id).strip():
        raise _fail(f"{path}.IdRegistre", f"expected an integer, got {raw_id!r}")
    entry_id = str(raw_id).strip()
    nature_label = _text(_field(node, "Nature", path), f"{path}.Nature")
    nature = NATURES.get(nature_label)
    if nature is None:
        raise _fail(f"{path}.Nature", f"unknown value {nature_label!r}")
    last_name = _text(_field(node, "Nom", path), f"{path}.Nom")
    if not last_name:
        raise _fail(f"{path}.Nom", "empty")

    first_names: list[str] = []
    aliases: list[str] = []
    birth_dates: list[PartialDate] = []
    nationalities: list[str] = []
    details = _list(node.get("RegistreDetail") or [], f"{path}.RegistreDetail")
    for index, raw_detail in enumerate(details):
        detail_path = f"{path}.RegistreDetail[{index}]"
        detail = _mapping(raw_detail, detail_path)
        kind = _text(_field(detail, "TypeChamp", detail_path), f"{detail_path}.TypeChamp")
        if kind == "PRENOM":
            for item, item_path in _values(detail, detail_path):
                if name := _optional_text(item, "Prenom", item_path):
                    first_names.append(name)
        elif kind == "ALIAS":
            for item, item_path in _values(detail, detail_path):
                if alias := _optional_text(item, "Alias", item_path):
                    aliases.append(alias)
        elif kind == "NATIONALITE":
            for item, item_path in _values(detail, detail_path):
                if country := _optional_text(item, "Pays", item_path):
                    nationalities.append(country)
        elif kind == "DATE_DE_NAISSANCE":
            for item, item_path in _values(detail, detail_path):
                date = PartialDate(
                    year=_date_part(item, "Annee", item_path, 1000, 9999),
                    month=_date_part(item, "Mois", item_path, 1, 12),
                    day=_date_part(item, "Jour", item_path, 1, 31),
                )
                if date != PartialDate(None, None, None):
                    birth_dates.append(date)
        # Every other TypeChamp (addresses, passports, legal basis…) is not needed for
        # screening, and new ones appear over time: they are skipped, not rejected.

    return RegisterEntry(
        entry_id=entry_id,
        nature=nature,
        last_name=last_name,
        first_names=tuple(first_names),
        aliases=tuple(aliases),
        birth_dates=tuple(birth_dates),
        nationalities=tuple(nationalities),
        url=entry_url(entry_id),
    )


def parse_register(raw: bytes | str | Mapping[str, Any]) -> FreezeRegister:
    """Parse a publication given as JSON bytes, JSON text or an already decoded object.

    Raises RegisterFormatError naming the first JSON path that breaks the format.
    """
    document: Any
    if isinstance(raw, bytes | str):
        try:
            # The published file may start with a UTF-8 byte-order mark.
            text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.lstrip("\ufeff")
            document = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise _fail("$", f"not valid UTF-8 JSON ({error})") from None
    else:
        document = raw
    root = _mapping(document, "$")
    publications = _mapping(_field(root, "Publications", "$"), "Publications")
    published_at = _parse_published_at(
        _field(publications, "DatePublication", "Publications"), "Publications.DatePublication"
    )
    details = _list(
        _field(publications, "PublicationDetail", "Publications"), "Publications.PublicationDetail"
    )
    entries = tuple(
        _parse_entry(item, f"Publications.PublicationDetail[{index}]")
        for index, item in enumerate(details)
    )
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.entry_id in seen:
            raise _fail(
                f"Publications.PublicationDetail[{index}].IdRegistre",
                f"duplicate id {entry.entry_id}",
            )
        seen.add(entry.entry_id)
    return FreezeRegister(published_at=published_at, entries=entries)


# --- storage as documents ------------------------------------------------------------------


def entry_to_dict(entry: RegisterEntry) -> dict[str, Any]:
    """A JSON-able document for one entry; ``entry_from_dict`` rebuilds it exactly."""
    return {
        "entry_id": entry.entry_id,
        "nature": entry.nature,
        "last_name": entry.last_name,
        "first_names": list(entry.first_names),
        "aliases": list(entry.aliases),
        "birth_dates": [
            {"year": d.year, "month": d.month, "day": d.day} for d in entry.birth_dates
        ],
        "nationalities": list(entry.nationalities),
        "url": entry.url,
    }


def entry_from_dict(document: Mapping[str, Any]) -> RegisterEntry:
    return RegisterEntry(
        entry_id=str(document["entry_id"]),
        nature=str(document["nature"]),
        last_name=str(document["last_name"]),
        first_names=tuple(str(n) for n in document["first_names"]),
        aliases=tuple(str(a) for a in document["aliases"]),
        birth_dates=tuple(
            PartialDate(year=d.get("year"), month=d.get("month"), day=d.get("day"))
            for d in document["birth_dates"]
        ),
        nationalities=tuple(str(n) for n in document["nationalities"]),
        url=str(document["url"]),
    )
