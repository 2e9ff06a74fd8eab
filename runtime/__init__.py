"""The shared runtime of Client 360: settings, store, bus, RPC, telemetry and errors.

It holds no business rule; the gateway and every service import it.
"""
