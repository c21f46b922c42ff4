"""A loopback stand-in of the integration stack, with fault injection; see `tether sandbox --help`.

Import from the modules (`tether.sandbox.server`, `tether.sandbox.scenario`).
"""
