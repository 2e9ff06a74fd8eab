"""GraphQL documents of the communication section, shared by its gateway tests."""

from __future__ import annotations

SECTION_FIELDS = """
fragment CommunicationFields on Communication {
  memo { id noteDate text version writtenBy history { text by } }
  activities(limit: $activities) { id kind direction summary occurredAt loggedBy }
  tasks { id title assigneeId deadline status colour version }
  actions { id name status dueDate version }
  actionsLeft
  tickets { id subject contractId status version closedAt }
}
"""

CLIENT = (
    SECTION_FIELDS
    + """
query($id: ID!, $activities: Int! = 20) {
  client(id: $id) { id displayName communication { ...CommunicationFields } }
}
"""
)

PAGE = """
query($first: Int!) { clients(first: $first) { edges { node {
  id displayName
  communication {
    memo { text } activities(limit: 3) { summary } actionsLeft tickets { status }
    emails { subject } received: emails(direction: INBOUND, limit: 10) { subject }
    documents { name url } agenda { title } sms { text } mailingLists { listName }
  }
} } } }
"""

LOG_ACTIVITY = """
mutation($input: LogActivityInput!) {
  logActivity(input: $input) { id kind direction summary occurredAt loggedBy }
}
"""

ADD_NOTE = """
mutation($client: ID!, $text: String!, $date: String! = "") {
  addMemoNote(clientId: $client, text: $text, noteDate: $date) { id text version noteDate }
}
"""

EDIT_NOTE = """
mutation($id: ID!, $version: Int!, $text: String!) {
  editMemoNote(id: $id, version: $version, text: $text) { id text version history { text } }
}
"""

CREATE_TASK = """
mutation($input: CreateTaskInput!) {
  createTask(input: $input) { id title deadline status colour version }
}
"""

SET_TASK_STATUS = """
mutation($id: ID!, $version: Int!, $status: MemoTaskStatus!) {
  setTaskStatus(id: $id, version: $version, status: $status) { id status version }
}
"""

CREATE_ACTION = """
mutation($client: ID!, $name: String!, $due: String! = "") {
  createAction(clientId: $client, name: $name, dueDate: $due) { id status version }
}
"""

SET_ACTION_STATUS = """
mutation($id: ID!, $version: Int!, $status: ActionStatus!) {
  setActionStatus(id: $id, version: $version, status: $status) { id status version }
}
"""

OPEN_TICKET = """
mutation($client: ID!, $subject: String!, $contract: String! = "") {
  openTicket(clientId: $client, subject: $subject, contractId: $contract) {
    id status version contractId
  }
}
"""

SET_TICKET_STATUS = """
mutation($id: ID!, $version: Int!, $status: TicketStatus!) {
  setTicketStatus(id: $id, version: $version, status: $status) { id status version closedAt }
}
"""

DASHBOARD = """
query { actionsDashboard { toDo inProgress done cancelled left overdue dueToday
  clientsWithActionsLeft } }
"""

CLIENT_EVENTS = """
subscription($id: ID!) {
  clientEvents(clientId: $id) { id type clientId actionsLeft followUpAction { name status } }
}
"""

TECHNICIAN_EVENTS = """
subscription($id: ID!) {
  clientEvents(clientId: $id) { type memoNote { text } followUpAction { name } actionsLeft }
}
"""

SEND_SMS = """
mutation($client: ID!, $text: String!, $number: String! = "") {
  sendSms(clientId: $client, text: $text, number: $number) { id number text status }
}
"""

SMS_OF = """
query($id: ID!) { client(id: $id) { communication { sms(limit: 5) { id number status sentAt } } } }
"""

EMAILS_OF = """
query($id: ID!) { client(id: $id) { communication {
  emails { sender subject sentAt direction to }
} } }
"""

CREATE_LIST = """
mutation($name: String!) { createMailingList(name: $name) { id name subscriberCount } }
"""

SET_SUBSCRIPTION = """
mutation($list: ID!, $client: ID!, $on: Boolean!) {
  setMailingListSubscription(listId: $list, clientId: $client, subscribed: $on) {
    listName subscribed changedBy changedAt
  }
}
"""

LISTS = "query { mailingLists { name subscriberCount } }"

LISTS_OF = """
query($id: ID!) { client(id: $id) { communication { mailingLists { listName subscribed } } } }
"""

START_CAMPAIGN = """
mutation($list: ID!, $name: String!, $text: String!) {
  startSmsCampaign(listId: $list, name: $name, text: $text) { id state total }
}
"""

CAMPAIGN = """
query($id: ID!) { smsCampaign(id: $id) { state total done queued skipped finishedAt } }
"""

SEND_EMAIL = """
mutation($client: ID!, $subject: String!, $body: String!, $to: String! = "",
         $contact: String! = "", $kind: OutgoingEmailKind) {
  sendEmail(clientId: $client, subject: $subject, body: $body, to: $to, contactId: $contact,
            kind: $kind) {
    id status kind to sender subject messageId contactId attempts error
  }
}
"""

SENT_EMAILS_OF = """
query($id: ID!) { client(id: $id) { communication {
  emails { id direction status subject to messageId sentAt }
} } }
"""
