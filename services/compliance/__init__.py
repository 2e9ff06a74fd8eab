"""The compliance service: the asset-freeze register, screening of clients and contacts, and
the asset-freeze status of each client."""
