"""``python -m services.interventions`` starts the interventions service."""

from services.interventions.server import run

run()
