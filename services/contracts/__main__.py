"""``python -m services.contracts`` starts the contracts service."""

from services.contracts.server import run

run()
