"""The asset-freeze register loader: the published JSON format and its errors (where the file
may come from is test_sources.py)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.compliance.register import (
    FreezeRegister,
    PartialDate,
    RegisterEntry,
    RegisterFormatError,
    entry_from_dict,
    entry_to_dict,
    parse_register,
)
from services.compliance.sample_register import (
    SAMPLE_REGISTER_PATH,
    build_sample_register,
    main,
)


@pytest.fixture(scope="module")
def raw_sample() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SAMPLE_REGISTER_PATH.read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="module")
def sample() -> FreezeRegister:
    return parse_register(SAMPLE_REGISTER_PATH.read_bytes())


def entry_named(register: FreezeRegister, display_name: str) -> RegisterEntry:
    return next(e for e in register.entries if e.display_name == display_name)


def minimal(*details: dict[str, Any], nature: str = "Personne physique") -> dict[str, Any]:
    return {
        "Publications": {
            "DatePublication": "2026-11-20T09:00:00",
            "PublicationDetail": [
                {"IdRegistre": 1, "Nature": nature, "Nom": "DOE", "RegistreDetail": list(details)}
            ],
        }
    }


# --- the sample ------------------------------------------------------------------------------


def test_the_sample_register_has_every_published_entry(
    sample: FreezeRegister, raw_sample: dict[str, Any]
) -> None:
    assert len(sample.entries) == len(raw_sample["Publications"]["PublicationDetail"])
    assert len(sample.entries) >= 290
    natures = {e.nature for e in sample.entries}
    assert natures == {"person", "entity", "vessel"}


def test_a_naive_publication_date_is_paris_time(sample: FreezeRegister) -> None:
    # 09:00 in Paris on 20 November (CET, UTC+1).
    assert sample.published_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def test_a_summer_publication_date_uses_paris_summer_time() -> None:
    document = minimal()
    document["Publications"]["DatePublication"] = "2026-07-01T09:00:00"
    assert parse_register(document).published_at == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)


def test_a_publication_date_with_an_offset_is_kept() -> None:
    document = minimal()
    document["Publications"]["DatePublication"] = "2026-11-20T09:00:00+00:00"
    assert parse_register(document).published_at == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_an_entry_keeps_its_fields(sample: FreezeRegister) -> None:
    petrov = entry_named(sample, "Ivan Sergeyevich PETROV")
    assert petrov.nature == "person"
    assert petrov.last_name == "PETROV"
    assert petrov.first_names == ("Ivan Sergeyevich",)
    assert petrov.aliases == ("Иван Петров",)
    assert petrov.birth_dates == (PartialDate(1961, 4, 12),)
    assert petrov.nationalities == ("Russie",)
    assert petrov.url == (
        f"https://gels-avoirs.dgtresor.gouv.fr/Gels/RegistreDetail?idRegistre={petrov.entry_id}"
    )


def test_a_year_only_birth_date_is_partial(sample: FreezeRegister) -> None:
    rashid = entry_named(sample, "Mohammed AL-RASHID")
    assert rashid.birth_dates == (PartialDate(1975, None, None),)
    assert str(rashid.birth_dates[0]) == "1975-??-??"


def test_the_sample_has_every_shape_of_birth_date(sample: FreezeRegister) -> None:
    dates = [d for e in sample.entries for d in e.birth_dates]
    assert any(d.month is None for d in dates)
    assert any(d.month is not None and d.day is None for d in dates)
    assert any(d.day is not None for d in dates)
    assert any(len(e.birth_dates) == 2 for e in sample.entries)


def test_an_entity_has_its_aliases_and_no_first_name(sample: FreezeRegister) -> None:
    severnaya = entry_named(sample, "SEVERNAYA LOGISTIKA OOO")
    assert severnaya.nature == "entity"
    assert severnaya.first_names == ()
    assert "Северная Логистика" in severnaya.aliases


def test_name_variants_cover_first_names_short_forms_and_aliases(sample: FreezeRegister) -> None:
    petrov = entry_named(sample, "Ivan Sergeyevich PETROV")
    assert petrov.name_variants == ("Ivan Sergeyevich PETROV", "Ivan PETROV", "Иван Петров")


def test_a_compound_arabic_given_name_is_not_cut() -> None:
    entry = RegisterEntry("1", "person", "AL-MASRI", ("Abd al-Karim Maher",), (), (), (), "u")
    assert entry.name_variants == ("Abd al-Karim Maher AL-MASRI", "Abd al-Karim AL-MASRI")


def test_the_committed_sample_is_the_generators_output(raw_sample: dict[str, Any]) -> None:
    assert build_sample_register() == raw_sample


def test_the_generator_writes_a_file(tmp_path: Path) -> None:
    output = tmp_path / "register.json"
    assert main([str(output)]) == 0
    assert output.read_bytes() == SAMPLE_REGISTER_PATH.read_bytes()
    assert output.stat().st_size < 1_000_000


def test_entries_survive_a_round_trip_through_plain_documents(sample: FreezeRegister) -> None:
    for entry in sample.entries:
        document = json.loads(json.dumps(entry_to_dict(entry), ensure_ascii=False))
        assert entry_from_dict(document) == entry


# --- malformed input -----------------------------------------------------------------------


def broken(mutate: Any) -> dict[str, Any]:
    document = copy.deepcopy(build_sample_register())
    mutate(document)
    return document


def details_of(document: dict[str, Any], index: int) -> list[dict[str, Any]]:
    details: list[dict[str, Any]] = document["Publications"]["PublicationDetail"][index][
        "RegistreDetail"
    ]
    return details


def birth_date_position(document: dict[str, Any], index: int) -> int:
    return next(
        i
        for i, d in enumerate(details_of(document, index))
        if d["TypeChamp"] == "DATE_DE_NAISSANCE"
    )


def first_person_with_birth_date(document: dict[str, Any]) -> int:
    return next(
        i
        for i, record in enumerate(document["Publications"]["PublicationDetail"])
        if any(d["TypeChamp"] == "DATE_DE_NAISSANCE" for d in record["RegistreDetail"])
    )


def test_a_missing_name_is_named_by_its_path() -> None:
    document = broken(lambda d: d["Publications"]["PublicationDetail"][3].pop("Nom"))
    with pytest.raises(
        RegisterFormatError, match=r"^Publications\.PublicationDetail\[3\]\.Nom: missing$"
    ):
        parse_register(document)


def test_a_non_numeric_birth_year_is_named_by_its_path() -> None:
    document = build_sample_register()
    index = first_person_with_birth_date(document)
    position = birth_date_position(document, index)
    details_of(document, index)[position]["Valeur"][0]["Annee"] = "19x1"
    expected = (
        rf"^Publications\.PublicationDetail\[{index}\]\.RegistreDetail\[{position}\]"
        r"\.Valeur\[0\]\.Annee: not a number: '19x1'$"
    )
    with pytest.raises(RegisterFormatError, match=expected):
        parse_register(document)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", r"^\$: not valid UTF-8 JSON"),
        ("[]", r"^\$: expected an object, got list$"),
        ({}, r"^Publications: missing$"),
        ({"Publications": {"PublicationDetail": []}}, r"^Publications\.DatePublication: missing$"),
        (
            {"Publications": {"DatePublication": "yesterday", "PublicationDetail": []}},
            r"^Publications\.DatePublication: not an ISO 8601 date-time: 'yesterday'$",
        ),
        (
            {"Publications": {"DatePublication": "2026-11-20T09:00:00", "PublicationDetail": {}}},
            r"^Publications\.PublicationDetail: expected a list, got dict$",
        ),
    ],
)
def test_a_malformed_publication_is_refused(raw: Any, message: str) -> None:
    with pytest.raises(RegisterFormatError, match=message):
        parse_register(raw)


def test_an_unknown_nature_is_refused() -> None:
    with pytest.raises(
        RegisterFormatError,
        match=r"^Publications\.PublicationDetail\[0\]\.Nature: unknown value 'Aéronef'$",
    ):
        parse_register(minimal(nature="Aéronef"))


def test_a_valeur_that_is_not_a_list_is_refused() -> None:
    document = minimal({"TypeChamp": "PRENOM", "Valeur": {"Prenom": "John"}})
    with pytest.raises(
        RegisterFormatError,
        match=r"^Publications\.PublicationDetail\[0\]\.RegistreDetail\[0\]\.Valeur: "
        r"expected a list, got dict$",
    ):
        parse_register(document)


def test_a_month_out_of_range_is_refused() -> None:
    document = minimal(
        {"TypeChamp": "DATE_DE_NAISSANCE", "Valeur": [{"Jour": "", "Mois": "13", "Annee": "1970"}]}
    )
    with pytest.raises(RegisterFormatError, match=r"Valeur\[0\]\.Mois: out of range 1\.\.12: 13$"):
        parse_register(document)


def test_duplicate_ids_are_refused() -> None:
    document = minimal()
    records = document["Publications"]["PublicationDetail"]
    records.append(dict(records[0]))
    with pytest.raises(
        RegisterFormatError, match=r"^Publications\.PublicationDetail\[1\]\.IdRegistre: duplicate"
    ):
        parse_register(document)


def test_an_unknown_field_type_is_ignored() -> None:
    register = parse_register(
        minimal(
            {"TypeChamp": "PRENOM", "Valeur": [{"Prenom": "John"}]},
            {"TypeChamp": "REFERENCE_OFAC", "Valeur": [{"ReferenceOfac": "SDN-1"}]},
            {"TypeChamp": "NOUVEAU_CHAMP", "Valeur": "pas une liste"},
            {"TypeChamp": "DATE_DE_NAISSANCE", "Valeur": [{"Jour": "", "Mois": "", "Annee": ""}]},
        )
    )
    (entry,) = register.entries
    assert entry.first_names == ("John",)
    # A birth date with no known part is no birth date.
    assert entry.birth_dates == ()


def test_a_byte_order_mark_is_accepted() -> None:
    raw = "\ufeff" + json.dumps(minimal())
    assert len(parse_register(raw.encode("utf-8")).entries) == 1
