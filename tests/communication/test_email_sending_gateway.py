"""Emails written through the real gateway and processes: identity's events give the service
the client's block flag and its contacts' consents; a refused email sends nothing, an email
sent reaches the development mail catcher (a real SMTP server) with the right headers and shows
as sent on the file."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from services.communication.mailcatcher import caught
from tests.communication.conftest import MailCatcher
from tests.communication.queries import SEND_EMAIL, SENT_EMAILS_OF
from tests.harness import GraphQLClient
from tests.identity.queries import ADD_CONTACT, CREATE
from tests.waiting import eventually


async def company(gql: GraphQLClient, address: str, **extra: object) -> str:
    client = {
        "kind": "PROFESSIONAL",
        "professional": {"legalName": "Boulangerie Fournil SARL"},
        "emails": [{"address": address}],
        **extra,
    }
    body = await gql.data(CREATE, {"input": client})
    client_id: str = body["createClient"]["id"]
    return client_id


async def send_once_known(gql: GraphQLClient, variables: dict[str, Any]) -> dict[str, Any]:
    """The answer to sendEmail once the service has the client's copy and its contacts'
    (identity's events are applied a moment after its answers)."""

    def known(body: dict[str, Any]) -> bool:
        errors = body.get("errors") or []
        return not errors or errors[0]["extensions"]["code"] != "NOT_FOUND"

    return await eventually(
        lambda: gql.execute(SEND_EMAIL, variables), known, what="the client known", timeout=10
    )


def caught_for(catcher: MailCatcher, address: str) -> list[EmailMessage]:
    return [m for m in caught(catcher.directory) if m["To"] == address]


async def test_an_email_sent_reaches_the_mail_catcher_with_the_right_headers(
    cgql: GraphQLClient, mail_catcher: MailCatcher
) -> None:
    client = await company(cgql, "contact@fournil.example")
    body = await send_once_known(
        cgql, {"client": client, "subject": "Votre attestation", "body": "Ci-jointe."}
    )
    email = body["data"]["sendEmail"]
    assert (email["status"], email["kind"], email["to"]) == (
        "QUEUED",
        "SERVICE",
        ["contact@fournil.example"],
    )
    found = await eventually(
        lambda: cgql.data(SENT_EMAILS_OF, {"id": client}),
        lambda page: page["client"]["communication"]["emails"][0]["status"] == "SENT",
        what="the email sent",
        timeout=10,
    )
    [shown] = found["client"]["communication"]["emails"]
    assert (shown["direction"], shown["subject"]) == ("OUTBOUND", "Votre attestation")
    tabs = await cgql.data(
        "query($id: ID!) { client(id: $id) { communication { "
        "received: emails(direction: INBOUND) { id } sent: emails(direction: OUTBOUND) { id } "
        "} } }",
        {"id": client},
    )
    assert tabs["client"]["communication"] == {"received": [], "sent": [{"id": email["id"]}]}
    [message] = caught_for(mail_catcher, "contact@fournil.example")
    assert message["From"] == "Client 360 <no-reply@client360.localhost>"
    assert message["Subject"] == "Votre attestation"
    assert message["Message-ID"] == email["messageId"]
    assert message["Date"]


async def test_emails_to_a_blocked_client_or_a_contact_without_consent_send_nothing(
    cgql: GraphQLClient, mail_catcher: MailCatcher
) -> None:
    blocked = await company(cgql, "bloque@fournil.example", flags={"communicationBlocked": True})
    body = await send_once_known(cgql, {"client": blocked, "subject": "Offre", "body": "-10 %"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["violations"] == [
        {"field": "clientId", "rule": "communication with this client is blocked"}
    ]

    client = await company(cgql, "accueil@fournil.example")
    contact = {
        "lastName": "Durand",
        "function": "Gérant",
        "emails": [{"address": "paul@fournil.example"}],
        "consents": {"commercialEmails": False, "eSignature": True},
    }
    added = await cgql.data(ADD_CONTACT, {"clientId": client, "input": contact})
    contact_id = added["addContact"]["id"]
    offer = {
        "client": client,
        "contact": contact_id,
        "subject": "Offre",
        "body": "-10 %",
        "kind": "COMMERCIAL",
    }
    body = await send_once_known(cgql, offer)
    assert body["errors"][0]["extensions"]["violations"] == [
        {"field": "kind", "rule": "the recipient has not consented to commercial emails"}
    ]
    # The consent it did give lets a document to sign go.
    signed = await cgql.data(SEND_EMAIL, {**offer, "kind": "E_SIGNATURE"})
    assert signed["sendEmail"]["contactId"] == contact_id
    await eventually(
        lambda: cgql.data(SENT_EMAILS_OF, {"id": client}),
        lambda page: page["client"]["communication"]["emails"][0]["status"] == "SENT",
        what="the document to sign sent",
        timeout=10,
    )
    assert [m["Subject"] for m in caught_for(mail_catcher, "paul@fournil.example")] == ["Offre"]
    assert caught_for(mail_catcher, "bloque@fournil.example") == []
    page = await cgql.data(SENT_EMAILS_OF, {"id": blocked})
    assert page["client"]["communication"]["emails"] == []
