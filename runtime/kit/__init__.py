"""The service kit: what every service needs besides its domain, written once.

Repositories that own their transactions, versioned updates with field masks and audit
stamps, keyset paging, the common proto shapes and money, shared validators, sensitive fields
by path, gapless numbering, local copies of another service's records, and the durable job
runner. It holds no business rule: services pass in their fields, rules and work.
"""
