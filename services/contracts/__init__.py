"""The contracts service: contracts with their participants, renewal markers and termination
rights, and claims with the open-claims counter of each client file."""
