"""Assemble a DocumentSet: the workspace's definitions and rules, then each store source in turn.

Each source is one function from the store to its part of the facts. A source whose store
module does not exist yet, or that has nothing recorded, contributes nothing, and the
documents say "not measured yet".
"""

from __future__ import annotations

from collections.abc import Callable

from tether.docs.decision_table import decision_table
from tether.docs.facts import DocumentSet
from tether.model.troubleshooting import Troubleshooting
from tether.pricing import PriceBook
from tether.store import Store
from tether.workspace import Workspace
from tether.workspace.rules import load_rules
from tether.workspace.source import integration_text


def gather(ws: Workspace, store: Store | None) -> DocumentSet:
    docs = DocumentSet(
        workspace_name=ws.file.workspace.name,
        timezone=ws.file.workspace.timezone,
        integrations=list(ws.integrations),
        systems=ws.systems,
        troubleshooting=load_rules("troubleshooting.yaml", Troubleshooting, ws.root),
        file=ws.file,
        prices=PriceBook.load(ws.root),
        root=ws.root,
        default_interval=ws.file.defaults.interval,
        default_timeout=ws.file.defaults.timeout,
        sources={i.name: integration_text(ws.located, n) for n, i in enumerate(ws.integrations)},
        decision_table=decision_table(ws.root),
    )
    if store is not None:
        from tether.docs.sources import SOURCES

        for source in SOURCES:
            source(store, docs)
    return docs


Source = Callable[[Store, DocumentSet], None]
"""Reads one part of the store and fills its fields of the DocumentSet (see tether.docs.sources)."""
