"""'More filters': the lists of the data's other columns, folded away until the user opens them."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget
from superqt import QCollapsible

_NO_LIMIT = 16777215  # Qt's largest widget size


class MoreFilters(QCollapsible):
    """A folding section of filter lists.

    Folded, its lists are hidden, so Tab skips them. Opened, it takes the height its lists need, including
    lists added later (built on first opening, a few at a time, when a file has very many columns)."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(f"More filters ({count})", parent, expandedIcon="▼", collapsedIcon="▶")
        self.setContentsMargins(0, 0, 0, 0)
        self.layout().setContentsMargins(0, 0, 0, 0)
        self.content().layout().setContentsMargins(8, 0, 0, 0)
        self.content().setVisible(False)
        self.on_first_open: Callable[[], None] | None = None  # called once, the first time it is opened
        button = self.toggleButton()
        button.setAccessibleName(f"More filters ({count})")
        button.setToolTip(f"Show or hide the lists of the {count} other columns of this data")

    def add_filter(self, widget: QWidget) -> None:
        """Add a list at the end of the section."""
        self.content().layout().addWidget(widget)

    def expand(self, animate: bool = True) -> None:
        """Open the section: build what waits for the first opening, then show it all at once."""
        self.content().setVisible(True)
        if self.on_first_open is not None:
            first, self.on_first_open = self.on_first_open, None
            first()
        super().expand(animate=False)
        self.content().setMaximumHeight(_NO_LIMIT)

    def collapse(self, animate: bool = True) -> None:
        """Fold the section away, its lists out of the Tab order."""
        super().collapse(animate=False)
        self.content().setVisible(False)
