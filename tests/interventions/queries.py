"""GraphQL documents the interventions tests send through the gateway."""

CREATE_CLIENT = """
mutation($input: ClientInput!) { createClient(input: $input) { id } }
"""

FIELDS = """
fragment InterventionFields on Intervention {
  id clientId number title type addressId equipmentIds technicianIds priority latestDate
  appointmentConfirmed quoteId invoicing archived stage status report version
  scheduledStart scheduledEnd actualStart actualEnd
}
"""

CREATE = (
    FIELDS
    + """
mutation($clientId: ID!, $input: InterventionInput!) {
  createIntervention(clientId: $clientId, input: $input) { ...InterventionFields }
}
"""
)

UPDATE = (
    FIELDS
    + """
mutation($id: ID!, $version: Int!, $input: InterventionUpdateInput!) {
  updateIntervention(id: $id, version: $version, input: $input) { ...InterventionFields }
}
"""
)

SCHEDULE = (
    FIELDS
    + """
mutation($id: ID!, $version: Int!, $start: DateTime, $end: DateTime, $technicians: [String!]) {
  scheduleIntervention(id: $id, version: $version, scheduledStart: $start,
                       scheduledEnd: $end, technicianIds: $technicians) { ...InterventionFields }
}
"""
)

MOVE = (
    FIELDS
    + """
mutation($id: ID!, $version: Int!, $stage: InterventionStage!) {
  moveInterventionStage(id: $id, version: $version, stage: $stage) { ...InterventionFields }
}
"""
)

COMPLETE = (
    FIELDS
    + """
mutation($id: ID!, $version: Int!, $report: String!) {
  completeIntervention(id: $id, version: $version, report: $report) { ...InterventionFields }
}
"""
)

DELETE = """
mutation($id: ID!, $version: Int!) { deleteIntervention(id: $id, version: $version) { id } }
"""

GET = FIELDS + "query($id: ID!) { intervention(id: $id) { ...InterventionFields } }"

MINE = (
    FIELDS
    + """
query($date: String) { myInterventions(date: $date) {
  clientName clientMemo address { id city } equipment { name }
  intervention { ...InterventionFields }
} }
"""
)

SECTION = """
query($id: ID!, $first: Int, $after: String, $search: String, $types: [String!],
      $archived: Boolean = false, $statuses: [InterventionStatus!], $toInvoice: Boolean,
      $hasQuote: Boolean, $hasAppointment: Boolean, $technicianIds: [String!],
      $from: String, $to: String) {
  client(id: $id) {
    id
    interventions(first: $first, after: $after, search: $search, types: $types,
                  archived: $archived, statuses: $statuses, toInvoice: $toInvoice,
                  hasQuote: $hasQuote, hasAppointment: $hasAppointment,
                  technicianIds: $technicianIds, scheduledFrom: $from, scheduledTo: $to) {
      totalCount
      pageInfo { endCursor hasNextPage }
      items { id number title status stage archived }
    }
  }
}
"""
