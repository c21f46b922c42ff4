"""A footer that shows as many keys as fit on its one line, in binding order, and the palette key.

Textual's footer scrolls sideways when the keys are wider than the terminal, so at 60 columns
the last ones (and the palette hint) are cut mid-word. The keys it leaves out are still bound,
and listed in help (`?`) and the command palette.
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_ROOM = 12
"""Columns kept for the command palette's key at the right."""


class FittingFooter(Footer):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)

    async def recompose(self) -> None:
        await super().recompose()
        self.fit()

    def on_mount(self) -> None:
        self.call_after_refresh(self.fit)

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        room = (self.size.width or self.app.size.width) - PALETTE_ROOM
        used = 0
        for key in self.query(FooterKey):
            if key.has_class("-command-palette"):
                continue
            width = len(key.key_display) + len(key.description) + 2  # compact: a space inside and after
            key.display = used + width <= room
            if key.display:
                used += width
