"""The advisor's modules import one another in one direction only: no circles (lint never imports the engine)."""

from __future__ import annotations

import itertools

import grimp


def test_no_advisor_module_imports_another_in_a_circle() -> None:
    graph = grimp.build_graph("tether")
    modules = sorted(m for m in graph.modules if m.startswith("tether.advisor"))
    circles = [
        (a, b)
        for a, b in itertools.combinations(modules, 2)
        if graph.chain_exists(importer=a, imported=b) and graph.chain_exists(importer=b, imported=a)
    ]
    assert len(modules) > 5
    assert circles == []
