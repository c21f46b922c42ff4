"""Start-up without the cyclic garbage collector, then what it made frozen out of the collector's way.

A start makes hundreds of thousands of objects that live as long as the process: modules, pydantic
models, a thousand integrations, the dashboard's widgets. While the heap grows, CPython runs a full
collection each time it has grown by a quarter, and each one walks everything made so far, only to
find it alive: at 1,000 integrations a third of the dashboard's first paint went there (ADR 0016).

So the console script starts with the collector off (`quiet_start`), and a command calls `settled`
once it holds what it keeps (`tether dash` at its first paint; every other command once its store
is open): the survivors move to the permanent generation (`gc.freeze`), which no collection walks,
and the collector runs as usual for what the command does next. What start-up left as cyclic
garbage stays, a bounded few megabytes, rather than paying a full collection to free it.

Only the console script starts quiet: tether imported as a library (the tests, a notebook) keeps
the collector as it found it, and `settled` then does nothing.
"""

from __future__ import annotations

import gc


class _Start:
    quiet = False
    """The console script turned the collector off, and no command has settled yet."""


def quiet_start() -> None:
    """Turn the cyclic collector off for the start (the console script's first statement)."""
    if gc.isenabled():
        gc.disable()
        _Start.quiet = True


def settled() -> None:
    """The start is over: freeze what it made and turn the collector back on (once; safe to repeat)."""
    if not _Start.quiet:
        return
    _Start.quiet = False
    gc.freeze()
    gc.enable()
