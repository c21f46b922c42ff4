"""A question before an action that changes state or writes outside the app: yes or no, the target named.

"No" has the focus when the question opens, so a stray Enter (a palette choice that had not yet
registered the typed search, a key pressed twice) answers no.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

if TYPE_CHECKING:
    from tether.store.incidents import Incident


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True only by the confirming button or `y`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes: str, detail: str = "") -> None:
        super().__init__(id="confirm")
        self.question = question
        self.yes = yes
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question", markup=False)
            if self.detail:
                yield Static(self.detail, id="confirm-detail", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("No (n)", id="confirm-no")
                yield Button(f"{self.yes} (y)", id="confirm-yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def acknowledge_question(incident: Incident, user: str) -> ConfirmScreen:
    """Acknowledging stops the reminders to whoever is on call: ask, naming the incident and what it covers."""
    about = incident.integration or incident.vendor or ", ".join(incident.affected) or incident.key
    return ConfirmScreen(
        f"Acknowledge incident #{incident.id} on {about}?",
        "Acknowledge",
        f"{incident.reason}\nReminders stop; it is recorded as acknowledged by {user or 'you'}.",
    )
