"""GraphQL documents of the complaints, quotes and fleet tests."""

COMPLAINT_FIELDS = """
fragment ComplaintFields on Complaint {
  id reference clientId clientName receivedOn sentOn channel subject description contractId
  claimId status acknowledgedOn answeredOn closedOn outcome mediator answerSummary version
  clock {
    countedFrom acknowledgementDue answerDue acknowledgementOverdue answerOverdue overdue
    daysToAnswerDue
  }
}
"""

RECORD_COMPLAINT = (
    COMPLAINT_FIELDS
    + """
mutation($input: ComplaintInput!) { recordComplaint(input: $input) { ...ComplaintFields } }
"""
)

ACKNOWLEDGE = (
    COMPLAINT_FIELDS
    + """
mutation($id: ID!, $version: Int!) {
  acknowledgeComplaint(id: $id, version: $version) { ...ComplaintFields }
}
"""
)

ANSWER = (
    COMPLAINT_FIELDS
    + """
mutation($id: ID!, $version: Int!, $outcome: ComplaintOutcome!, $mediator: String) {
  answerComplaint(id: $id, version: $version, outcome: $outcome, mediator: $mediator) {
    ...ComplaintFields
  }
}
"""
)

AGENCY_COMPLAINTS = """
query($first: Int!, $after: String) {
  agencyComplaints(overdueOnly: true, first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage }
    nodes { id clientId clientName clock { overdue acknowledgementOverdue } }
  }
}
"""

QUOTE_FIELDS = """
fragment QuoteFields on InsuranceQuote {
  id reference insurer product branch premium { amount currency } paymentFrequency
  participants { clientId roles } validUntil status sentOn decidedOn contractId version
}
"""

CREATE_QUOTE = (
    QUOTE_FIELDS
    + """
mutation($input: InsuranceQuoteInput!) { createInsuranceQuote(input: $input) { ...QuoteFields } }
"""
)

UPDATE_QUOTE = (
    QUOTE_FIELDS
    + """
mutation($id: ID!, $version: Int!, $input: InsuranceQuoteUpdateInput!) {
  updateInsuranceQuote(id: $id, version: $version, input: $input) { ...QuoteFields }
}
"""
)

SEND_QUOTE = (
    QUOTE_FIELDS
    + """
mutation($id: ID!, $version: Int!) {
  sendInsuranceQuote(id: $id, version: $version) { ...QuoteFields }
}
"""
)

ACCEPT_QUOTE = (
    QUOTE_FIELDS
    + """
mutation($id: ID!, $version: Int!) {
  acceptInsuranceQuote(id: $id, version: $version, policyNumber: "MAAF-1") {
    quote { ...QuoteFields }
    contract { id status quoteId policyNumber participants { clientId roles } }
  }
}
"""
)

ADD_VEHICLE = """
mutation($input: FleetVehicleInput!) {
  addFleetVehicle(input: $input) {
    id registration make entryDate exitDate onCover version driverClientId driverName
  }
}
"""

REMOVE_VEHICLE = """
mutation($id: ID!, $version: Int!, $exit: String) {
  removeFleetVehicle(id: $id, version: $version, exitDate: $exit) {
    id exitDate onCover version
  }
}
"""

SECTION = """
contracts {
  openComplaintsCount overdueComplaintsCount
  nodes { id status unpaidState unpaidStateSince quoteId }
  quotes { totalCount nodes { id reference status contractId } }
  complaints { totalCount nodes { id reference status clock { overdue acknowledgementDue } } }
  fleet(includeExited: true) {
    contractIds vehiclesOnCover
    vehicles { totalCount nodes { id registration onCover exitDate } }
  }
}
"""

FILE_MORE = "query($id: ID!) { client(id: $id) { id " + SECTION + " } }"
PAGE_MORE = (
    "query($first: Int!) { clients(first: $first) { edges { node { id " + SECTION + " } } } }"
)

EVENTS_MORE = """
subscription($id: ID!) {
  clientEvents(clientId: $id) {
    id type clientId
    complaint { id reference status }
    insuranceQuote { id reference status }
    fleetVehicle { id registration }
  }
}
"""
