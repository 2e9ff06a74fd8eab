"""The agenda through the real gateway: a recurring event created on a client's file shows on
the file, its occurrences in the attendee's global agenda, and the series in the iCalendar
export (read back with icalendar)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.communication.conftest import as_role
from tests.harness import GraphQLClient
from tests.identity.queries import CREATE, individual

CREATE_EVENT = """
mutation($input: CreateAgendaEventInput!) {
  createAgendaEvent(input: $input) {
    id title rrule timezone startsAt endsAt organizer version
    attendees { userId status }
  }
}
"""

AGENDA = """
query($from: DateTime!, $to: DateTime!, $user: String! = "") {
  agenda(from: $from, to: $to, userId: $user) {
    truncated
    occurrences { startsAt endsAt event { id title clientId } client { id displayName } }
  }
}
"""

CALENDAR = "query($user: String!) { agendaCalendar(userId: $user) }"

AGENDA_OF = "query($id: ID!) { client(id: $id) { communication { agenda { id title } } } }"


async def test_a_recurring_event_is_in_the_global_agenda_and_the_icalendar_export(
    cgql: GraphQLClient,
) -> None:
    client = (await cgql.data(CREATE, {"input": individual(last="Agenda")}))["createClient"]["id"]
    created = await cgql.data(
        CREATE_EVENT,
        {
            "input": {
                "clientId": client,
                "title": "Point mensuel",
                "startsAt": "2026-03-02T09:00:00Z",
                "endsAt": "2026-03-02T09:30:00Z",
                "attendeeIds": ["bob"],
                "rrule": "FREQ=MONTHLY;COUNT=3",
            }
        },
    )
    event = created["createAgendaEvent"]
    assert (event["organizer"], event["timezone"]) == ("tester", "Europe/Paris")
    assert {a["userId"]: a["status"] for a in event["attendees"]} == {
        "bob": "NEEDS_ACTION",
        "tester": "ACCEPTED",
    }
    agenda = await cgql.data(
        AGENDA, {"from": "2026-03-01T00:00:00Z", "to": "2026-06-01T00:00:00Z", "user": "bob"}
    )
    occurrences = agenda["agenda"]["occurrences"]
    # 10:00 in Paris each month: 09:00 UTC in winter, 08:00 UTC in summer.
    assert [o["startsAt"] for o in occurrences] == [
        "2026-03-02T09:00:00+00:00",
        "2026-04-02T08:00:00+00:00",
        "2026-05-02T08:00:00+00:00",
    ]
    assert {o["event"]["clientId"] for o in occurrences} == {client}
    # Each occurrence names its client (seed 003's global agenda).
    assert {o["client"]["displayName"] for o in occurrences} == {"Camille Agenda"}

    text = (await cgql.data(CALENDAR, {"user": "bob"}))["agendaCalendar"]
    [vevent] = Calendar.from_ical(text).walk("VEVENT")
    assert vevent["rrule"] == {"FREQ": ["MONTHLY"], "COUNT": [3]}
    assert vevent.decoded("dtstart") == datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))

    shown = await cgql.data(AGENDA_OF, {"id": client})
    assert shown["client"]["communication"]["agenda"] == [
        {"id": event["id"], "title": "Point mensuel"}
    ]
    technician = await as_role(cgql, "technician").execute(
        AGENDA, {"from": "2026-03-01T00:00:00Z", "to": "2026-06-01T00:00:00Z"}
    )
    assert technician["errors"][0]["extensions"]["code"] == "FORBIDDEN"
