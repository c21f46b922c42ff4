"""`tether serve`: heartbeats in (POST /ping/...), Prometheus metrics and JSON status out.

Import from the modules (`tether.server.app`); this package imports nothing heavy.
"""
