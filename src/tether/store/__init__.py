"""The SQLite store: history and state. The only package that speaks SQL."""

from tether.store.db import Store, open_store

__all__ = ["Store", "open_store"]
