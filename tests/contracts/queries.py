"""GraphQL documents of the contracts tests."""

CREATE_CLIENT = "mutation($input: ClientInput!) { createClient(input: $input) { id } }"

CONTRACT_FIELDS = """
fragment ContractFields on Contract {
  id reference policyNumber insurer product branch status statusLabel
  effectiveDate dueDate tacitRenewal terminationDate terminationReason
  premium { amount currency } paymentFrequency premiumCollector consumer
  participants { clientId clientName roles validFrom validTo sharePercent minor }
  renewalNoticeSentOn partnerIds version openClaimsCount
  markers { renewalState openClaim daysToDueDate }
  terminationRequest { receivedOn rule endDate recordedBy recordedAt }
}
"""

CREATE = (
    CONTRACT_FIELDS
    + """
mutation($input: ContractInput!) { createContract(input: $input) { ...ContractFields } }
"""
)

UPDATE = (
    CONTRACT_FIELDS
    + """
mutation($id: ID!, $version: Int!, $input: ContractInput!) {
  updateContract(id: $id, version: $version, input: $input) { ...ContractFields }
}
"""
)

GET = (
    CONTRACT_FIELDS
    + """
query($id: ID!, $on: String) {
  contract(id: $id, noticeReceivedOn: $on) {
    ...ContractFields
    terminationRights {
      receivedOn bestRule earliestEndDate
      rules { rule available availableFrom availableUntil earliestEndDate explanation }
    }
  }
}
"""
)

REQUEST_TERMINATION = """
mutation($id: ID!, $version: Int!, $rule: TerminationRule, $end: String, $on: String) {
  requestTermination(id: $id, version: $version, rule: $rule, endDate: $end, receivedOn: $on) {
    id version status terminationDate terminationReason markers { renewalState }
    terminationRequest { rule endDate receivedOn }
  }
}
"""

TERMINATE = """
mutation($id: ID!, $version: Int!, $date: String!, $reason: TerminationReason!) {
  terminateContract(id: $id, version: $version, terminationDate: $date, reason: $reason) {
    id version status markers { renewalState }
  }
}
"""

RENEW = """
mutation($id: ID!, $version: Int!) {
  renewContract(id: $id, version: $version) { id version dueDate lastRenewedOn }
}
"""

FILE = (
    CONTRACT_FIELDS
    + """
query($id: ID!, $states: [RenewalState!]) {
  client(id: $id) {
    id
    contracts(renewalStates: $states) {
      today openClaimsCount totalCount
      nodes { ...ContractFields }
      pageInfo { endCursor hasNextPage }
    }
  }
}
"""
)

PAGE = """
query($first: Int!) {
  clients(first: $first) {
    edges { node {
      id displayName
      contracts {
        openClaimsCount totalCount
        edges { cursor node {
          id reference branch status dueDate insurer
          premium { amount currency }
          participants { clientId clientName roles }
          markers { renewalState openClaim daysToDueDate }
        } }
        claims(first: 5) { totalCount nodes { id reference status open } }
      }
    } }
  }
}
"""

CLAIM_FIELDS = """
fragment ClaimFields on Claim {
  id reference insurerClaimNumber contractId type lossDate reportedDate description status
  assessedAmount { amount currency } agreedAmount { amount currency }
  paidAmount { amount currency }
  participants { clientId clientName roles } clientIds open version
  history { status at by note }
}
"""

DECLARE = (
    CLAIM_FIELDS
    + """
mutation($input: ClaimInput!) { declareClaim(input: $input) { ...ClaimFields } }
"""
)

UPDATE_CLAIM = (
    CLAIM_FIELDS
    + """
mutation($id: ID!, $version: Int!, $input: ClaimInput!) {
  updateClaim(id: $id, version: $version, input: $input) { ...ClaimFields }
}
"""
)

CLAIM_STATUS = (
    CLAIM_FIELDS
    + """
mutation($id: ID!, $version: Int!, $status: ClaimStatus!, $note: String) {
  changeClaimStatus(id: $id, version: $version, status: $status, note: $note) { ...ClaimFields }
}
"""
)

GET_CLAIM = CLAIM_FIELDS + "query($id: ID!) { claim(id: $id) { ...ClaimFields } }"

COUNTERS = """
query($id: ID!) {
  client(id: $id) {
    contracts {
      openClaimsCount nodes { id openClaimsCount markers { openClaim } }
      claims(openOnly: true) { totalCount nodes { id } }
    }
  }
}
"""

SETTINGS = "query { contractSettings { renewalWindowDays timezone version } }"

UPDATE_SETTINGS = """
mutation($version: Int!, $days: Int, $timezone: String) {
  updateContractSettings(version: $version, renewalWindowDays: $days, timezone: $timezone) {
    renewalWindowDays timezone version
  }
}
"""

CLIENT_EVENTS = """
subscription($id: ID!) {
  clientEvents(clientId: $id) {
    id type clientId
    contract { id reference markers { renewalState } }
    claim { id reference status open }
  }
}
"""


def participant(client_id: str, *roles: str, **extra: object) -> dict[str, object]:
    return {"clientId": client_id, "roles": list(roles or ("POLICYHOLDER",)), **extra}


def contract(*participants: dict[str, object], **fields: object) -> dict[str, object]:
    return {
        "insurer": "AXA France",
        "product": "Auto Tous Risques",
        "branch": "MOTOR",
        "effectiveDate": "2021-04-01",
        "dueDate": "2030-04-01",
        "tacitRenewal": True,
        "consumer": True,
        "premium": {"amount": "612.40", "currency": "EUR"},
        "paymentFrequency": "MONTHLY",
        "premiumCollector": "BROKER",
        "participants": list(participants),
        "partnerIds": ["insurer-axa"],
        **fields,
    }
