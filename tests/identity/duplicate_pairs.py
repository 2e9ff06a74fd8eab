"""A labelled set of client pairs for duplicate suspects: each pair is the same client typed
twice (a duplicate) or two different clients that look alike, with the case it stands for.

The pairs are drawn by a seeded generator, so the set is the same on every run; each case is
built the way such pairs arise at an agency's counter (a typo, a married name, a household
sharing a phone and an account, namesakes, twins, companies with near names...)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from stdnum import iban as stdnum_iban

from runtime.crypto import FieldCipher
from services.identity.demo import FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES
from services.identity.models import Client
from services.identity.search import search_keys

# The demo's names, and some that are hard to match: compound, particled, accented.
FIRST = [*FIRST_NAMES_F, *FIRST_NAMES_M]
LAST = [*LAST_NAMES, "Núñez", "Le Goff", "Saint-Martin", "N'Diaye", "Da Silva", "Lefèvre"]
TRADES = [
    "Boulangerie",
    "Garage",
    "Plomberie",
    "Pharmacie",
    "Transports",
    "Menuiserie",
    "Cabinet",
    "Librairie",
    "Électricité",
    "Carrosserie",
    "Fromagerie",
    "Imprimerie",
]
PLACES = [
    "du Centre",
    "de la Gare",
    "des Alpes",
    "Saint-Michel",
    "du Port",
    "de l'Étang",
    "Moderne",
    "des Halles",
    "du Lac",
    "Pasteur",
    "de la Poste",
    "du Marché",
]
FORMS = ("SARL", "SAS", "EURL", "SA", "")
CIPHER = FieldCipher("wG0VbZBWQ0RqcnQ5Y2Z1bWVqYXZ4c3VjaW14b3R5ZGY=")


@dataclass(frozen=True)
class Pair:
    case: str
    one: Client
    other: Client
    duplicate: bool


def stored(**fields: Any) -> Client:
    """A client as the store holds it: its fields, its match keys, its IBANs' blind index."""
    client: dict[str, Any] = {"id": fields.pop("id"), "kind": "individual", **fields}
    keys = set(search_keys(client))  # type: ignore[arg-type]
    keys |= {
        f"i:{CIPHER.blind(stdnum_iban.compact(a['iban']))}" for a in client.get("bank_accounts", [])
    }
    client["search_keys"] = sorted(keys)
    return client  # type: ignore[return-value]


class Draw:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.count = 0

    def id(self) -> str:
        self.count += 1
        return f"c{self.count:05d}"

    def first(self) -> str:
        return self.random.choice(FIRST)

    def last(self) -> str:
        return self.random.choice(LAST)

    def birth(self) -> str:
        r = self.random
        return f"{r.randint(1935, 2005)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"

    def phone(self) -> str:
        return "+336" + "".join(str(self.random.randint(0, 9)) for _ in range(8))

    def email(self, first: str, last: str) -> str:
        domain = self.random.choice(("gmail.com", "orange.fr", "free.fr", "laposte.net"))
        name = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        return f"{name}{self.random.randint(1, 99)}@{domain}"

    def iban(self) -> str:
        bban = "".join(str(self.random.randint(0, 9)) for _ in range(23))
        check = 98 - int("".join(str(int(c, 36)) for c in bban + "FR00")) % 97
        return f"FR{check:02d}{bban}"

    def siren(self) -> str:
        digits = [self.random.randint(0, 9) for _ in range(8)]
        total = sum(sum(divmod(d * (2 if i % 2 else 1), 10)) for i, d in enumerate(digits))
        return "".join(map(str, digits)) + str((10 - total % 10) % 10)

    def other_birth(self, birth: str) -> str:
        while (other := self.birth())[:4] == birth[:4]:
            pass
        return other

    def person(self, **over: Any) -> dict[str, Any]:
        first, last = over.pop("first", self.first()), over.pop("last", self.last())
        birth = over.pop("birth", self.birth())
        person: dict[str, Any] = {
            "id": self.id(),
            "first_name": first,
            "last_name": last,
            "personal": {"birth_date": birth} if birth else {},
            "phones": [{"number": over.pop("phone", self.phone())}],
            "emails": [{"address": over.pop("email", self.email(first, last))}],
            "bank_accounts": [{"iban": over.pop("iban", self.iban())}],
        }
        person.update(over)
        return person

    def company(self, name: str, siren: str, **over: Any) -> dict[str, Any]:
        company: dict[str, Any] = {
            "id": self.id(),
            "kind": "professional",
            "professional": {"legal_name": name, "siren": siren} if siren else {"legal_name": name},
            "phones": [{"number": over.pop("phone", self.phone())}],
            "emails": [],
        }
        company.update(over)
        return company

    def typo(self, word: str) -> str:
        letters = list(word)
        at = self.random.randrange(1, len(letters) - 1) if len(letters) > 2 else 0
        if self.random.random() < 0.5 and at + 1 < len(letters):
            letters[at], letters[at + 1] = letters[at + 1], letters[at]
            if letters == list(word):
                letters[at] = "e" if letters[at] != "e" else "a"
        else:
            letters[at] = "e" if letters[at] not in "eé" else "a"
        return "".join(letters)

    def company_name(self) -> str:
        return f"{self.random.choice(TRADES)} {self.random.choice(PLACES)}"


def _shout(text: str) -> str:
    return text.upper()


def _plain(text: str) -> str:
    from anyascii import anyascii

    return str(anyascii(text))


def _pairs(draw: Draw) -> Iterator[Pair]:
    r = draw.random

    def pair(case: str, one: dict[str, Any], other: dict[str, Any], *, duplicate: bool) -> Pair:
        return Pair(case, stored(**one), stored(**other), duplicate)

    def times(n: int, make: Callable[[], Pair]) -> Iterator[Pair]:
        for _ in range(n):
            yield make()

    # Duplicates.
    def accents_and_case() -> Pair:
        a = draw.person()
        change = r.choice((_shout, _plain, str.lower))
        b = draw.person(
            first=change(a["first_name"]),
            last=change(a["last_name"]),
            birth=a["personal"]["birth_date"],
        )
        return pair("accents and case", a, b, duplicate=True)

    def typo_in_last_name() -> Pair:
        a = draw.person(last=r.choice([n for n in LAST if len(n) >= 5]))
        b = draw.person(
            first=a["first_name"], last=draw.typo(a["last_name"]), birth=a["personal"]["birth_date"]
        )
        return pair("typo in the last name", a, b, duplicate=True)

    def swapped() -> Pair:
        a = draw.person()
        b = draw.person(
            first=a["last_name"], last=a["first_name"], birth=a["personal"]["birth_date"]
        )
        return pair("first and last name swapped", a, b, duplicate=True)

    def no_birth_same_phone() -> Pair:
        a = draw.person()
        b = draw.person(
            first=a["first_name"], last=a["last_name"], birth="", phone=a["phones"][0]["number"]
        )
        return pair("birth date missing, same phone", a, b, duplicate=True)

    def same_email_no_births() -> Pair:
        a = draw.person(birth="")
        b = draw.person(
            first=a["first_name"], last=a["last_name"], birth="", email=a["emails"][0]["address"]
        )
        return pair("no birth dates, same email", a, b, duplicate=True)

    def married_name() -> Pair:
        a = draw.person()
        b = draw.person(
            first=a["first_name"],
            birth=a["personal"]["birth_date"],
            phone=a["phones"][0]["number"],
            email=a["emails"][0]["address"],
        )
        return pair("married name, same birth date, phone and email", a, b, duplicate=True)

    def company_same_siren() -> Pair:
        name, siren = draw.company_name(), draw.siren()
        a = draw.company(f"{name} {r.choice(FORMS)}".strip(), siren)
        b = draw.company(_shout(_plain(name)), siren)
        return pair("company, same SIREN, legal form dropped", a, b, duplicate=True)

    def company_typo_same_phone() -> Pair:
        name = draw.company_name()
        a = draw.company(name, draw.siren())
        words = name.split()
        words[0] = draw.typo(words[0])
        b = draw.company(" ".join(words), "", phone=a["phones"][0]["number"])
        return pair("company name typo, SIREN missing, same phone", a, b, duplicate=True)

    def compound_given_names() -> Pair:
        first, second = draw.first(), draw.first()
        a = draw.person(first=f"{first}-{second}")
        b_first = r.choice((f"{first} {second}", first, f"{first}{second.lower()}"))
        b = draw.person(first=b_first, last=a["last_name"], birth=a["personal"]["birth_date"])
        return pair("compound given name written otherwise or shortened", a, b, duplicate=True)

    def birth_date_typo() -> Pair:
        year, month, day = r.randint(1940, 2000), r.randint(1, 12), r.randint(13, 28)
        a = draw.person(birth=f"{year}-{month:02d}-{day}")
        y, m, d = a["personal"]["birth_date"].split("-")
        typo = r.choice(
            (
                f"{y}-{d}-{m}" if int(d) <= 12 else f"{y}-{m}-{int(d) - 10:02d}",
                f"{y[:3]}{(int(y[3]) + 1) % 10}-{m}-{d}",
            )
        )
        b = draw.person(
            first=a["first_name"], last=a["last_name"], birth=typo, phone=a["phones"][0]["number"]
        )
        return pair("birth date typo, same phone", a, b, duplicate=True)

    # Different clients.
    def namesakes() -> Pair:
        a = draw.person()
        b = draw.person(
            first=a["first_name"],
            last=a["last_name"],
            birth=draw.other_birth(a["personal"]["birth_date"]),
        )
        return pair("namesakes born years apart", a, b, duplicate=False)

    def household() -> Pair:
        a = draw.person()
        b = draw.person(
            last=a["last_name"], phone=a["phones"][0]["number"], iban=a["bank_accounts"][0]["iban"]
        )
        if b["first_name"] == a["first_name"]:
            b["first_name"] = "Zoé"
        return pair("household: same last name, phone and account", a, b, duplicate=False)

    def near_first_names() -> Pair:
        first, near = r.choice(
            (
                ("Martin", "Martine"),
                ("Daniel", "Danielle"),
                ("Noël", "Noëlle"),
                ("Michel", "Michèle"),
                ("Frédéric", "Frédérique"),
                ("Dominique", "Dominik"),
                ("Jean", "Jeanne"),
            )
        )
        a = draw.person(first=first)
        b = draw.person(
            first=near, last=a["last_name"], birth=draw.other_birth(a["personal"]["birth_date"])
        )
        return pair("near first names, same last name, other birth year", a, b, duplicate=False)

    def twins() -> Pair:
        a = draw.person()
        b = draw.person(
            last=a["last_name"], birth=a["personal"]["birth_date"], phone=a["phones"][0]["number"]
        )
        if b["first_name"][:3] == a["first_name"][:3]:
            b["first_name"] = "Zoé"
        return pair("twins: same last name, birth date and phone", a, b, duplicate=False)

    def near_companies() -> Pair:
        name = draw.company_name()
        a = draw.company(name, draw.siren())
        b = draw.company(f"{name} {r.choice(('Auto', 'Services', 'et Fils', 'Sud'))}", draw.siren())
        return pair("companies with near names, other SIREN", a, b, duplicate=False)

    def shop_named_like_a_person() -> Pair:
        person = draw.person()
        trade = r.choice(("Agence", "Atelier", "Cabinet", "Garage", "Boulangerie"))
        shop = draw.company(f"{trade} {person['last_name']} SARL", draw.siren())
        return pair("a shop named after a family name, and a person", person, shop, duplicate=False)

    def sole_trader() -> Pair:
        person = draw.person()
        trader = draw.company(
            f"{person['first_name']} {person['last_name']} EI",
            "",
            phone=person["phones"][0]["number"],
        )
        return pair(
            "a sole trader under their own name, same phone", person, trader, duplicate=True
        )

    def strangers() -> Pair:
        return pair("two unrelated clients", draw.person(), draw.person(), duplicate=False)

    def father_and_son() -> Pair:
        a = draw.person()
        b = draw.person(
            first=a["first_name"],
            last=a["last_name"],
            birth=draw.other_birth(a["personal"]["birth_date"]),
            phone=a["phones"][0]["number"],
        )
        return pair(
            "father and son: same name and home phone, other birth year", a, b, duplicate=False
        )

    def near_last_names() -> Pair:
        last, near = r.choice(
            (
                ("Dupont", "Dupond"),
                ("Durand", "Durant"),
                ("Moreau", "Moreaux"),
                ("Bernard", "Bernardi"),
                ("Petit", "Petitot"),
            )
        )
        a = draw.person(last=last)
        b = draw.person(
            first=a["first_name"], last=near, birth=draw.other_birth(a["personal"]["birth_date"])
        )
        return pair("near last names, other birth year", a, b, duplicate=False)

    for count, make in (
        (15, accents_and_case),
        (15, typo_in_last_name),
        (10, swapped),
        (10, no_birth_same_phone),
        (10, same_email_no_births),
        (10, married_name),
        (15, company_same_siren),
        (10, company_typo_same_phone),
        (15, compound_given_names),
        (10, birth_date_typo),
        (20, namesakes),
        (20, household),
        (15, near_first_names),
        (10, twins),
        (15, near_companies),
        (25, strangers),
        (15, shop_named_like_a_person),
        (10, sole_trader),
        (10, father_and_son),
        (10, near_last_names),
    ):
        yield from times(count, make)


def labelled_pairs(seed: int = 360) -> list[Pair]:
    return list(_pairs(Draw(seed)))
