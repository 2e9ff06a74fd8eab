"""The new parts' events reach an open client screen (clientEvents): an email written, queued
then sent; a document uploaded, which a partner hears of only when it is shared with it; an
agenda event."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.communication.test_agenda_gateway import CREATE_EVENT
from tests.communication.test_documents import pdf
from tests.communication.test_documents_gateway import upload
from tests.communication.test_email_sending_gateway import company, send_once_known
from tests.harness import GraphQLClient, Subscription

EVENTS = """
subscription($id: ID!) {
  clientEvents(clientId: $id) {
    type email { subject status } document { name sharedWith } agendaEvent { title }
  }
}
"""


async def heard(screen: Subscription) -> list[dict[str, Any]]:
    """The section's events heard until the agenda event, the last change made (a service's
    events are published in the order of their commits)."""
    found: list[dict[str, Any]] = []
    async with asyncio.timeout(15):
        while not found or found[-1]["type"] != "c360.communication.agenda.saved":
            event = (await screen.next())["payload"]["data"]["clientEvents"]
            if event["type"].startswith("c360.communication."):
                found.append(event)
    return found


async def test_an_email_a_document_and_an_agenda_event_reach_the_open_screens(
    cgql: GraphQLClient,
) -> None:
    client = await company(cgql, "ecran@fournil.example")
    # The client is known to the service before the screens open.
    await send_once_known(cgql, {"client": client, "subject": "Avant", "body": "Bonjour"})
    system = cgql.system
    advisor = system.token(cgql.tenant, "advisor", "watcher")
    partner = system.token(cgql.tenant, "partner", "partner-axa")
    async with (
        Subscription(system, advisor, EVENTS, {"id": client}) as screen,
        Subscription(system, partner, EVENTS, {"id": client}) as partner_screen,
    ):
        await cgql.data(
            'mutation($c: ID!) { sendEmail(clientId: $c, subject: "Suivi", body: "B") { id } }',
            {"c": client},
        )
        await upload(cgql, client, pdf(), name="interne.pdf")
        await upload(cgql, client, pdf(), name="expertise.pdf", shared=["partner-axa"])
        await cgql.data(
            CREATE_EVENT,
            {
                "input": {
                    "clientId": client,
                    "title": "Rendez-vous",
                    "startsAt": "2026-12-01T09:00:00Z",
                    "endsAt": "2026-12-01T10:00:00Z",
                }
            },
        )
        events = await heard(screen)
        partner_events = await heard(partner_screen)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_type.setdefault(event["type"], []).append(event)
    emails = [e["email"] for e in by_type["c360.communication.email.saved"]]
    assert {"subject": "Suivi", "status": "QUEUED"} in emails
    assert [e["document"]["name"] for e in by_type["c360.communication.document.saved"]] == [
        "interne.pdf",
        "expertise.pdf",
    ]
    assert by_type["c360.communication.agenda.saved"][0]["agendaEvent"] == {"title": "Rendez-vous"}
    # The partner's screen hears the same events, and sees only the document shared with it.
    shown = [e["document"] for e in partner_events if e["document"] is not None]
    assert shown == [{"name": "expertise.pdf", "sharedWith": ["partner-axa"]}]
    assert all(e["email"] is None and e["agendaEvent"] is None for e in partner_events)
