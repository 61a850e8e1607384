"""The chart's axes: categories (or periods of time) along the bottom, counts or rates up the side."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter

from . import time_axis

ELLIPSIS = "…"


def abbreviate(text: str, max_chars: int) -> str:
    """The text cut to max_chars with an ellipsis ('Greater Manchester', 12 -> 'Greater Man…')."""
    if len(text) <= max_chars:
        return text
    return text[: max(1, max_chars - 1)].rstrip() + ELLIPSIS


class CategoryAxis(pg.AxisItem):
    """Bottom axis with one label per category at x = 0, 1, 2 ..., or, for periods of time, labels
    at their place in time, thinned so that they never overlap.

    Category labels are drawn level when they fit, else abbreviated (about 12 characters), else turned
    upright and abbreviated to fit a third of the chart's height; if even upright labels would overlap,
    only every n-th is drawn. The full names stay available (`full_labels`, and the panel's tooltips)."""

    LEVEL_CHARS = 12

    def __init__(self) -> None:
        super().__init__("bottom")
        self._full: tuple[str, ...] = ()
        self._shown: list[str] = []
        self._step = 1
        self._upright = False
        self._text_extent = 0.0  # pixels the labels need below the ticks
        self._time_kind: str | None = None
        self._time_ticks: list[tuple[float, str]] = []
        self.setStyle(showValues=False, tickLength=4, autoExpandTextSpace=False)
        self.enableAutoSIPrefix(False)  # categories have no units: never "(x0.001)" under one bar
        self.setTickFont(QFont())

    def setLabel(self, *args, **kwargs) -> None:  # noqa: N802 (pyqtgraph's name)
        """A new title changes the room the axis needs below its labels: lay it out again, so the title
        sits under the labels and never over them."""
        super().setLabel(*args, **kwargs)
        if hasattr(self, "_full"):  # pyqtgraph sets the first title before this axis is set up
            self.relayout(force=True)

    # -- what is shown (for the panel and the tests) --
    @property
    def full_labels(self) -> tuple[str, ...]:
        return self._full

    @property
    def shown_labels(self) -> list[str]:
        """The text drawn under each category ('' where skipped for lack of room)."""
        return [s if i % self._step == 0 else "" for i, s in enumerate(self._shown)]

    @property
    def time_labels(self) -> list[tuple[float, str]]:
        """On a time axis, the (position, text) of each label drawn; else empty."""
        return list(self._time_ticks) if self._time_kind else []

    @property
    def upright(self) -> bool:
        return self._upright

    def set_categories(self, labels: Sequence[str]) -> None:
        """One label per category, at x = 0, 1, 2 ..."""
        self._full = tuple(labels)
        self._time_kind = None
        self.setTicks([[(float(i), "") for i in range(len(self._full))]])
        self.relayout(force=True)

    def set_periods(self, kind: str, labels: Sequence[str], x: np.ndarray) -> None:
        """Periods of time ('month', 'quarter', 'calendar_year') at their places in time."""
        self._full = tuple(labels)
        self._time_kind = kind
        self.setTicks([[(float(v), "") for v in x if np.isfinite(v)]])
        self.relayout(force=True)

    # -- layout --
    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.style["tickFont"] or QFont())

    def _pixels_per_unit(self) -> float:
        lo, hi = self.range
        return self.width() / (abs(hi - lo) or 1.0) if self.width() > 0 else 0.0

    def _category_layout(self, fm: QFontMetricsF, per: float) -> tuple[list[str], bool, int]:
        """Level, abbreviated or upright labels, and every how many one is drawn."""
        shown, upright, step = list(self._full), False, 1
        if not self._full or per <= 0:
            return shown, upright, step
        if max(fm.horizontalAdvance(s) for s in self._full) + 6 <= per:
            return shown, upright, step
        short = [abbreviate(s, self.LEVEL_CHARS) for s in self._full]
        if max(fm.horizontalAdvance(s) for s in short) + 6 <= per:
            return short, upright, step
        parent = self.parentItem()
        total = parent.size().height() if parent is not None else 300.0
        room = max(fm.height() * 4, total / 3 - fm.height() * 2)
        chars = max(8, min(24, int(room / max(1.0, fm.averageCharWidth()))))
        step = max(1, math.ceil((fm.height() * 1.05) / per))
        return [abbreviate(s, chars) for s in self._full], True, step

    def relayout(self, force: bool = False) -> None:
        """Choose the labels for the current width; cheap when nothing changes."""
        fm = self._metrics()
        line = fm.height()
        per = self._pixels_per_unit()
        if self._time_kind is not None:
            lo, hi = sorted(self.range)
            ticks = time_axis.time_ticks(self._time_kind, lo, hi, per, fm.horizontalAdvance)
            if per > 0:  # a label cut by the edge of the chart is left out
                ticks = [(x, t) for x, t in ticks
                         if lo + fm.horizontalAdvance(t) / 2 / per <= x <= hi - fm.horizontalAdvance(t) / 2 / per]
            shown, upright, step = [t for _, t in ticks], False, 1
        else:
            ticks = []
            shown, upright, step = self._category_layout(fm, per)
        extent = 0.0
        if self._full:
            extent = (max(fm.horizontalAdvance(s) for s in shown) if upright else line) + 2
        changed = (shown != self._shown or upright != self._upright or step != self._step
                   or abs(extent - self._text_extent) > 0.5 or ticks != self._time_ticks)
        if not (changed or force):
            return
        self._shown, self._upright, self._step, self._text_extent = shown, upright, step, extent
        if self._time_kind is not None and ticks != self._time_ticks:
            self.setTicks([[(x, "") for x, _ in ticks]])  # a tick mark under each label only
        self._time_ticks = ticks
        label_h = self.label.boundingRect().height() * 0.8 if self.label.isVisible() else 0
        height = int(math.ceil(max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1]
                               + extent + label_h + 2))
        if self.fixedHeight != height:
            self.setHeight(height)
        self.picture = None
        self.update()

    def resizeEvent(self, ev=None) -> None:
        super().resizeEvent(ev)
        if getattr(self, "_full", None) is not None:
            self.relayout()

    def linkedViewChanged(self, view, newRange=None) -> None:
        super().linkedViewChanged(view, newRange)
        self.relayout()

    # -- drawing --
    def drawPicture(self, p: QPainter, axisSpec, tickSpecs, textSpecs) -> None:
        super().drawPicture(p, axisSpec, tickSpecs, [])
        if not self._shown:
            return
        bounds = self.mapRectFromParent(self.geometry())
        lo, hi = self.range
        if hi == lo:
            return
        scale = bounds.width() / (hi - lo)
        top = bounds.top() + max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1]
        fm = self._metrics()
        line = fm.height()
        p.setPen(self.textPen())
        if self._time_kind is not None:
            for x, text in self._time_ticks:
                width = fm.horizontalAdvance(text) + 4
                p.drawText(QRectF((x - lo) * scale - width / 2, top, width, line),
                           int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), text)
            return
        for i, text in enumerate(self._shown):
            if i % self._step or not text:
                continue
            x = (i - lo) * scale
            if bounds.left() - 1 <= x <= bounds.right() + 1:
                self._draw_label(p, fm, text, x, top, abs(scale))

    def _draw_label(self, p: QPainter, fm: QFontMetricsF, text: str, x: float, top: float, per: float) -> None:
        line = fm.height()
        if self._upright:
            p.save()
            p.translate(x, top)
            p.rotate(-90)
            width = fm.horizontalAdvance(text) + 2
            p.drawText(QRectF(-width, -line / 2, width, line),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text)
            p.restore()
        else:
            p.drawText(QRectF(x - per / 2, top, per, line),
                       int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextDontClip), text)


class CountAxis(pg.AxisItem):
    """Left axis for counts: whole numbers only, with thousands separators, no SI prefixes."""

    whole = True  # counts: whole numbers only; rates: any spacing

    def __init__(self) -> None:
        super().__init__("left")
        self.enableAutoSIPrefix(False)
        # The axis widens for longer numbers but never narrows: a change of numbers never moves the plot.
        self.setStyle(maxTickLevel=1, autoReduceTextSpace=False)
        self.setTickFont(QFont())

    def tickValues(self, minVal, maxVal, size):
        if not self.whole:
            return super().tickValues(minVal, maxVal, size)
        levels = []
        for spacing, values in super().tickValues(minVal, maxVal, size):
            if spacing < 1:
                continue
            levels.append((spacing, [v for v in values if abs(v - round(v)) < 1e-6]))
        if not levels:
            levels = [(1.0, [float(v) for v in range(int(math.ceil(minVal)), int(maxVal) + 1)])]
        return levels

    def tickStrings(self, values, scale, spacing):
        if not self.whole:
            return [f"{v:,.1f}" for v in values]
        return [f"{int(round(v)):,}" for v in values]
