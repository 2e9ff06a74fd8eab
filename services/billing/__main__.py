"""``python -m services.billing`` starts the billing service."""

from services.billing.server import run

run()
