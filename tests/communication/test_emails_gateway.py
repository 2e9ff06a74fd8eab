"""Received emails end to end: ingested over gRPC, or from the tenant's folder of the file
drop, linked to the client whose address identity announced, the last three on the file
through the gateway."""

from __future__ import annotations

from typing import Any

import grpc

from client360.communication.v1 import communication_pb2 as pb
from client360.communication.v1 import communication_pb2_grpc
from runtime.caller import Caller
from runtime.rpc import caller_metadata
from tests.communication.queries import EMAILS_OF
from tests.communication.test_email_sending_gateway import send_once_known
from tests.harness import GraphQLClient
from tests.identity.queries import CREATE, individual
from tests.waiting import eventually


def rfc5322(subject: str, day: int) -> bytes:
    return (
        "From: Léa Martin <lea.martin@example.fr>\r\n"
        "To: agence@courtier.fr\r\n"
        f"Subject: {subject}\r\n"
        f"Date: Mon, {day:02d} Mar 2026 09:00:00 +0100\r\n"
        f"Message-ID: <{subject}.{day}@example.fr>\r\n"
        "\r\n"
        "Bonjour\r\n"
    ).encode()


async def test_the_file_shows_the_last_three_emails_received_newest_first(
    cgql: GraphQLClient,
) -> None:
    emails = [{"address": "Lea.Martin@example.fr"}]
    client = (await cgql.data(CREATE, {"input": {**individual(last="Martin"), "emails": emails}}))[
        "createClient"
    ]["id"]
    caller = Caller(cgql.tenant, "mailbox", "advisor")
    async with grpc.aio.insecure_channel(cgql.system.address("communication")) as channel:
        stub = communication_pb2_grpc.CommunicationServiceStub(channel)

        async def ingest(subject: str, day: int) -> pb.EmailMessage:
            request = pb.IngestEmailRequest(raw=rfc5322(subject, day))

            async def attempt() -> pb.EmailMessage | None:
                try:
                    return await stub.IngestEmail(
                        request, metadata=caller_metadata(caller), timeout=5
                    )
                except grpc.aio.AioRpcError as error:
                    if error.code() != grpc.StatusCode.NOT_FOUND:
                        raise
                    return None  # identity's event has not reached the service yet

            ingested = await eventually(
                attempt, lambda found: found is not None, what="the email ingested", timeout=10
            )
            assert ingested is not None
            return ingested

        for subject, day in (("Un", 2), ("Quatre", 5), ("Deux", 3), ("Trois", 4)):
            await ingest(subject, day)

    shown = (await cgql.data(EMAILS_OF, {"id": client}))["client"]["communication"]["emails"]
    assert [e["subject"] for e in shown] == ["Quatre", "Trois", "Deux"]
    assert shown[0] == {
        "sender": "Léa Martin <lea.martin@example.fr>",
        "subject": "Quatre",
        "sentAt": "2026-03-05T08:00:00+00:00",
        "direction": "INBOUND",
        "to": ["agence@courtier.fr"],
    }


async def test_an_email_dropped_in_the_tenant_s_inbox_folder_shows_on_the_file(
    cgql: GraphQLClient,
) -> None:
    emails = [{"address": "Paul.Roux@example.fr"}]
    client = (await cgql.data(CREATE, {"input": {**individual(last="Roux"), "emails": emails}}))[
        "createClient"
    ]["id"]
    # Once an email to the client is accepted, the service knows the client's address.
    await send_once_known(cgql, {"client": client, "subject": "Bienvenue", "body": "Bonjour"})
    folder = cgql.system.directory / "data" / "communication-inbox" / cgql.tenant
    folder.mkdir(parents=True, exist_ok=True)
    raw = rfc5322("Constat", 6).replace(b"lea.martin@example.fr", b"paul.roux@example.fr")
    (folder / "constat.part").write_bytes(raw)
    (folder / "constat.part").rename(folder / "constat.eml")

    def received(page: dict[str, Any]) -> bool:
        emails = page["client"]["communication"]["emails"]
        return any(e["direction"] == "INBOUND" for e in emails)

    found = await eventually(
        lambda: cgql.data(EMAILS_OF, {"id": client}), received, what="the email ingested"
    )
    [inbound] = [
        e for e in found["client"]["communication"]["emails"] if e["direction"] == "INBOUND"
    ]
    assert inbound["subject"] == "Constat"
    assert (folder / "processed" / "constat.eml").exists()
