"""Monitoring: the probe engine, check kinds' probes, conditions and health states.

Import from the modules (`tether.monitor.engine`, ...); this package imports nothing heavy.
"""
