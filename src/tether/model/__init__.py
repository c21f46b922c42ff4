"""Pydantic models: the one source of truth for integrations.yaml and the rules files.

Import models from their modules (`tether.model.integration`, ...); this package only
re-exports the enums every layer uses, so importing it never pulls in the check kinds.
"""

from tether.model.common import Lifecycle, Pattern

__all__ = ["Lifecycle", "Pattern"]
