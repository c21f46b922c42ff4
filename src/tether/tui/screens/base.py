"""The one typed way from a screen to the app (`self.tether`; Textual's `self.app` is untyped), and
what more than one screen does: acknowledging an incident, in a worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import work
from textual.screen import Screen

from tether.store.incidents import acknowledge
from tether.tui.messages import IncidentAcknowledged, WorkFailed

if TYPE_CHECKING:
    from tether.tui.app import TetherApp


class TetherScreen(Screen[None]):
    @property
    def tether(self) -> TetherApp:
        return cast("TetherApp", self.app)

    @work(thread=True, exclusive=True, group="acknowledge", exit_on_error=False)
    def ack(self, incident_id: int) -> None:
        """Acknowledge an incident (once the person has said yes); the screen hears IncidentAcknowledged."""
        app = self.tether
        try:
            with app.access.use() as store:
                incident = acknowledge(store, incident_id, app.now(), app.settings.user or None)
        except Exception as exc:
            self.post_message(WorkFailed("acknowledge the incident", exc))
            return
        self.post_message(IncidentAcknowledged(incident))
