"""The age filter: a two-handle slider of exact ages that the mouse and the keyboard can both move."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QLabel, QStyle, QStyleOptionSlider, QVBoxLayout, QWidget
from superqt import QLabeledRangeSlider, QRangeSlider

from .facet_list import in_force_mark, titled_head

LOW, HIGH = 0, 1
_STEPS = {Qt.Key.Key_Left: -1, Qt.Key.Key_Down: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: 1}
_PAGES = {Qt.Key.Key_PageDown: -1, Qt.Key.Key_PageUp: 1}
_ENDS = {Qt.Key.Key_Home: -1, Qt.Key.Key_End: 1}


class AgeRangeSlider(QRangeSlider):
    """A range slider whose two handles are two stops of the Tab order.

    Tab reaches the lower handle first, then the upper one; arrows move the handle with the focus a year,
    Page Up/Down a page, Home/End as far as it can go. A click picks the handle nearer to it. Every key
    press is one change of value."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.current = LOW  # the handle the keys move

    def move_handle(self, handle: int, target: float) -> None:
        """Put one handle as near to target as the other handle and the ends allow."""
        lo, hi = (int(v) for v in self.value())
        step = max(1, int(self.singleStep()))
        if handle == LOW:
            lo = int(max(self.minimum(), min(hi - step, target)))
        else:
            hi = int(min(self.maximum(), max(lo + step, target)))
        if (lo, hi) != tuple(int(v) for v in self.value()):
            self.setValue((lo, hi))

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        key = Qt.Key(ev.key())
        here = int(self.value()[self.current])
        if key in _STEPS:
            self.move_handle(self.current, here + _STEPS[key] * int(self.singleStep()))
        elif key in _PAGES:
            self.move_handle(self.current, here + _PAGES[key] * int(self.pageStep()))
        elif key in _ENDS:
            self.move_handle(self.current, self.minimum() if _ENDS[key] < 0 else self.maximum())
        else:
            super().keyPressEvent(ev)
            return
        ev.accept()

    def focusInEvent(self, ev: QFocusEvent) -> None:
        if ev.reason() == Qt.FocusReason.TabFocusReason:
            self.current = LOW
        elif ev.reason() == Qt.FocusReason.BacktabFocusReason:
            self.current = HIGH
        super().focusInEvent(ev)
        self.update()

    def focusOutEvent(self, ev: QFocusEvent) -> None:
        super().focusOutEvent(ev)
        self.update()

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 (Qt's own name)
        """Tab from the lower handle goes to the upper one, Shift+Tab back; then on to other widgets."""
        if next and self.current == LOW:
            self.current = HIGH
        elif not next and self.current == HIGH:
            self.current = LOW
        else:
            return super().focusNextPrevChild(next)
        self.update()
        return True

    def mousePressEvent(self, ev: QMouseEvent) -> None:
        x = ev.position().toPoint().x()
        self.current = min((LOW, HIGH), key=lambda h: abs(self.handle_rect(h).center().x() - x))
        super().mousePressEvent(ev)
        self.update()

    def handle_rect(self, handle: int) -> QRect:
        """Where a handle is drawn."""
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        span = self.maximum() - self.minimum()
        share = (self.value()[handle] - self.minimum()) / span if span else 0.0
        opt.sliderPosition = int(round(share * opt.maximum))
        return self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                           QStyle.SubControl.SC_SliderHandle, self)

    def paintEvent(self, ev: QPaintEvent) -> None:
        super().paintEvent(ev)
        if not self.hasFocus():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(self.handle_rect(self.current).adjusted(1, 1, -1, -1), 3, 3)
        painter.end()


class _LabelledAgeSlider(QLabeledRangeSlider):
    """superqt's labelled range slider around the keyboard-aware slider."""

    _slider_class = AgeRangeSlider


class AgeFilter(QWidget):
    """Exact ages: a labelled range slider."""

    range_chosen = Signal(object)  # (lo, hi) or None

    def __init__(self, ages: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lo, self.hi = min(ages), max(ages)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 4)
        self.title = QLabel("<b>Age</b>")
        self.active_mark = in_force_mark("Age", "age")
        lay.addLayout(titled_head(self.title, self.active_mark))
        self.slider = _LabelledAgeSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Age range")
        self.slider.setRange(self.lo, self.hi)
        self.slider.setValue((self.lo, self.hi))
        self.slider.setSingleStep(1)
        self.slider.setPageStep(2)
        self.handles: AgeRangeSlider = self.slider.findChild(AgeRangeSlider)
        self.handles.setAccessibleName("Age range")
        self.slider.setFocusProxy(self.handles)
        tip = (f"Ages {self.lo} to {self.hi}: drag either end, or Tab to it and use the arrow keys, Page Up/Down, "
               "Home and End. Rows with no age are left out while the range is narrowed.")
        self.slider.setToolTip(tip)
        self.handles.setToolTip(tip)
        self.title.setToolTip(tip)
        self.slider.valueChanged.connect(self._changed)
        lay.addWidget(self.slider)

    def _changed(self, value: tuple[float, float]) -> None:
        lo, hi = int(value[0]), int(value[1])
        self.range_chosen.emit(None if (lo, hi) == (self.lo, self.hi) else (lo, hi))

    def show_state(self, age_range: tuple[int, int] | None) -> None:
        want = age_range or (self.lo, self.hi)
        want = (max(self.lo, min(self.hi, want[0])), max(self.lo, min(self.hi, want[1])))
        if tuple(int(v) for v in self.slider.value()) != want:
            with QSignalBlocker(self.slider):
                self.slider.setValue(want)
        self.active_mark.setText("•" if age_range else "")

