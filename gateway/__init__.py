"""The Client 360 GraphQL gateway: authenticates, plans the fan-out to the services, stitches
their answers into one client file, and turns domain events into subscriptions."""
