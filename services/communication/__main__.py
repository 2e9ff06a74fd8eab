"""``python -m services.communication`` starts the communication service."""

from services.communication.server import run

run()
