"""Builds tests/compliance/labelled_pairs.json from the sample register: how clients' files
write sanctioned names (and other people's names), labelled match / no match.

Run ``python -m tests.compliance.make_labelled_pairs``. The labels come from how each query
was built, never from the matcher; the matcher is not imported here.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from services.compliance import sample_register as pools
from services.compliance.register import RegisterEntry, parse_register
from services.compliance.sample_register import SAMPLE_REGISTER_PATH

PAIRS_PATH = Path(__file__).parent / "labelled_pairs.json"
SEED = 360

Pair = dict[str, Any]

# Other romanisations of the same names: English, German and French usage, UN/EU lists.
SPELLING_VARIANTS: dict[str, list[str]] = {
    "Mohammed": ["Muhammad", "Mohamed", "Mohamad"],
    "Mohammad": ["Mohamad", "Muhammad", "Mohammed"],
    "Youssef": ["Yusuf", "Youcef", "Yousef"],
    "Khaled": ["Khalid", "Khaleed"],
    "Hussein": ["Husain", "Hussain", "Houssein"],
    "Hossein": ["Hussein", "Hosein"],
    "Tarek": ["Tariq", "Tarik"],
    "Mahmoud": ["Mahmud", "Mahmood"],
    "Omar": ["Umar", "Omer"],
    "Ahmad": ["Ahmed"],
    "Ibrahim": ["Ebrahim", "Brahim"],
    "Saeed": ["Said", "Saïd"],
    "Massoud": ["Masoud", "Masud"],
    "Mehdi": ["Mahdi"],
    "Walid": ["Waleed", "Oualid"],
    "Hisham": ["Hicham"],
    "Nabil": ["Nabeel"],
    "Ziad": ["Ziyad"],
    "Jamil": ["Jameel", "Djamil"],
    "Hassan": ["Hasan"],
    "Fatima": ["Fatma", "Fatimah"],
    "Fatemeh": ["Fatima"],
    "Aleksandr": ["Alexandre", "Alexander", "Aleksander"],
    "Aleksey": ["Alexei", "Alekseï", "Alexey"],
    "Sergey": ["Sergei", "Sergueï"],
    "Dmitriy": ["Dmitry", "Dmitri"],
    "Andrey": ["Andrei", "Andreï"],
    "Nikolay": ["Nikolai", "Nikolaï"],
    "Mikhail": ["Mikhaïl", "Michail"],
    "Yevgeniy": ["Evgeny", "Evgueni"],
    "Yuriy": ["Yuri", "Iouri", "Yury"],
    "Gennadiy": ["Gennady", "Guennadi"],
    "Arkadiy": ["Arkady", "Arkadi"],
    "Vyacheslav": ["Viacheslav", "Viatcheslav"],
    "Anatoliy": ["Anatoly", "Anatoli"],
    "Grigoriy": ["Grigory", "Grigori"],
    "Fyodor": ["Fedor", "Fiodor"],
    "Natalya": ["Natalia", "Natalia"],
    "Yelena": ["Elena"],
    "Tatyana": ["Tatiana"],
    "Yuliya": ["Yulia", "Ioulia"],
    "Yekaterina": ["Ekaterina", "Iekaterina"],
    "Lyudmila": ["Ludmila", "Lioudmila"],
    "Aliaksandr": ["Aleksandr", "Alyaksandr"],
    "Siarhei": ["Sergei", "Syarhey"],
    "Dzmitry": ["Dmitri", "Dzmitriy"],
    "Oleksandr": ["Olexandr", "Aleksandr"],
    "Volodymyr": ["Vladimir", "Wolodymyr"],
    "Serhiy": ["Sergiy", "Serhii"],
    "Andriy": ["Andrii", "Andrij"],
    "SOLOVYOV": ["Soloviev", "Solovyev"],
    "KISELYOV": ["Kiselev", "Kisseliov"],
    "VASILYEV": ["Vasiliev", "Vassiliev"],
    "ZAYTSEV": ["Zaitsev", "Zaïtsev"],
    "ZOLOTARYOV": ["Zolotarev"],
    "TIMOFEYEV": ["Timofeev", "Timofeïev"],
    "YAKOVLEV": ["Iakovlev", "Jakowlew"],
    "SHCHERBAKOV": ["Chtcherbakov", "Shcherbakow"],
    "ZHUKOV": ["Joukov", "Zhukow"],
    "KUZNETSOV": ["Kouznetsov", "Kuznetsow"],
    "ZAKHAROV": ["Zakharow", "Sakharov"],
    "KOZLOV": ["Kozlow"],
    "OVCHINNIKOV": ["Ovtchinnikov"],
    "KHOURY": ["Khouri", "Khuri"],
    "HADDAD": ["Hadad"],
    "QASSEM": ["Kassem", "Qasim"],
    "MANSOUR": ["Mansur"],
    "DARWISH": ["Darwich", "Derwich"],
    "OTHMAN": ["Osman", "Uthman"],
    "HOSSEINI": ["Husseini", "Hosseyni"],
    "SADEGHI": ["Sadeqi"],
    "GHASEMI": ["Qasemi", "Ghassemi"],
    "MOTTAGHI": ["Mottaqi", "Motaghi"],
    "BAGHERI": ["Baqeri"],
    "JAFARI": ["Jaafari", "Djafari"],
}

FRENCH_PEOPLE = [
    "Élodie Núñez-Dupont", "Jean-Pierre Martin", "Camille Lefèvre", "François Dubois",
    "Hélène Garnier", "Mathieu Roux", "Anaïs Petit", "Nicolas Mercier", "Théo Lambert",
    "Céline Fontaine", "Yves Morel", "Sébastien Girard", "Chloé Bonnet", "Antoine Faure",
    "Inès Rousseau", "Julien Blanc", "Margaux Chevalier", "Lucas Gauthier", "Manon Perrin",
    "Karim Benali", "Mehdi Bouzid", "Nadia Haddouche", "Sofiane Amrani", "Léa Nguyen",
    "Olga Dupuis", "Thomas Kowalski", "Sarah Cohen", "Marc-Antoine Lemaire", "Yasmine Belkacem",
    "Samir Mebarki", "Ivan Moreau", "Natacha Lebrun", "Aurélien d'Harcourt", "Bernadette O'Neill",
]  # fmt: skip
FRENCH_COMPANIES = [
    "Transports Dupont SARL", "Boulangerie Martin et Fils", "Logistique Express Lyon SAS",
    "Société Nouvelle des Aciers du Nord", "Atelier Mécanique Girard", "Pharmacie Centrale",
    "Groupe Bernard Immobilier", "Compagnie Maritime de l'Ouest", "Énergies Renouvelables Bretagne",
    "Cabinet Lefèvre Avocats",
]  # fmt: skip
ACCENTED = {"e": "éèë", "i": "ïî", "a": "àâ", "o": "ôö", "u": "üû", "c": "ç", "n": "ñ"}
NEIGHBOUR_LETTERS = {
    "a": "ea", "e": "ai", "i": "ye", "o": "ua", "u": "oi", "y": "ij", "k": "qc", "c": "ks",
    "s": "zc", "z": "sj", "v": "wb", "b": "vp", "d": "tb", "t": "dr", "m": "nr", "n": "mr",
    "l": "rk", "r": "lt", "h": "kg", "g": "hk", "f": "vp", "p": "bf", "j": "gy",
}  # fmt: skip


def title(name: str) -> str:
    return " ".join("-".join(p.capitalize() for p in w.split("-")) for w in name.split())


def given_name(first_names: str) -> str:
    """The first given name: "Abd al-Karim Maher" → "Abd al-Karim", "Ivan Sergeyevich" → "Ivan"."""
    words = first_names.split()
    if len(words) > 1 and words[0].lower() in {"abd", "abu", "abou"}:
        return " ".join(words[:2])
    return words[0] if words else ""


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def native_spellings() -> dict[str, str]:
    """Latin spelling → Cyrillic or Arabic-script spelling, from the sample's own name lists."""
    table: dict[str, str] = {}
    for latin, native in (
        pools.RUSSIAN_MEN + pools.RUSSIAN_WOMEN + pools.BELARUSIAN_MEN + pools.BELARUSIAN_WOMEN
        + pools.UKRAINIAN_MEN + pools.UKRAINIAN_WOMEN + pools.UKRAINIAN_SURNAMES
        + pools.ARABIC_MEN + pools.ARABIC_WOMEN + pools.ARABIC_SURNAMES
        + pools.PERSIAN_MEN + pools.PERSIAN_WOMEN + pools.PERSIAN_SURNAMES
    ):  # fmt: skip
        table.setdefault(latin.upper(), native)
    for male, female, native_male, native_female in (
        pools.PATRONYMICS + pools.RUSSIAN_SURNAMES + pools.BELARUSIAN_SURNAMES
    ):
        table.setdefault(male.upper(), native_male)
        table.setdefault(female.upper(), native_female)
    table["IVAN"], table["PETROV"], table["SERGEYEVICH"] = "Иван", "Петров", "Сергеевич"
    table["OLENA"], table["KOVALENKO"] = "Олена", "Коваленко"
    table["AL-RASHID"] = "الرشيد"
    return table


class PairBuilder:
    """Writes queries from register entries, each labelled by the way it was written."""

    def __init__(
        self, entries: Iterable[RegisterEntry], sexes: dict[str, str], seed: int = SEED
    ) -> None:
        self.rng = random.Random(seed)
        self.sexes = sexes
        self.entries = list(entries)
        self.people = [e for e in self.entries if e.nature == "person"]
        self.entities = [e for e in self.entries if e.nature != "person"]
        self.native = native_spellings()
        self.pairs: list[Pair] = []
        self.seen: set[tuple[str, str, str | None]] = set()

    # --- shapes of names in clients' files ---------------------------------------------------

    def client_name(self, entry: RegisterEntry, *, with_middle: bool | None = None) -> str:
        """How a client's file would write this person: given name(s), then family name."""
        given = entry.first_names[0] if entry.first_names else ""
        if with_middle is None:
            with_middle = self.rng.random() < 0.35
        if not with_middle and not self.is_korean(entry):
            given = given_name(given)
        return " ".join([given, title(entry.last_name)]).strip()

    @staticmethod
    def is_korean(entry: RegisterEntry) -> bool:
        return "Corée du Nord" in entry.nationalities

    def birth_date_within(self, entry: RegisterEntry) -> str | None:
        """A full date consistent with the entry's (possibly partial) first birth date."""
        if not entry.birth_dates:
            return None
        known = entry.birth_dates[0]
        assert known.year is not None
        month = known.month or self.rng.randint(1, 12)
        day = known.day or self.rng.randint(1, 28)
        return date(known.year, month, day).isoformat()

    def birth_date_apart(self, entry: RegisterEntry) -> str:
        """A date at least three years from every birth date of the entry."""
        years = [d.year for d in entry.birth_dates if d.year is not None]
        while True:
            year = self.rng.randint(1940, 2004)
            if all(abs(year - y) >= 3 for y in years):
                return date(year, self.rng.randint(1, 12), self.rng.randint(1, 28)).isoformat()

    def random_birth_date(self) -> str | None:
        if self.rng.random() < 0.3:
            return None
        year = self.rng.randint(1940, 2004)
        return date(year, self.rng.randint(1, 12), self.rng.randint(1, 28)).isoformat()

    def add(
        self,
        name: str,
        entry: RegisterEntry,
        *,
        match: bool,
        variation: str,
        birth_date: str | None = None,
    ) -> bool:
        kind = "person" if entry.nature == "person" else "entity"
        key = (name, entry.entry_id, birth_date)
        if key in self.seen or not name.strip():
            return False
        self.seen.add(key)
        self.pairs.append(
            {
                "query": {"name": name, "birth_date": birth_date, "kind": kind},
                "entry_id": entry.entry_id,
                "match": match,
                "variation": variation,
            }
        )
        return True

    def fill(
        self,
        count: int,
        candidates: list[RegisterEntry],
        make: Callable[[RegisterEntry], str | None],
        variation: str,
        *,
        match: bool = True,
        birth_date: Callable[[RegisterEntry], str | None] | None = None,
    ) -> None:
        pool = candidates[:]
        self.rng.shuffle(pool)
        added = 0
        for entry in pool:
            if added == count:
                break
            name = make(entry)
            if name is None:
                continue
            dob = birth_date(entry) if birth_date else None
            added += self.add(name, entry, match=match, variation=variation, birth_date=dob)
        assert added == count, f"{variation}: only {added} of {count}"

    # --- variations of a sanctioned name -----------------------------------------------------

    def case(self, entry: RegisterEntry) -> str:
        name = self.client_name(entry)
        return self.rng.choice([name.lower(), name.upper(), name.swapcase()])

    def accents(self, entry: RegisterEntry) -> str | None:
        name = self.client_name(entry)
        if name != strip_accents(name):
            return strip_accents(name)
        positions = [i for i, c in enumerate(name) if c in ACCENTED and i > 0]
        if not positions:
            return None
        chars = list(name)
        for i in self.rng.sample(positions, min(len(positions), self.rng.randint(1, 2))):
            chars[i] = self.rng.choice(ACCENTED[chars[i]])
        return "".join(chars)

    def word_order(self, entry: RegisterEntry) -> str | None:
        if not entry.first_names:
            return None
        given = entry.first_names[0]
        if self.rng.random() < 0.5:
            given = given_name(given) if not self.is_korean(entry) else given
        last = entry.last_name if self.rng.random() < 0.5 else title(entry.last_name)
        return f"{last} {given}"

    def hyphen(self, entry: RegisterEntry) -> str | None:
        name = self.client_name(entry, with_middle=True)
        if "-" in name:
            return name.replace("-", self.rng.choice([" ", ""]))
        if self.is_korean(entry):
            given = entry.first_names[0].split()
            return f"{given[0]}-{given[1].lower()} {title(entry.last_name)}"
        return None

    def apostrophe(self, entry: RegisterEntry) -> str | None:
        name = self.client_name(entry, with_middle=True)
        if "'" not in name:
            return None
        return name.replace("'", self.rng.choice(["", "’", " ", "`"]))

    def spelling(self, entry: RegisterEntry) -> str | None:
        """The name romanised another way (English, German or French usage)."""
        words = [given_name(entry.first_names[0]), entry.last_name] if entry.first_names else []
        changed = False
        out: list[str] = []
        for word in words:
            variants = SPELLING_VARIANTS.get(word) or SPELLING_VARIANTS.get(word.upper())
            if variants:
                out.append(self.rng.choice(variants))
                changed = True
            else:
                out.append(title(word))
        if not changed:
            return None
        name = " ".join(out)
        known = {v.lower() for v in entry.name_variants}
        return None if name.lower() in known else name

    def script(self, entry: RegisterEntry, letters: str) -> str | None:
        """The name written in Cyrillic or Arabic script, as a foreign ID document gives it."""
        if not entry.first_names:
            return None
        words = entry.first_names[0].split()
        if self.rng.random() < 0.5:
            words = words[:1]
        words.append(entry.last_name)
        native = [self.native.get(w.upper()) for w in words]
        if any(n is None for n in native):
            return None
        name = " ".join(n for n in native if n)
        in_script = re.search(letters, name) is not None
        if not in_script or name in entry.aliases:
            return None
        if self.rng.random() < 0.4:
            parts = name.split()
            name = " ".join(parts[-1:] + parts[:-1])
        return name

    def cyrillic(self, entry: RegisterEntry) -> str | None:
        return self.script(entry, "[\u0400-\u04ff]")

    def arabic(self, entry: RegisterEntry) -> str | None:
        return self.script(entry, "[\u0600-\u06ff]")

    def misspelling(self, entry: RegisterEntry) -> str:
        name = self.client_name(entry)
        edits = 1 if len(name) < 10 else self.rng.randint(1, 2)
        return self.misspell(name, edits)

    def misspell(self, name: str, edits: int) -> str:
        chars = list(name)
        for _ in range(edits):
            # Never the first letter, nor in a word of one or two letters ("O", "Ri"), which a
            # typo would make unrecognisable rather than misspelt.
            words = re.finditer(r"[^\s-]+", "".join(chars))
            letters = [
                i
                for w in words
                if len(w.group()) > 2
                for i in range(w.start(), w.end())
                if i > 0 and chars[i].isalpha()
            ]
            i = self.rng.choice(letters)
            operation = self.rng.choice(["replace", "drop", "double", "swap"])
            lower = chars[i].lower()
            if operation == "replace" and lower in NEIGHBOUR_LETTERS:
                new = self.rng.choice(NEIGHBOUR_LETTERS[lower])
                chars[i] = new.upper() if chars[i].isupper() else new
            elif operation == "drop":
                del chars[i]
            elif operation == "double":
                chars.insert(i, chars[i].lower())
            elif i + 1 < len(chars) and chars[i + 1].isalpha():
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
            else:
                del chars[i]
        return "".join(chars)

    def combined(self, entry: RegisterEntry) -> str | None:
        """Family name first, a typo, and accents or another case, all at once."""
        if not entry.first_names:
            return None
        name = self.misspell(f"{title(entry.last_name)} {given_name(entry.first_names[0])}", 1)
        if self.rng.random() < 0.5:
            return name.upper()
        positions = [i for i, c in enumerate(name) if c in "ei" and i > 0]
        if positions:
            i = self.rng.choice(positions)
            name = name[:i] + {"e": "é", "i": "ï"}[name[i]] + name[i + 1 :]
        return name

    def extra_given_name(self, entry: RegisterEntry) -> str | None:
        """The client's full civil name has a second given name the register does not list."""
        if not entry.first_names or len(entry.first_names[0].split()) > 1:
            return None
        if self.is_korean(entry):
            return None
        others = [n for n in self.given_names_like(entry) if " " not in n]
        if not others:
            return None
        return f"{entry.first_names[0]} {self.rng.choice(others)} {title(entry.last_name)}"

    def particle(self, entry: RegisterEntry) -> str | None:
        """The Arabic article left out of the family name: "Al-Masri" → "Masri"."""
        if not entry.first_names or not re.match(r"(AL|EL)-", entry.last_name):
            return None
        return f"{given_name(entry.first_names[0])} {title(entry.last_name[3:])}"

    def alias(self, entry: RegisterEntry) -> str | None:
        aliases = [a for a in entry.aliases if len(a.replace(" ", "")) > 4]
        if not aliases:
            return None
        alias = self.rng.choice(aliases)
        if self.rng.random() < 0.4:
            alias = alias.upper() if not re.search(r"[\u0600-\u06ff]", alias) else alias
        return alias

    def entity_legal_form(self, entry: RegisterEntry) -> str:
        words = entry.last_name.split()
        forms = {"OOO", "AO", "PAO", "ZAO", "LLC", "LTD", "CO.", "PJSC", "SARL"}
        core = [w for w in words if w not in forms]
        other = self.rng.choice(["LLC", "Ltd", "JSC", "", "Co."])
        return title(" ".join([*core, other]).strip())

    # --- other people ------------------------------------------------------------------------

    def same_name(self, a: str, b: str) -> bool:
        """Two given names that are spellings of one name, or differ by a letter or two."""
        a, b = strip_accents(a).lower(), strip_accents(b).lower()
        if Levenshtein.distance(a, b) <= 2:
            return True
        for key, variants in SPELLING_VARIANTS.items():
            group = {key.lower(), *(strip_accents(v).lower() for v in variants)}
            if a in group and b in group:
                return True
        return False

    def given_names_like(self, entry: RegisterEntry) -> list[str]:
        given = given_name(entry.first_names[0]) if entry.first_names else ""
        found = {
            given_name(e.first_names[0])
            for e in self.people
            if e.first_names
            and e.nationalities == entry.nationalities
            # Same sex, so that the query is a plausible other person.
            and self.sexes.get(e.entry_id) == self.sexes.get(entry.entry_id)
        }
        return sorted(n for n in found if not self.same_name(n, given))

    def other_given_name(self, entry: RegisterEntry) -> str | None:
        options = self.given_names_like(entry)
        if not options or self.is_korean(entry):
            return None
        return f"{self.rng.choice(options)} {title(entry.last_name)}"

    def other_family_name(self, entry: RegisterEntry) -> str | None:
        if not entry.first_names or self.is_korean(entry):
            return None
        last = entry.last_name
        options = sorted(
            {
                e.last_name
                for e in self.people
                if e.nationalities == entry.nationalities
                and Levenshtein.distance(e.last_name, last) > 2
                and e.last_name.endswith("A") == last.endswith("A")
            }
        )
        if not options:
            return None
        return f"{given_name(entry.first_names[0])} {title(self.rng.choice(options))}"

    def nearest(
        self, name: str, pool: list[RegisterEntry], exclude: RegisterEntry | None
    ) -> RegisterEntry:
        """The entry closest to ``name`` by plain spelling, to make a hard negative."""

        def closeness(entry: RegisterEntry) -> float:
            return max(fuzz.token_sort_ratio(name, v) for v in entry.name_variants)

        others = [e for e in pool if e is not exclude and not self.shares_a_name(e, exclude)]
        return max(others, key=closeness)

    def shares_a_name(self, entry: RegisterEntry, other: RegisterEntry | None) -> bool:
        if other is None:
            return False
        if entry.nature != "person":
            return entry.last_name == other.last_name
        if entry.last_name == other.last_name:
            return True
        mine = {w.lower() for n in entry.first_names for w in n.split()}
        theirs = {w.lower() for n in other.first_names for w in n.split()}
        return bool(mine & theirs)


def required_pairs(builder: PairBuilder) -> None:
    """The entries other code relies on, screened the way the rest of the product does."""
    by_name = {e.display_name: e for e in builder.entries}
    petrov = by_name["Ivan Sergeyevich PETROV"]
    rashid = by_name["Mohammed AL-RASHID"]
    kovalenko = by_name["Olena KOVALENKO"]
    severnaya = by_name["SEVERNAYA LOGISTIKA OOO"]
    builder.add("Ivan Petrov", petrov, match=True, variation="birth_date_match",
                birth_date="1961-04-12")  # fmt: skip
    builder.add("Иван Сергеевич Петров", petrov, match=True, variation="transliteration")
    builder.add("Ivan Petrov", petrov, match=False, variation="namesake_other_birth_date",
                birth_date="1990-06-15")  # fmt: skip
    builder.add("Muhammad Al Rashid", rashid, match=True, variation="transliteration")
    builder.add("Mohammed Alrashid", rashid, match=True, variation="birth_date_match",
                birth_date="1975-08-30")  # fmt: skip
    builder.add("Mohammed Al-Rashid", rashid, match=False, variation="namesake_other_birth_date",
                birth_date="1988-01-09")  # fmt: skip
    builder.add("KOVALENKO Olena", kovalenko, match=True, variation="word_order",
                birth_date="1982-03-07")  # fmt: skip
    builder.add("Olena Kovalenko", kovalenko, match=False, variation="namesake_other_birth_date",
                birth_date="2001-03-07")  # fmt: skip
    builder.add("Severnaya Logistika", severnaya, match=True, variation="legal_form")
    builder.add("ООО «Северная Логистика»", severnaya, match=True, variation="transliteration")


def sexes_of(raw: dict[str, Any]) -> dict[str, str]:
    """IdRegistre → SEXE, which RegisterEntry does not keep."""
    sexes: dict[str, str] = {}
    for record in raw["Publications"]["PublicationDetail"]:
        for detail in record["RegistreDetail"]:
            if detail["TypeChamp"] == "SEXE":
                sexes[str(record["IdRegistre"])] = detail["Valeur"][0]["Sexe"]
    return sexes


def build_pairs(entries: Iterable[RegisterEntry], sexes: dict[str, str]) -> list[Pair]:
    b = PairBuilder(entries, sexes)
    required_pairs(b)
    people, entities = b.people, b.entities
    with_dates = [e for e in people if e.birth_dates]

    # Matches.
    b.fill(12, people, b.case, "case")
    b.fill(12, people, b.accents, "accents")
    b.fill(12, people, b.word_order, "word_order")
    b.fill(12, people, b.hyphen, "hyphen")
    b.fill(8, people, b.apostrophe, "apostrophe")
    b.fill(16, people, b.spelling, "transliteration")
    b.fill(10, people, b.cyrillic, "transliteration")
    b.fill(6, people, b.arabic, "transliteration")
    b.fill(24, people, b.misspelling, "misspelling")
    b.fill(12, people, b.combined, "word_order_misspelling_accents")
    b.fill(8, people, b.extra_given_name, "extra_given_name")
    b.fill(6, people, b.particle, "particle")
    b.fill(12, people, b.alias, "alias")
    b.fill(8, with_dates, b.client_name, "birth_date_match", birth_date=b.birth_date_within)
    b.fill(8, with_dates, b.misspelling, "birth_date_match", birth_date=b.birth_date_within)
    b.fill(5, with_dates, b.spelling, "birth_date_match", birth_date=b.birth_date_within)
    b.fill(5, entities, lambda e: e.last_name.lower(), "case")
    b.fill(6, entities, b.entity_legal_form, "legal_form")
    b.fill(6, entities, lambda e: b.misspell(e.last_name.title(), 2), "misspelling")
    b.fill(5, entities, b.alias, "alias")
    b.fill(2, [e for e in entities if "-" in e.last_name], lambda e: e.last_name.replace("-", " "),
           "hyphen")  # fmt: skip

    # No matches.
    b.fill(35, with_dates, b.client_name, "namesake_other_birth_date", match=False,
           birth_date=b.birth_date_apart)  # fmt: skip
    b.fill(20, people, b.other_given_name, "same_last_name_only", match=False,
           birth_date=lambda e: b.random_birth_date())  # fmt: skip
    b.fill(20, people, b.other_family_name, "same_first_name_only", match=False,
           birth_date=lambda e: b.random_birth_date())  # fmt: skip
    for entry in b.rng.sample(people, 15):
        name = b.client_name(entry)
        b.add(name, b.nearest(name, people, entry), match=False, variation="different_person",
              birth_date=b.random_birth_date())  # fmt: skip
    for name in FRENCH_PEOPLE:
        b.add(name, b.nearest(name, people, None), match=False, variation="unrelated_french_name",
              birth_date=b.random_birth_date())  # fmt: skip
    for entry in b.rng.sample(entities, 8):
        b.add(entry.last_name.title(), b.nearest(entry.last_name, entities, entry), match=False,
              variation="different_entity")  # fmt: skip
    for name in FRENCH_COMPANIES:
        b.add(name, b.nearest(name, entities, None), match=False, variation="unrelated_company")
    return b.pairs


def main() -> None:
    raw = json.loads(SAMPLE_REGISTER_PATH.read_text(encoding="utf-8"))
    pairs = build_pairs(parse_register(raw).entries, sexes_of(raw))
    text = json.dumps(pairs, ensure_ascii=False, indent=1)
    PAIRS_PATH.write_text(text + "\n", encoding="utf-8")
    positives = sum(p["match"] for p in pairs)
    print(f"{len(pairs)} pairs ({positives} matches) written to {PAIRS_PATH}")


if __name__ == "__main__":
    main()
