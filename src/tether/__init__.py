"""tether: connect AI to the software a business already runs, then keep watch."""

__version__ = "0.1.0"
