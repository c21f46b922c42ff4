"""A SelectionList whose chosen items show a tick and unchosen ones an empty box.

Textual's SelectionList draws the same `X` for both, told apart by shade only: a light theme,
a dim screen or colour blindness makes them one.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton

CHOSEN = "✔"
NOT_CHOSEN = " "


class TickList(SelectionList[str]):
    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        segments = list(line)
        for index, segment in enumerate(segments):
            if segment.text != ToggleButton.BUTTON_INNER or segment.style is None:
                continue
            option = segment.style.meta.get("option")
            if option is None:
                continue
            chosen = self.get_option_at_index(option).value in self.selected
            segments[index] = Segment(CHOSEN if chosen else NOT_CHOSEN, segment.style, segment.control)
            return Strip(segments, line.cell_length)
        return line
