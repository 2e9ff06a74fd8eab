"""GraphQL documents the identity tests send through the gateway."""

CLIENT_FIELDS = """
fragment ClientFields on Client {
  id reference displayName kind version
  identity {
    civility firstName lastName registrationNumber dmsNumber
    phones { number kind primary }
    emails { address primary }
    addresses { label line1 city postalCode country primary latitude longitude }
    primaryAddress { city }
    personal { birthDate socialSecurityNumber profession }
    professional { legalName siren siret }
    bankAccounts { iban bic }
    familyMembers { firstName socialSecurityNumber }
    management { accountManager origin comment }
    flags { archived leasingCompany communicationBlocked preferredChannel }
    importantNotes memo
    audit { createdAt createdBy updatedAt updatedBy }
  }
  relations { parentId parent { id } associated { id } }
}
"""

CREATE = (
    CLIENT_FIELDS
    + """
mutation Create($input: ClientInput!) { createClient(input: $input) { ...ClientFields } }
"""
)

GET = (
    CLIENT_FIELDS
    + """
query Get($id: ID!) { client(id: $id) { ...ClientFields } }
"""
)

UPDATE = (
    CLIENT_FIELDS
    + """
mutation Update($id: ID!, $version: Int!, $input: ClientInput!) {
  updateClient(id: $id, version: $version, input: $input) { ...ClientFields }
}
"""
)

ARCHIVE = (
    "mutation Archive($id: ID!) { archiveClient(id: $id) { id identity { flags { archived } } } }"
)

SEARCH = """
query Search($search: String, $first: Int!, $after: String, $archived: Boolean! = false) {
  clients(search: $search, first: $first, after: $after, includeArchived: $archived) {
    totalCount
    pageInfo { endCursor hasNextPage }
    edges { cursor node { id reference displayName } }
  }
}
"""

CONTACT_FIELDS = """
fragment ContactFields on Contact {
  id clientId lastName firstName function displayOrder validFrom validTo version
  phones { number } emails { address }
  address { line1 city }
  consents { eSignature commercialEmails partnerEmails }
  recipientRoles { dueNotices unpaidReminders documentReminders claimSettlements }
}
"""

ADD_CONTACT = (
    CONTACT_FIELDS
    + """
mutation Add($clientId: ID!, $input: ContactInput!) {
  addContact(clientId: $clientId, input: $input) { ...ContactFields }
}
"""
)

UPDATE_CONTACT = (
    CONTACT_FIELDS
    + """
mutation UpdateContact($id: ID!, $version: Int!, $input: ContactInput!) {
  updateContact(id: $id, version: $version, input: $input) { ...ContactFields }
}
"""
)

END_CONTACT = (
    CONTACT_FIELDS
    + """
mutation End($id: ID!, $validTo: String) {
  endContact(id: $id, validTo: $validTo) { ...ContactFields }
}
"""
)

CONTACTS = (
    CONTACT_FIELDS
    + """
query Contacts($id: ID!, $historical: Boolean!) {
  client(id: $id) { contacts(includeHistorical: $historical) { ...ContactFields } }
}
"""
)

SET_PARENT = """
mutation SetParent($id: ID!, $parent: ID) {
  setParentClient(clientId: $id, parentClientId: $parent) {
    id relations { parentId parent { id displayName } }
  }
}
"""

ASSOCIATE = """
mutation Associate($id: ID!, $other: ID!, $associated: Boolean! = true) {
  associateClients(clientId: $id, otherClientId: $other, associated: $associated) {
    id relations { associated { id } }
  }
}
"""


def individual(first: str = "Camille", last: str = "Martin", **extra: object) -> dict[str, object]:
    return {"kind": "INDIVIDUAL", "firstName": first, "lastName": last, **extra}


# Valid numbers (check digits computed by python-stdnum) used across the tests.
VALID_NIR = "184057512345625"
VALID_IBAN = "FR7630006000011234567890189"
VALID_BIC = "BNPAFRPPXXX"
VALID_SIREN = "732829320"
VALID_SIRET = "73282932000074"


# The commands on one item of a client's lists, the primary address, restore and delete.

ITEM_FIELDS = """
fragment ItemFields on Client {
  id version
  identity {
    phones { id number kind primary }
    emails { id address kind primary }
    addresses { id label line1 postalCode city country primary latitude longitude }
    primaryAddress { id city }
    bankAccounts { id iban bic holder label }
    familyMembers { id firstName lastName relationship birthDate socialSecurityNumber }
  }
}
"""


def _item_mutation(name: str, input_type: str, id_argument: str | None = None) -> str:
    """A document calling the item mutation ``name`` and reading the client back."""
    declared = f", ${id_argument}: ID!" if id_argument else ""
    passed = f", {id_argument}: ${id_argument}" if id_argument else ""
    return (
        ITEM_FIELDS
        + f"""
mutation($clientId: ID!, $version: Int!{declared}, $input: {input_type}!) {{
  {name}(clientId: $clientId, version: $version{passed}, input: $input) {{ ...ItemFields }}
}}
"""
    )


ADD_ADDRESS = _item_mutation("addAddress", "AddressInput")
UPDATE_ADDRESS = _item_mutation("updateAddress", "AddressUpdateInput", "addressId")
ADD_PHONE = _item_mutation("addPhone", "PhoneInput")
UPDATE_PHONE = _item_mutation("updatePhone", "PhoneUpdateInput", "phoneId")
ADD_EMAIL = _item_mutation("addEmail", "EmailInput")
UPDATE_EMAIL = _item_mutation("updateEmail", "EmailUpdateInput", "emailId")
ADD_BANK_ACCOUNT = _item_mutation("addBankAccount", "BankAccountInput")
UPDATE_BANK_ACCOUNT = _item_mutation("updateBankAccount", "BankAccountUpdateInput", "bankAccountId")
ADD_FAMILY_MEMBER = _item_mutation("addFamilyMember", "FamilyMemberInput")
UPDATE_FAMILY_MEMBER = _item_mutation(
    "updateFamilyMember", "FamilyMemberUpdateInput", "familyMemberId"
)

REMOVE_ITEM = (
    ITEM_FIELDS
    + """
mutation($clientId: ID!, $version: Int!, $itemId: ID!) {
  removeClientItem(clientId: $clientId, version: $version, itemId: $itemId) { ...ItemFields }
}
"""
)

SET_PRIMARY_ADDRESS = (
    ITEM_FIELDS
    + """
mutation($clientId: ID!, $version: Int!, $addressId: ID!) {
  setPrimaryAddress(clientId: $clientId, version: $version, addressId: $addressId) {
    ...ItemFields
  }
}
"""
)

RESTORE = """
mutation($id: ID!, $version: Int!) {
  restoreClient(id: $id, version: $version) { id version identity { flags { archived } } }
}
"""

DELETE_CONTACT = (
    CONTACT_FIELDS
    + """
mutation($id: ID!, $version: Int!) {
  deleteContact(id: $id, version: $version) { ...ContactFields }
}
"""
)
