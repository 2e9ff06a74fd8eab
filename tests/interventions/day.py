"""A technician's day of eight interventions, as the technician app reads it: the query with
the fields the app needs on site, and the data behind it (eight clients with an address and
a memo, each with an equipment that has a photo). Shared by the test that bounds the answer's
size and the bench that prints it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from tests.harness import GraphQLClient
from tests.interventions import images

PARIS = ZoneInfo("Europe/Paris")
# A fixed day ahead, so the answer's size does not depend on the day it is measured (its
# interventions are UPCOMING).
DAY = date(2030, 3, 12)
VISITS = 8

TECHNICIAN_DAY = """
query($date: String) { myInterventions(date: $date) {
  clientName clientMemo
  address { line1 line2 postalCode city }
  equipment { id name brand model serial photo { thumbnailUrl } }
  intervention {
    id number title type description stage status priority scheduledStart scheduledEnd
    appointmentConfirmed version
  }
} }
"""

_CLIENT = """
mutation($input: ClientInput!) { createClient(input: $input) { id identity { addresses { id } } } }
"""
_EQUIPMENT = """
mutation($clientId: ID!, $input: EquipmentInput!) {
  createEquipment(clientId: $clientId, input: $input) { id version }
}
"""
_PHOTO = """
mutation($id: ID!, $version: Int!, $photo: Upload) {
  setEquipmentPhoto(id: $id, version: $version, photo: $photo) { id }
}
"""
_CREATE = """
mutation($clientId: ID!, $input: InterventionInput!) {
  createIntervention(clientId: $clientId, input: $input) { id version }
}
"""
_SCHEDULE = """
mutation($id: ID!, $version: Int!, $start: DateTime, $end: DateTime, $technicians: [String!]) {
  scheduleIntervention(id: $id, version: $version, scheduledStart: $start,
                       scheduledEnd: $end, technicianIds: $technicians) { id }
}
"""


async def upload(
    gql: GraphQLClient, query: str, variables: dict[str, Any], files: dict[str, tuple[str, bytes]]
) -> dict[str, Any]:
    """A GraphQL multipart request (operations, map, file parts); ``files`` by variable path
    (``photo``, ``photos.1``)."""
    parts = {
        str(n): (name, data, "application/octet-stream")
        for n, (name, data) in enumerate(files.values())
    }
    mapping = {str(n): [f"variables.{path}"] for n, path in enumerate(files)}
    response = await gql.http.post(
        gql.system.graphql_url,
        headers=gql.headers,
        data={
            "operations": orjson.dumps({"query": query, "variables": variables}).decode(),
            "map": orjson.dumps(mapping).decode(),
        },
        files=parts,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def plan_day(gql: GraphQLClient, technician: str) -> list[str]:
    """Eight clients, each with an equipment with its photo and one intervention of the
    technician on DAY, from 8:00 to 16:00 (Paris); the clients' ids."""
    photo = images.jpeg(1600, 1200)
    client_ids = []
    for n in range(VISITS):
        created = (
            await gql.data(
                _CLIENT,
                {
                    "input": {
                        "kind": "INDIVIDUAL",
                        "firstName": "Camille",
                        "lastName": f"Lefèvre {n}",
                        "memo": "Code portail 4521B, chien dans le jardin, sonner deux fois.",
                        "addresses": [
                            {
                                "line1": f"{n + 12} rue des Lilas",
                                "postalCode": "69003",
                                "city": "Lyon",
                            }
                        ],
                    }
                },
            )
        )["createClient"]
        client_id, address_id = created["id"], created["identity"]["addresses"][0]["id"]
        equipment = (
            await gql.data(
                _EQUIPMENT,
                {
                    "clientId": client_id,
                    "input": {
                        "name": "Chaudière gaz",
                        "brand": "Viessmann",
                        "model": "Vitodens 100-W",
                        "serial": f"SN{700000 + n}",
                        "addressId": address_id,
                    },
                },
            )
        )["createEquipment"]
        sent = await upload(
            gql,
            _PHOTO,
            {"id": equipment["id"], "version": equipment["version"], "photo": None},
            {"photo": ("chaudiere.jpg", photo)},
        )
        assert "errors" not in sent, sent["errors"]
        found = (
            await gql.data(
                _CREATE,
                {
                    "clientId": client_id,
                    "input": {
                        "title": "Entretien annuel chaudière",
                        "type": "Entretien",
                        "description": "Nettoyage du brûleur, contrôle des fumées.",
                        "addressId": address_id,
                        "equipmentIds": [equipment["id"]],
                        "appointmentConfirmed": True,
                    },
                },
            )
        )["createIntervention"]
        start = datetime.combine(DAY, time(8 + n), PARIS)
        await gql.data(
            _SCHEDULE,
            {
                "id": found["id"],
                "version": found["version"],
                "start": start.isoformat(),
                "end": (start + timedelta(hours=1)).isoformat(),
                "technicians": [technician],
            },
        )
        client_ids.append(client_id)
    return client_ids
