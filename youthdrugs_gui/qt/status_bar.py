"""The window's status bar: how many rows are shown and what they add up to, the filters in words, the
synthetic-data badge, loading progress with Cancel, and a note while a change is being worked out."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QStatusBar, QWidget

from ..core.dataset import Dataset
from ..core.result import Result

UPDATING_AFTER_MS = 150  # a change shown sooner than this needs no "Updating…"


class StatusArea(QStatusBar):
    """Shows what the window hands it; its Cancel button calls `cancel`, nothing else."""

    def __init__(self, cancel: Callable[[], None], working: Callable[[], bool],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._working = working
        self.summary = QLabel()
        self.summary.setAccessibleName("Summary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setToolTip("How many rows match the filters, of all the rows open, and what they add up to")
        self.summary.setContentsMargins(4, 0, 12, 0)
        self.filters_text = QLabel()
        self.filters_text.setAccessibleName("Active filters")
        # Both labels paint their own background and keep a fixed size between results, so a new text
        # repaints the label alone: the bar is neither laid out nor painted again.
        for label in (self.summary, self.filters_text):
            label.setAutoFillBackground(True)
        self.summary.setFixedHeight(self.summary.sizeHint().height())
        self._summary_of: Dataset | None = None  # the data set the summary's width was found for
        self.synthetic_badge = _synthetic_badge()
        self.busy = self._loading_box(cancel)
        # On large data the engine works off the UI thread; say so if a change takes a noticeable time.
        self.updating = QLabel("Updating…")
        self.updating.setAccessibleName("Updating")
        self.updating.setToolTip("The table, chart and counts are being worked out for the latest change")
        self.updating.setVisible(False)
        self._updating_timer = QTimer(self)
        self._updating_timer.setSingleShot(True)
        self._updating_timer.setInterval(UPDATING_AFTER_MS)
        self._updating_timer.timeout.connect(lambda: self.updating.setVisible(self._working()))
        self.addPermanentWidget(self.synthetic_badge)
        self.addWidget(self.summary)
        self.addWidget(_FixedSizeHolder(self.filters_text), 1)
        self.addPermanentWidget(self.busy)
        self.addPermanentWidget(_ReservedSpace(self.updating))

    def _loading_box(self, cancel: Callable[[], None]) -> QWidget:
        """The progress bar and Cancel, shown while files are read."""
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFixedWidth(200)
        self.progress.setAccessibleName("Loading progress")
        self.progress.setToolTip("How far the files being opened have been read")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel loading")
        self.cancel_button.setToolTip("Stop opening the files; the data open now stays open")
        self.cancel_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.cancel_button.clicked.connect(cancel)
        box = QWidget()
        box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)
        box.setVisible(False)
        return box

    def show_result(self, ds: Dataset, result: Result) -> None:
        """The rows shown of all, their totals, and the filters in words."""
        synthetic = " (synthetic)" if ds.synthetic else ""
        self.summary.setText(f"Showing {result.n_rows:,} of {result.n_total:,} rows — {result.totals_text()}{synthetic}")
        self._keep_summary_width(ds)
        words = result.state.describe(ds)
        if result.messages:
            words += " — " + " ".join(result.messages)
        self.filters_text.setText(words)
        self.filters_text.setToolTip(words)

    def _keep_summary_width(self, ds: Dataset) -> None:
        """The summary grows to fit a longer text but does not shrink for a shorter one (until another
        data set is shown): a click that changes only numbers leaves the bar's layout as it was."""
        wanted = self.summary.sizeHint().width()
        if ds is not self._summary_of or wanted > self.summary.width():
            self._summary_of = ds
            self.summary.setFixedWidth(wanted)

    def set_synthetic(self, synthetic: bool) -> None:
        self.synthetic_badge.setVisible(synthetic)

    def set_loading(self, loading: bool) -> None:
        """Show or hide the progress bar and Cancel; progress starts again from nothing."""
        self.busy.setVisible(loading)
        self.progress.setValue(0)

    def set_progress(self, fraction: float) -> None:
        self.progress.setValue(int(fraction * 1000))

    def set_updating(self, busy: bool) -> None:
        """Say "Updating…" once a change has taken a noticeable time; hide it when it is shown."""
        if busy:
            if not self._updating_timer.isActive() and not self.updating.isVisible():
                self._updating_timer.start()
        else:
            self._updating_timer.stop()
            self.updating.setVisible(False)


class _FixedSizeHolder(QWidget):
    """Holds a label at the size the bar gives the holder. The label's own size is fixed, so a new text
    that would change its size hint lays nothing out again; a filter description too long for the bar is
    cut at its end, as before (the tooltip holds it whole)."""

    def __init__(self, label: QLabel) -> None:
        super().__init__()
        self.label = label
        label.setParent(self)
        label.move(0, 0)
        height = label.sizeHint().height()
        label.setFixedSize(0, height)
        self.setFixedHeight(height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        self.label.setFixedSize(self.size())
        super().resizeEvent(event)


class _ReservedSpace(QWidget):
    """Keeps a label's room in the bar while the label is hidden, so that showing or hiding it (the
    "Updating…" sign, on a change that takes a while) lays out and repaints nothing else."""

    def __init__(self, label: QLabel) -> None:
        super().__init__()
        label.setParent(self)
        label.move(0, 0)
        size = label.sizeHint()
        label.setFixedSize(size)
        self.setFixedSize(size)


def _synthetic_badge() -> QLabel:
    badge = QLabel(" Synthetic sample ")
    badge.setAccessibleName("Synthetic data")
    badge.setToolTip("This data is made up for trying the program: it describes no real child. Everything "
                     "exported from it says so.")
    badge.setStyleSheet("QLabel { background: #F0E442; color: black; border-radius: 3px; font-weight: bold; }")
    badge.setVisible(False)
    return badge
