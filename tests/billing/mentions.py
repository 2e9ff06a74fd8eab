"""What every billing test that posts an invoice needs first: the tenant's seller profile (set
by an admin) and the buyer known to billing (its copy of identity's client, with an address),
in process, over gRPC and through the gateway."""

from __future__ import annotations

from typing import Any

import grpc

from client360.billing.v1 import billing_pb2, billing_pb2_grpc
from client360.common.v1 import common_pb2
from runtime.caller import Caller
from runtime.kit.common import address_from_proto
from runtime.rpc import caller_metadata
from services.billing import seller
from services.billing.models import ClientCopy
from services.billing.repository import BillingRepository
from tests.harness import GraphQLClient
from tests.waiting import eventually

# A real company's numbers (SIREN 732 829 320 with its Luhn key, its SIRET and VAT number).
ADDRESS = common_pb2.Address(
    line1="12 rue de la Paix", postal_code="75002", city="Paris", country="FR"
)
SELLER = billing_pb2.SellerProfileInput(
    legal_name="Agence Démo Assurances",
    legal_form="SARL",
    share_capital=billing_pb2.DecimalAmount(value="50000", currency="EUR"),
    address=ADDRESS,
    siren="732829320",
    siret="73282932000074",
    vat_number="FR44732829320",
    registry="RCS Paris",
    payment_terms="30 jours date de facture, par virement",
    payment_days=30,
    late_penalty_rate="3 fois le taux d'intérêt légal",
    early_payment_discount="Pas d'escompte pour paiement anticipé",
    iban="FR1420041010050500013M02606",
)
SELLER_GRAPHQL: dict[str, Any] = {
    "legalName": SELLER.legal_name,
    "legalForm": SELLER.legal_form,
    "shareCapital": {"amount": "50000", "currency": "EUR"},
    "address": {"line1": ADDRESS.line1, "postalCode": ADDRESS.postal_code, "city": ADDRESS.city},
    "siren": SELLER.siren,
    "siret": SELLER.siret,
    "vatNumber": SELLER.vat_number,
    "registry": SELLER.registry,
    "paymentTerms": SELLER.payment_terms,
    "latePenaltyRate": SELLER.late_penalty_rate,
    "earlyPaymentDiscount": SELLER.early_payment_discount,
    "iban": SELLER.iban,
}
SET_SELLER = """
mutation($input: SellerProfileInput!, $version: Int!) {
  setSellerProfile(input: $input, version: $version) { legalName siren version }
}
"""
CLIENT_WITH_ADDRESS = """
mutation($input: ClientInput!) { createClient(input: $input) { id } }
"""


def seller_input() -> seller.SellerInput:
    return seller.SellerInput(
        legal_name=SELLER.legal_name,
        legal_form=SELLER.legal_form,
        share_capital=SELLER.share_capital.value,
        share_capital_currency=SELLER.share_capital.currency,
        address=address_from_proto(ADDRESS),
        siren=SELLER.siren,
        siret=SELLER.siret,
        vat_number=SELLER.vat_number,
        registry=SELLER.registry,
        payment_terms=SELLER.payment_terms,
        payment_days=SELLER.payment_days,
        late_penalty_rate=SELLER.late_penalty_rate,
        early_payment_discount=SELLER.early_payment_discount,
        vat_on_debits=False,
        iban=SELLER.iban,
    )


def buyer(client_id: str, *, professional: bool = False, siren: str = "") -> ClientCopy:
    return {
        "id": client_id,
        "name": "Léa Martin" if not professional else "Garage Martin SAS",
        "professional": professional,
        "siren": siren,
        "siret": "",
        "address": {
            "line1": "3 place Bellecour",
            "line2": "",
            "postal_code": "69002",
            "city": "Lyon",
            "country": "FR",
        },
    }


async def ready_to_post(
    repo: BillingRepository, tenant_id: str, *client_ids: str, seller_set: bool = True
) -> None:
    """In process: the tenant's seller profile and the buyers' copies, as their events would
    leave them."""
    if seller_set:
        await seller.set_seller_profile(
            repo=repo, caller=Caller(tenant_id, "root", "admin"), given=seller_input(), version=0
        )
    async with repo.transaction() as txn:
        for client_id in client_ids:
            await repo.clients.refresh(txn, tenant_id, buyer(client_id), source_version=1)


async def set_seller_over_grpc(address: str, tenant_id: str) -> None:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = billing_pb2_grpc.BillingServiceStub(channel)
        await stub.SetSellerProfile(
            billing_pb2.SetSellerProfileRequest(profile=SELLER, version=0),
            metadata=caller_metadata(Caller(tenant_id, "root", "admin")),
        )


async def set_seller_through_gateway(gql: GraphQLClient) -> None:
    admin = GraphQLClient(gql.system, gql.http, gql.tenant, "admin")
    await admin.data(SET_SELLER, {"input": SELLER_GRAPHQL, "version": 0})


async def client_with_address(gql: GraphQLClient, last_name: str = "Martin") -> str:
    """A client created in identity with an address; billing knows it as a buyer once it has
    applied its event (see ``post_once_buyer_known``)."""
    body = await gql.data(
        CLIENT_WITH_ADDRESS,
        {
            "input": {
                "kind": "INDIVIDUAL",
                "firstName": "Léa",
                "lastName": last_name,
                "addresses": [
                    {"line1": "3 place Bellecour", "postalCode": "69002", "city": "Lyon"}
                ],
            }
        },
    )
    created: str = body["createClient"]["id"]
    return created


def _buyer_unknown(body: dict[str, Any]) -> bool:
    return any(
        violation["field"] == "buyer"
        for error in body.get("errors", [])
        for violation in error.get("extensions", {}).get("violations", [])
    )


async def post_once_buyer_known(
    gql: GraphQLClient, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    """Run a posting mutation, again while billing has not yet applied the client's creation
    event (a refused posting writes nothing); its answer then."""
    return await eventually(
        lambda: gql.execute(query, variables),
        until=lambda answer: not _buyer_unknown(answer),
        what="billing knows the buyer",
    )
