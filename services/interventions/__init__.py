"""The interventions service: field work of each client (work orders, their stages, seed 001's
filters) and the technician's day."""
