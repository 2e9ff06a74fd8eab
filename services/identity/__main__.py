"""``python -m services.identity`` starts the identity service."""

from services.identity.server import run

run()
