"""GraphQL documents of the compliance tests."""

COMPLIANCE = """
query($id: ID!) {
  client(id: $id) {
    id displayName
    compliance {
      assetFreezeStatus banner
      lastScreening {
        id at registerDate trigger contactId subjectName statusBefore statusAfter jobId
        matches { entryId name matchedName score url }
      }
      history(limit: 50) { id trigger jobId statusAfter contactId }
      decisions { status reason decidedBy decidedAt }
    }
  }
}
"""

SCREEN = """
mutation($id: ID!) {
  screenClient(id: $id) { id trigger statusBefore statusAfter matches { entryId score } }
}
"""

SET_STATUS = """
mutation($id: ID!, $status: AssetFreezeStatus!, $reason: String!) {
  setAssetFreezeStatus(clientId: $id, status: $status, reason: $reason) {
    assetFreezeStatus banner decisions { status reason decidedBy }
  }
}
"""

SCREEN_MANY = """
mutation($ids: [ID!], $search: String) {
  screenClients(ids: $ids, search: $search) { id state total done requestedBy }
}
"""

JOB = """
query($id: ID!) {
  screeningJob(id: $id) { id state total done matched skipped error createdAt finishedAt }
}
"""

NOTIFICATIONS = """
subscription { notifications { id type message job { id state total done matched } } }
"""

CLIENT_EVENTS = """
subscription($id: ID!) {
  clientEvents(clientId: $id) { id type clientId occurredAt changedFields assetFreezeStatus }
}
"""
