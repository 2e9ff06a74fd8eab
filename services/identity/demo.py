"""Demo data for `make run`: about 220 French clients of one agency (individuals and
professionals) with contacts and relations, created through the domain functions so that
each one is validated, given its items' ids (addresses, phones, emails, bank accounts, family
members) and announced by its event like any other client.

Numbers (NIR, IBAN, SIREN/SIRET) are generated with python-stdnum's check-digit functions, so
they are valid but belong to nobody. Loaded only when the tenant has no client yet.
"""

from __future__ import annotations

import copy
import logging
import random
from datetime import date, timedelta
from typing import cast

from stdnum import iban, luhn
from stdnum.fr import nir

from runtime.caller import Caller
from runtime.clock import today
from runtime.kit.common import Address
from runtime.kit.validators import normalize_phone
from services.identity import service
from services.identity.models import ClientInput, ClientItem, ItemList
from services.identity.repository import IdentityRepository

log = logging.getLogger(__name__)

DEMO_CLIENT_COUNT = 220

FIRST_NAMES_F = [
    "Élodie",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Sarah",
    "Julie",
    "Anaïs",
    "Émilie",
    "Hélène",
    "Céline",
    "Sophie",
    "Nathalie",
    "Isabelle",
    "Aurélie",
    "Mélanie",
    "Margaux",
    "Zoé",
    "Noémie",
    "Maëlle",
    "Françoise",
    "Geneviève",
    "Agnès",
    "Bérénice",
]
FIRST_NAMES_M = [
    "Lucas",
    "Hugo",
    "Théo",
    "Nathan",
    "Louis",
    "Jules",
    "Raphaël",
    "Arthur",
    "Mathéo",
    "Antoine",
    "Nicolas",
    "Julien",
    "Sébastien",
    "Jérôme",
    "François",
    "Benoît",
    "Loïc",
    "Gaël",
    "Yannick",
    "Thierry",
    "Stéphane",
    "Cédric",
    "Rémi",
    "Joël",
    "Hervé",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Le Gall",
    "N'Diaye",
    "Saint-Martin",
    "Lemaître",
    "Béranger",
    "Côté",
    "Hébert",
    "Pétain-Roux",
]
CITIES = [
    ("Paris", "75011", "75", "056"),
    ("Lyon", "69003", "69", "123"),
    ("Marseille", "13008", "13", "055"),
    ("Toulouse", "31000", "31", "555"),
    ("Nantes", "44000", "44", "109"),
    ("Bordeaux", "33000", "33", "063"),
    ("Lille", "59000", "59", "350"),
    ("Rennes", "35000", "35", "238"),
    ("Strasbourg", "67000", "67", "482"),
    ("Montpellier", "34000", "34", "172"),
    ("Nice", "06000", "06", "088"),
    ("Grenoble", "38000", "38", "185"),
    ("Dijon", "21000", "21", "231"),
    ("Angers", "49000", "49", "007"),
    ("Brest", "29200", "29", "019"),
]
# Each town's centre (latitude, longitude): a demo address lies within about 4 km of it, so
# that an area drawn around a town on a map selects that town's clients.
CENTRES = {
    "Paris": (48.8566, 2.3522),
    "Lyon": (45.7640, 4.8357),
    "Marseille": (43.2965, 5.3698),
    "Toulouse": (43.6047, 1.4442),
    "Nantes": (47.2184, -1.5536),
    "Bordeaux": (44.8378, -0.5792),
    "Lille": (50.6292, 3.0573),
    "Rennes": (48.1173, -1.6778),
    "Strasbourg": (48.5734, 7.7521),
    "Montpellier": (43.6108, 3.8767),
    "Nice": (43.7102, 7.2620),
    "Grenoble": (45.1885, 5.7245),
    "Dijon": (47.3220, 5.0415),
    "Angers": (47.4784, -0.5632),
    "Brest": (48.3904, -4.4861),
}
STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue Pasteur",
    "place de la Mairie",
    "rue des Écoles",
    "chemin des Vignes",
    "allée des Tilleuls",
    "rue du Général de Gaulle",
    "impasse des Lilas",
    "quai de la Loire",
    "rue Émile Zola",
]
PROFESSIONS = [
    ("Infirmière", "431f"),
    ("Professeur des écoles", "421a"),
    ("Ingénieur", "388a"),
    ("Artisan boulanger", "211d"),
    ("Comptable", "461d"),
    ("Médecin", "311a"),
    ("Commercial", "463a"),
    ("Retraité", "000"),
    ("Étudiant", "000"),
    ("Architecte", "312f"),
]
COMPANY_WORDS = [
    "Boulangerie",
    "Garage",
    "Transports",
    "Cabinet",
    "Pharmacie",
    "Menuiserie",
    "Plomberie",
    "Agence",
    "Atelier",
    "Brasserie",
    "Imprimerie",
    "Électricité",
]
LEGAL_FORMS = ["SARL", "SAS", "SASU", "EURL", "SA", "SCI"]
ORIGINS = ["salon de courtage", "apporteur", "recommandation", "site internet", "prospection"]
MANAGERS = ["advisor-claire", "advisor-karim", "advisor-lucie", "manager-paul"]
FUNCTIONS = [
    "Gérant",
    "Comptable",
    "Assistante de direction",
    "Conjoint",
    "Responsable flotte",
    "DRH",
]

# Clients with names on the sample asset-freeze register: their screening is "to verify".
REGISTER_LOOKALIKES = [
    ("M.", "Ivan", "Petrov", "1961-04-12", "1"),
    ("Mme", "Olena", "Kovalenko", "1982-03-07", "2"),
    ("M.", "Mohammed", "Al-Rashid", "1975-09-30", "1"),
]


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _phone(rng: random.Random, prefixes: str) -> str:
    """A French number in the national format, drawn until phonenumbers accepts it."""
    while True:
        number = f"0{rng.choice(prefixes)} {' '.join(_digits(rng, 2) for _ in range(4))}"
        if normalize_phone(number):
            return number


def _mobile(rng: random.Random) -> str:
    return _phone(rng, "67")


def _nir(rng: random.Random, sex: str, birth: date, dept: str, commune: str) -> str:
    body = f"{sex}{birth:%y}{birth:%m}{dept}{commune}{_digits(rng, 3)}"
    return body + nir.calc_check_digits(body)


def _iban(rng: random.Random) -> str:
    bban = _digits(rng, 23)
    return f"FR{iban.calc_check_digits('FR00' + bban)}{bban}"


def _siren(rng: random.Random) -> str:
    body = rng.choice("3456789") + _digits(rng, 7)
    return body + luhn.calc_check_digit(body)


def _siret(rng: random.Random, siren: str) -> str:
    body = siren + _digits(rng, 4)
    return body + luhn.calc_check_digit(body)


def _address(
    rng: random.Random, city: tuple[str, str, str, str], *, primary: bool, label: str
) -> Address:
    return {
        "label": label,
        "line1": f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
        "line2": "",
        "postal_code": city[1],
        "city": city[0],
        "country": "FR",
        "primary": primary,
        # Within about 4 km of the town's centre, for round planning.
        "latitude": round(CENTRES[city[0]][0] + rng.uniform(-0.035, 0.035), 5),
        "longitude": round(CENTRES[city[0]][1] + rng.uniform(-0.05, 0.05), 5),
    }


def _ascii_login(first: str, last: str) -> str:
    from anyascii import anyascii

    return anyascii(f"{first}.{last}").lower().replace(" ", "").replace("'", "")


def _individual(rng: random.Random, index: int) -> ClientInput:
    female = rng.random() < 0.5
    first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
    last = rng.choice(LAST_NAMES)
    birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 62))
    city = rng.choice(CITIES)
    profession, pcs = rng.choice(PROFESSIONS)
    client: ClientInput = {
        "kind": "individual",
        "civility": "Mme" if female else "M.",
        "first_name": first,
        "last_name": last,
        "registration_number": f"MAT-{index:05d}",
        "phones": [{"number": _mobile(rng), "kind": "mobile", "primary": True}],
        "emails": [
            {
                "address": f"{_ascii_login(first, last)}{index}@exemple.fr",
                "kind": "personal",
                "primary": True,
            }
        ],
        "addresses": [_address(rng, city, primary=True, label="Domicile")],
        "personal": {
            "marital_status": rng.choice(
                ["Célibataire", "Marié(e)", "Pacsé(e)", "Divorcé(e)", "Veuf(ve)"]
            ),
            "gender": "F" if female else "M",
            "birth_date": birth.isoformat(),
            "birth_place": city[0],
            "profession": profession,
            "pcs_code": pcs,
            "social_security_number": _nir(rng, "2" if female else "1", birth, city[2], city[3]),
            "social_security_regime": rng.choice(["Régime général", "MSA", "Indépendants"]),
        },
        "bank_accounts": [
            {
                "iban": _iban(rng),
                "bic": "BNPAFRPP",
                "holder": f"{first} {last}",
                "label": "Compte courant",
            }
        ],
        "management": {
            "account_manager": rng.choice(MANAGERS),
            "origin": rng.choice(ORIGINS),
            "comment": "",
        },
        "flags": {
            "preferred_channel": rng.choice(["email", "sms", "phone", "post"]),
            "portal_access": rng.random() < 0.4,
        },
    }
    if rng.random() < 0.3:
        client["addresses"].append(
            _address(rng, rng.choice(CITIES), primary=False, label="Résidence secondaire")
        )
    if rng.random() < 0.35:
        child_birth = birth + timedelta(days=365 * rng.randint(22, 35))
        if child_birth < today():
            client["family_members"] = [
                {
                    "first_name": rng.choice(FIRST_NAMES_F + FIRST_NAMES_M),
                    "last_name": last,
                    "relationship": "Enfant",
                    "birth_date": child_birth.isoformat(),
                    "birth_place": city[0],
                    "social_security_number": "",
                    "attached_to_insured_social_security": True,
                }
            ]
    if rng.random() < 0.1:
        client["important_notes"] = "Préfère être contacté(e) le matin."
    return client


def _professional(rng: random.Random, index: int) -> ClientInput:
    last = rng.choice(LAST_NAMES)
    legal_form = rng.choice(LEGAL_FORMS)
    legal_name = f"{rng.choice(COMPANY_WORDS)} {last} {legal_form}"
    siren = _siren(rng)
    city = rng.choice(CITIES)
    return {
        "kind": "professional",
        "dms_number": f"DMS{index:06d}",
        "phones": [
            {
                "number": _phone(rng, "12345"),
                "kind": "landline",
                "primary": True,
            }
        ],
        "emails": [
            {
                "address": f"contact{index}@{_ascii_login(last, legal_form)}.fr",
                "kind": "work",
                "primary": True,
            }
        ],
        "addresses": [_address(rng, city, primary=True, label="Siège")],
        "professional": {
            "legal_name": legal_name,
            "siren": siren,
            "siret": _siret(rng, siren),
            "legal_form": legal_form,
            "activity_code": rng.choice(["1071C", "4520A", "4941A", "6920Z", "4773Z", "4322A"]),
        },
        "bank_accounts": [
            {
                "iban": _iban(rng),
                "bic": "AGRIFRPP",
                "holder": legal_name,
                "label": "Compte professionnel",
            }
        ],
        "management": {
            "account_manager": rng.choice(MANAGERS),
            "origin": rng.choice(ORIGINS),
            "comment": "",
        },
        "flags": {
            "leasing_company": rng.random() < 0.05,
            "internal": rng.random() < 0.03,
            "communication_blocked": rng.random() < 0.05,
            "preferred_channel": rng.choice(["email", "phone"]),
        },
    }


def demo_clients(count: int = DEMO_CLIENT_COUNT, seed: int = 360) -> list[ClientInput]:
    """The demo clients, always the same for the same seed."""
    rng = random.Random(seed)
    clients: list[ClientInput] = [
        {
            "kind": "individual",
            "civility": "Mme",
            "first_name": "Élodie",
            "last_name": "Núñez-Dupont",
            "phones": [{"number": "+33612345678", "kind": "mobile", "primary": True}],
            "emails": [
                {"address": "elodie.nunez-dupont@exemple.fr", "kind": "personal", "primary": True}
            ],
            "addresses": [_address(rng, CITIES[0], primary=True, label="Domicile")],
            "personal": {"birth_date": "1984-05-17", "gender": "F", "profession": "Architecte"},
            "important_notes": "Cliente historique de l'agence.",
        }
    ]
    for civility, first, last, birth, sex in REGISTER_LOOKALIKES:
        clients.append(
            {
                "kind": "individual",
                "civility": civility,
                "first_name": first,
                "last_name": last,
                "addresses": [_address(rng, rng.choice(CITIES), primary=True, label="Domicile")],
                "personal": {"birth_date": birth, "gender": "F" if sex == "2" else "M"},
            }
        )
    index = len(clients)
    while len(clients) < count:
        index += 1
        clients.append(_professional(rng, index) if rng.random() < 0.3 else _individual(rng, index))
    # The last file is one typed again (lower case, a letter missing, another email), so that
    # the demo shows a duplicate suspect and a merge to try.
    original = next(
        c for c in clients[10:] if c.get("kind") == "individual" and len(c["last_name"]) >= 6
    )
    retyped: ClientInput = {
        "kind": "individual",
        "civility": original.get("civility", ""),
        "first_name": original["first_name"].lower(),
        "last_name": original["last_name"][:-2] + original["last_name"][-1],
        "phones": copy.deepcopy(original.get("phones", [])),
        "addresses": copy.deepcopy(original.get("addresses", [])),
        "personal": {"birth_date": (original.get("personal") or {}).get("birth_date", "")},
    }
    clients[-1] = retyped
    leasing = [c for c in clients if (c.get("flags") or {}).get("leasing_company")]
    for number, company in enumerate(leasing, start=1):
        company["flags"]["leasing_identifier"] = f"LLD-{number:04d}"
    return clients


async def load_demo_data(repo: IdentityRepository, *, tenant_id: str) -> int:
    """Create the demo clients, contacts and relations unless the tenant already has clients."""
    if await repo.count_clients(tenant_id, None):
        return 0
    caller = Caller(tenant_id=tenant_id, user_id="demo-loader", role="admin")
    rng = random.Random(17)
    created = [
        await service.create_client(repo=repo, caller=caller, data=data) for data in demo_clients()
    ]
    professionals = [c for c in created if c["kind"] == "professional"]
    for company in professionals:
        for order in range(rng.randint(1, 3)):
            await service.add_contact(
                repo=repo,
                caller=caller,
                client_id=company["id"],
                data={
                    "civility": rng.choice(["M.", "Mme"]),
                    "first_name": rng.choice(FIRST_NAMES_F + FIRST_NAMES_M),
                    "last_name": rng.choice(LAST_NAMES),
                    "function": rng.choice(FUNCTIONS),
                    "display_order": order + 1,
                    "phones": [{"number": _mobile(rng), "kind": "mobile"}],
                    "consents": {"e_signature": True, "commercial_emails": rng.random() < 0.5},
                    "recipient_roles": {"due_notices": order == 0, "unpaid_reminders": order == 0},
                },
                copy_client_address=True,
            )
    # Groups: a head office with subsidiaries, and a few associated files.
    for head, *subsidiaries in (
        professionals[i : i + 3] for i in range(0, min(len(professionals), 12), 3)
    ):
        for subsidiary in subsidiaries:
            await service.set_parent_client(
                repo=repo, caller=caller, client_id=subsidiary["id"], parent_client_id=head["id"]
            )
        # The head office's associations (seed 000): its account manager, and the products
        # its group may be sold.
        for list_name, item in (
            ("associated_users", {"user_id": rng.choice(MANAGERS), "role": "Chargé de clientèle"}),
            ("associated_products", {"product": "FLOTTE-AUTO", "available_until": "2027-12-31"}),
            ("associated_products", {"product": "RC-PRO", "available_until": ""}),
        ):
            current = await service.get_client(repo=repo, caller=caller, client_id=head["id"])
            await service.add_client_item(
                repo=repo,
                caller=caller,
                client_id=head["id"],
                version=current["version"],
                list_name=cast(ItemList, list_name),
                item=cast(ClientItem, item),
            )
    individuals = [c for c in created if c["kind"] == "individual"]
    for left, right in zip(individuals[4:20:2], individuals[5:21:2], strict=True):
        await service.associate_clients(
            repo=repo,
            caller=caller,
            client_id=left["id"],
            other_client_id=right["id"],
            associated=True,
        )
    log.info("demo data loaded", extra={"tenant": tenant_id, "clients": len(created)})
    return len(created)
