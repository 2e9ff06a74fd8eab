"""Demo data for `make run`: the contracts and claims of the demo agency's clients, written as
identity announces each client its demo loader creates (consumers.py), in the same
transaction as the copy of that client. Everything goes through the domain's checks and
events like any other record.

Each client's records are drawn from a generator seeded by its reference, so a redelivered
event or a fresh start gives the same ones; dates are spread around today so that every
marker shows: about one contract in six not renewed, one in four to renew, one in ten
terminated and a few terminating; some consumers' contracts are shared with the previous
individual client of the agency (a child insured on a parent's contract); one motor, home or
business contract in three has a claim, open or closed. About one client in six has a
complaint at some point of its path (fresh, overdue to acknowledge, overdue to answer,
answered, closed), one in five a quote (draft, sent, expired, refused or accepted into a
contract), and each fleet contract a few vehicles, some of which have left it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from runtime.caller import Caller
from runtime.kit.validators import reject_invalid
from runtime.store import Transaction
from services.contracts import claims, complaints, fleet, quotes, service
from services.contracts.dates import add_months, add_years
from services.contracts.models import (
    ACKNOWLEDGED,
    ANSWERED,
    CLOSED,
    IN_FORCE,
    INSURED_REQUEST,
    REFUSED,
    SENT,
    TERMINATED,
    Claim,
    ClientCopy,
    Complaint,
    Contract,
    Participant,
    Quote,
    Vehicle,
)
from services.contracts.repository import ContractsRepository
from services.contracts.validation import (
    check_claim,
    check_complaint,
    check_contract,
    check_quote,
    check_vehicle,
)

# The user identity's demo loader creates the demo clients as (its events' actor).
IDENTITY_DEMO_LOADER: Final = "demo-loader"
DEMO_USER: Final = "demo-loader"

# Insurers, and the partner id under which each one's portal users see their contracts
# (`make token ROLE=partner USER=insurer-axa`).
INSURERS: Final = (
    ("AXA France", "insurer-axa", "AXA"),
    ("Allianz IARD", "insurer-allianz", "ALZ"),
    ("MMA IARD", "insurer-mma", "MMA"),
    ("Generali France", "insurer-generali", "GEN"),
    ("Groupama", "insurer-groupama", "GPA"),
    ("MAAF Assurances", "insurer-maaf", "MAF"),
    ("Swiss Life", "insurer-swisslife", "SWL"),
    ("April", "insurer-april", "APR"),
)
PRODUCTS: Final = {
    "motor": ("Auto Tous Risques", "Auto Tiers Plus", "Auto Jeune Conducteur"),
    "home": ("Multirisque Habitation", "Habitation Locataire", "Propriétaire Non Occupant"),
    "health": ("Complémentaire Santé Famille", "Santé Sénior", "Santé Essentielle"),
    "life": ("Assurance Vie Multisupport", "Épargne Retraite PER"),
    "provident": ("Prévoyance Emprunteur", "Garantie Obsèques"),
    "affinity": ("Assurance Smartphone", "Assurance Annulation Voyage"),
    "liability": ("RC Professionnelle", "RC Décennale"),
    "property": ("Multirisque Professionnelle", "Multirisque Commerce"),
    "fleet": ("Flotte Automobile",),
}
# Yearly premium range in euros, by branch.
PREMIUMS: Final = {
    "motor": (350, 1400),
    "home": (150, 600),
    "health": (600, 2400),
    "life": (1200, 6000),
    "provident": (200, 900),
    "affinity": (60, 180),
    "liability": (500, 3000),
    "property": (800, 5000),
    "fleet": (4000, 25000),
}
_CLAIMABLE: Final = {
    "motor": "collision",
    "home": "water_damage",
    "property": "fire",
    "fleet": "collision",
}
_CLAIM_PATHS: Final = (
    (),
    ("opened",),
    ("opened", "expert_appointed"),
    ("opened", "expert_appointed", "offer_made"),
    ("opened", "offer_made", "agreed", "paid", CLOSED),
    ("opened", CLOSED),
    ("refused", CLOSED),
)


def _branches(rng: random.Random, client: ClientCopy) -> list[str]:
    if client["kind"] == "professional":
        chosen = ["property"] if rng.random() < 0.8 else []
        chosen += ["liability"] if rng.random() < 0.6 else []
        chosen += ["fleet"] if rng.random() < 0.15 else []
        return chosen or ["liability"]
    chosen = [b for b, p in (("motor", 0.7), ("home", 0.65), ("health", 0.35)) if rng.random() < p]
    chosen += [
        b for b, p in (("life", 0.12), ("provident", 0.1), ("affinity", 0.08)) if rng.random() < p
    ]
    return chosen or ["home"]


def _due_date(rng: random.Random, today: date) -> tuple[date, str]:
    """A due date around today and what the contract's end looks like."""
    draw = rng.random()
    if draw < 0.16:
        return today - timedelta(days=rng.randint(1, 45)), "not_renewed"
    if draw < 0.42:
        return today + timedelta(days=rng.randint(0, 60)), "to_renew"
    if draw < 0.52:
        return today - timedelta(days=rng.randint(20, 400)), "terminated"
    if draw < 0.56:
        return today + timedelta(days=rng.randint(20, 60)), "terminating"
    return today + timedelta(days=rng.randint(61, 364)), "up_to_date"


def _notice(rng: random.Random, due: date, today: date) -> str:
    """When the renewal notice of a due date within 75 days was sent: mostly on time, some
    late (Chatel's 20 days), some never."""
    if not -45 <= (due - today).days <= 75:
        return ""
    deadline = add_months(due, -2)
    draw = rng.random()
    if draw < 0.6:
        sent = deadline - timedelta(days=rng.randint(16, 30))
    elif draw < 0.8:
        sent = deadline - timedelta(days=rng.randint(0, 10))
    else:
        return ""
    return min(sent, today).isoformat()


def _participants(branch: str, client: ClientCopy) -> list[Participant]:
    roles = ["policyholder", "payer"]
    if client["kind"] == "individual":
        roles.insert(1, "insured")
        if branch == "motor":
            roles.append("driver")
    return [{"client_id": client["id"], "roles": roles, "valid_from": "", "valid_to": ""}]


def demo_contract(rng: random.Random, client: ClientCopy, branch: str, today: date) -> Contract:
    insurer, partner, prefix = rng.choice(INSURERS)
    due, shape = _due_date(rng, today)
    effective = add_years(due, -rng.randint(1, 8))
    low, high = PREMIUMS[branch]
    frequency = rng.choices(["monthly", "annual", "quarterly"], weights=[50, 35, 15])[0]
    contract: Contract = {
        "policy_number": f"{prefix}{rng.randint(10_000_000, 99_999_999)}",
        "insurer": insurer,
        "product": rng.choice(PRODUCTS[branch]),
        "branch": branch,
        "status": IN_FORCE,
        "status_label": "",
        "effective_date": effective.isoformat(),
        "due_date": due.isoformat(),
        "tacit_renewal": branch != "life" and rng.random() < 0.92,
        "premium": {
            "amount_minor": rng.randint(low, high) * 100 + rng.choice([0, 50, 90]),
            "currency": "EUR",
        },
        "payment_frequency": frequency,
        "premium_collector": "broker" if rng.random() < 0.6 else "insurer",
        "consumer": client["kind"] == "individual",
        "participants": _participants(branch, client),
        "renewal_notice_sent_on": "",
        "partner_ids": [partner],
    }
    if shape == "terminated":
        contract["status"] = TERMINATED
        contract["termination_date"] = due.isoformat()
        contract["termination_reason"] = rng.choice(
            ["replaced_elsewhere", "insurer_decision", "non_payment", "sale_of_insured_object"]
        )
    elif shape == "terminating":
        received = min(add_months(due, -2) - timedelta(days=rng.randint(0, 20)), today)
        contract["termination_date"] = due.isoformat()
        contract["termination_reason"] = INSURED_REQUEST
        contract["termination_request"] = {
            "received_on": received.isoformat(),
            "rule": "annual",
            "end_date": due.isoformat(),
            "recorded_by": DEMO_USER,
            "recorded_at": f"{received.isoformat()}T09:30:00.000000+00:00",
        }
    else:
        contract["renewal_notice_sent_on"] = _notice(rng, due, today)
    return contract


def _family_contract(
    rng: random.Random, parent: ClientCopy, child: ClientCopy, today: date
) -> Contract:
    """A health contract the previous individual holds, with this client insured on it."""
    contract = demo_contract(rng, parent, "health", today)
    contract["status"] = IN_FORCE
    contract.pop("termination_date", None)
    contract.pop("termination_reason", None)
    contract.pop("termination_request", None)
    contract["participants"] = [
        *contract["participants"],
        {"client_id": child["id"], "roles": ["insured"], "valid_from": "", "valid_to": ""},
    ]
    return contract


async def _claim(
    txn: Transaction,
    rng: random.Random,
    repo: ContractsRepository,
    caller: Caller,
    contract: Contract,
    today: date,
) -> None:
    start = date.fromisoformat(contract["effective_date"])
    end = min(today, date.fromisoformat(contract.get("termination_date") or today.isoformat()))
    if (end - start).days < 30:
        return
    loss = end - timedelta(days=rng.randint(1, min(400, (end - start).days - 1)))
    path = rng.choice(_CLAIM_PATHS)
    assessed = rng.randint(300, 9000) * 100
    claim: Claim = {
        "contract_id": contract["id"],
        "insurer_claim_number": f"S{rng.randint(1_000_000, 9_999_999)}",
        "type": _CLAIMABLE[contract["branch"]],
        "loss_date": loss.isoformat(),
        "reported_date": min(loss + timedelta(days=rng.randint(0, 5)), today).isoformat(),
        "description": "Sinistre déclaré par le client.",
        "assessed_amount": {"amount_minor": assessed, "currency": "EUR"} if path else None,
        "agreed_amount": {"amount_minor": assessed, "currency": "EUR"} if "paid" in path else None,
        "paid_amount": {"amount_minor": assessed, "currency": "EUR"} if "paid" in path else None,
        "participants": [],
    }
    reject_invalid(check_claim(claim))
    stored = await claims.declare_claim_in(
        txn, repo=repo, caller=caller, claim=claim, contract=contract
    )
    for status in path:
        stored = await claims.change_claim_status_in(
            txn, repo=repo, caller=caller, claim=stored, status=status
        )


_SUBJECTS: Final = (
    "Délai de remboursement du sinistre",
    "Augmentation de la cotisation à l'échéance",
    "Refus de prise en charge",
    "Résiliation non prise en compte",
    "Erreur sur l'avis d'échéance",
    "Accueil téléphonique",
)
_CHANNELS: Final = ("email", "letter", "phone", "in_person", "web_form")
# (shape, days since received: lowest, highest)
_COMPLAINT_SHAPES: Final = (
    ("fresh", 0, 8),
    ("acknowledgement_overdue", 16, 40),
    ("acknowledged", 5, 50),
    ("answer_overdue", 65, 100),
    ("answered", 20, 200),
    ("closed", 40, 300),
)
_MEDIATOR: Final = "La Médiation de l'Assurance"


async def _complaint(
    txn: Transaction,
    rng: random.Random,
    repo: ContractsRepository,
    caller: Caller,
    client: ClientCopy,
    held: list[Contract],
    today: date,
) -> None:
    shape, low, high = rng.choice(_COMPLAINT_SHAPES)
    received = today - timedelta(days=rng.randint(low, high))
    channel = rng.choice(_CHANNELS)
    about = rng.choice(held) if held and rng.random() < 0.7 else None
    complaint: Complaint = {
        "client_id": client["id"],
        "received_on": received.isoformat(),
        "sent_on": (received - timedelta(days=rng.randint(1, 3))).isoformat()
        if channel == "letter"
        else "",
        "channel": channel,
        "subject": rng.choice(_SUBJECTS),
        "description": "Réclamation reçue du client.",
        "contract_id": about["id"] if about else "",
        "claim_id": "",
    }
    reject_invalid(check_complaint(complaint))
    stored = await complaints.record_complaint_in(
        txn, repo=repo, caller=caller, complaint=complaint
    )
    if shape in ("fresh", "acknowledgement_overdue"):
        return
    stored = await complaints.move_complaint_in(
        txn,
        complaint=stored,
        status=ACKNOWLEDGED,
        field="acknowledgedOn",
        on=min(received + timedelta(days=rng.randint(1, 6)), today).isoformat(),
        repo=repo,
        caller=caller,
        today=today,
    )
    if shape in ("acknowledged", "answer_overdue"):
        return
    outcome = rng.choice(["upheld", "partly_upheld", "rejected"])
    answered = min(received + timedelta(days=rng.randint(15, 55)), today)
    stored = await complaints.move_complaint_in(
        txn,
        complaint=stored,
        status=ANSWERED,
        field="answeredOn",
        on=answered.isoformat(),
        extra={
            "outcome": outcome,
            "mediator": _MEDIATOR if outcome == "rejected" else "",
            "answer_summary": "Réponse adressée au client par courrier.",
        },
        repo=repo,
        caller=caller,
        today=today,
    )
    if shape == "closed":
        await complaints.move_complaint_in(
            txn,
            complaint=stored,
            status=CLOSED,
            field="closedOn",
            on=min(answered + timedelta(days=rng.randint(1, 30)), today).isoformat(),
            repo=repo,
            caller=caller,
            today=today,
        )


async def _quote(
    txn: Transaction,
    rng: random.Random,
    repo: ContractsRepository,
    caller: Caller,
    client: ClientCopy,
    today: date,
) -> None:
    branch = "property" if client["kind"] == "professional" else rng.choice(["motor", "home"])
    insurer, partner, _ = rng.choice(INSURERS)
    low, high = PREMIUMS[branch]
    shape = rng.choice(["draft", SENT, "expired", REFUSED, "accepted"])
    valid_until = today + timedelta(days=rng.randint(5, 30))
    if shape == "expired":
        valid_until = today - timedelta(days=rng.randint(1, 30))
    quote: Quote = {
        "insurer": insurer,
        "product": rng.choice(PRODUCTS[branch]),
        "branch": branch,
        "premium": {"amount_minor": rng.randint(low, high) * 100, "currency": "EUR"},
        "payment_frequency": "monthly",
        "premium_collector": "broker",
        "consumer": client["kind"] == "individual",
        "tacit_renewal": True,
        "participants": _participants(branch, client),
        "partner_ids": [partner],
        "valid_until": valid_until.isoformat(),
        "proposed_effective_date": "",
    }
    reject_invalid(check_quote(quote))
    stored = await quotes.create_quote_in(txn, repo=repo, caller=caller, quote=quote)
    if shape == "draft":
        return
    sent_on = min(valid_until, today) - timedelta(days=rng.randint(1, 20))
    stored = await quotes.answer_quote_in(
        txn, repo=repo, caller=caller, quote=stored, status=SENT, on=sent_on
    )
    if shape == REFUSED:
        await quotes.answer_quote_in(
            txn,
            repo=repo,
            caller=caller,
            quote=stored,
            status=REFUSED,
            on=today,
            reason="Trop cher",
        )
    elif shape == "accepted":
        await quotes.accept_quote_in(
            txn,
            repo=repo,
            caller=caller,
            quote=stored,
            today=today,
            effective_date=(today + timedelta(days=rng.randint(1, 30))).isoformat(),
        )


_PLATE_LETTERS: Final = "ABCDEFGHJKLMNPQRSTVWXYZ"
_VANS: Final = (
    ("Renault", "Kangoo"),
    ("Peugeot", "Partner"),
    ("Citroën", "Berlingo"),
    ("Renault", "Master"),
    ("Ford", "Transit"),
    ("Volkswagen", "Caddy"),
    ("Toyota", "Yaris"),
)


def _plate(rng: random.Random) -> str:
    while True:
        first = "".join(rng.choice(_PLATE_LETTERS) for _ in range(2))
        last = "".join(rng.choice(_PLATE_LETTERS) for _ in range(2))
        if first not in ("SS", "WW") and last != "SS":
            return f"{first}-{rng.randint(1, 999):03d}-{last}"


async def _vehicles(
    txn: Transaction,
    rng: random.Random,
    repo: ContractsRepository,
    caller: Caller,
    contract: Contract,
    today: date,
) -> None:
    start = date.fromisoformat(contract["effective_date"])
    end = min(today, date.fromisoformat(contract.get("termination_date") or today.isoformat()))
    span = max((end - start).days, 1)
    plates: set[str] = set()
    for _ in range(rng.randint(3, 10)):
        plate = _plate(rng)
        if plate in plates:
            continue
        plates.add(plate)
        make, model = rng.choice(_VANS)
        entry = start + timedelta(days=rng.randint(0, span - 1) if span > 1 else 0)
        vehicle: Vehicle = {
            "contract_id": contract["id"],
            "registration": plate,
            "vin": "",
            "make": make,
            "model": model,
            "first_registration_date": (entry - timedelta(days=rng.randint(0, 900))).isoformat(),
            "usage": rng.choice(["business", "goods_transport"]),
            "driver_client_id": "",
            "entry_date": entry.isoformat(),
        }
        reject_invalid(check_vehicle(vehicle))
        stored = await fleet.add_vehicle_in(
            txn, repo=repo, caller=caller, vehicle=vehicle, contract=contract
        )
        if rng.random() < 0.2 and (end - entry).days > 1:
            left = entry + timedelta(days=rng.randint(1, (end - entry).days))
            exited: Vehicle = {**stored, "exit_date": left.isoformat()}
            await repo.replace_vehicle(
                txn, tenant_id=caller.tenant_id, vehicle=exited, expected_version=stored["version"]
            )


async def add_demo_records(
    txn: Transaction,
    *,
    repo: ContractsRepository,
    tenant_id: str,
    client: ClientCopy,
    today: date | None = None,
) -> int:
    """Write ``client``'s demo contracts and claims in ``txn``; the number of contracts."""
    if today is None:
        today = service.agency_day(await repo.get_settings_for_update(txn, tenant_id)).today
    rng = random.Random(f"contracts-demo-{client['reference']}")
    caller = Caller(tenant_id=tenant_id, user_id=DEMO_USER, role="admin")
    drafts = [demo_contract(rng, client, branch, today) for branch in _branches(rng, client)]
    if client["kind"] == "individual" and rng.random() < 0.25:
        parent = await repo.last_client_copy(
            txn,
            tenant_id,
            kind="individual",
            created_by=client["created_by"],
            before=client["reference"],
        )
        if parent is not None:
            drafts.append(_family_contract(rng, parent, client, today))
    held: list[Contract] = []
    for draft in drafts:
        reject_invalid(check_contract(draft))
        stored = await service.create_contract_in(txn, repo=repo, caller=caller, contract=draft)
        held.append(stored)
        if stored["branch"] in _CLAIMABLE and rng.random() < 0.33:
            await _claim(txn, rng, repo, caller, stored, today)
    for stored in held:
        if fleet.is_fleet(stored):
            await _vehicles(txn, rng, repo, caller, stored, today)
    if rng.random() < 0.17:
        await _complaint(txn, rng, repo, caller, client, held, today)
    if rng.random() < 0.2:
        await _quote(txn, rng, repo, caller, client, today)
    return len(drafts)
