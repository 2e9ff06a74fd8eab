"""The identity service: clients, their contacts and the relations between clients."""
