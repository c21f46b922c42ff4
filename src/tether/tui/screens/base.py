"""The one typed way from a screen to the app: `self.tether` (Textual's `self.app` is untyped)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from tether.tui.app import TetherApp


class TetherScreen(Screen[None]):
    @property
    def tether(self) -> TetherApp:
        return cast("TetherApp", self.app)
