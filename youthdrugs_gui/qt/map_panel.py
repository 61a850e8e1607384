"""The map of police force areas beside the chart: coloured by the filtered count or rate per force in
five classes, London enlarged in an inset, a legend with the class bounds and a key for areas with no
figure. Hovering names the force with its count, rate and England and Wales' rate; a click ticks or
unticks the force exactly as clicking its bar does. The panel only shows what the controller publishes
(`Result.force_map`) and says what the user wants (`area_clicked`, `rate_mode_chosen`)."""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (QComboBox, QGraphicsPathItem, QGraphicsRectItem, QGraphicsScene,
                               QGraphicsSimpleTextItem, QGraphicsView, QHBoxLayout, QLabel, QMenu,
                               QToolButton, QVBoxLayout, QWidget)

from ..core.errors import YouthDrugsError

if TYPE_CHECKING:
    from ..core import forcemap

_PALE = 0.35
_MARK_WORDS = {"[x]": "not available", "[c]": "suppressed", "[z]": "not applicable (no resident children to "
                                                                    "divide by)"}


class _Area(QGraphicsPathItem):
    """One force area (or its copy in the London inset)."""

    def __init__(self, name: str, path: QPainterPath, panel: "MapPanel") -> None:
        super().__init__(path)
        self.name = name
        self._panel = panel
        self.setPen(QPen(QColor("#555555"), 0))
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            self._panel.area_clicked.emit("force", self.name)
            ev.accept()
        else:
            super().mousePressEvent(ev)


class MapView(QGraphicsView):
    """The map's view: the whole of England and Wales and the London inset, whatever its size."""

    def fit(self) -> None:
        if self.scene() is not None:
            self.fitInView(self.scene().itemsBoundingRect().adjusted(-4, -4, 4, 4), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self.fit()


class MapPanel(QWidget):
    area_clicked = Signal(str, str)  # column ("force"), the force's name
    rate_mode_chosen = Signal(bool)  # the user wants rates per 1,000 children (True) or counts

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = QComboBox()
        self.mode.addItem("Counts", False)
        self.mode.addItem("Per 1,000 children aged 10-17", True)
        self.mode.setAccessibleName("Map shows")
        self.mode.setToolTip("Colour the force areas by the count, or by the rate per 1,000 children aged 10-17 "
                             "(ONS mid-year estimates)")
        self.mode.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.mode.setMinimumContentsLength(8)
        self.mode.currentIndexChanged.connect(lambda _i: self.rate_mode_chosen.emit(bool(self.mode.currentData())))
        self.save_button = QToolButton()
        self.save_button.setText("Save map")
        self.save_button.setAccessibleName("Save map")
        self.save_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.save_button)
        menu.addAction("Save map as PNG…", lambda: self.save_dialog("png"))
        menu.addAction("Save map as SVG…", lambda: self.save_dialog("svg"))
        self.save_button.setMenu(menu)
        label = QLabel("&Shows")
        label.setBuddy(self.mode)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(label)
        bar.addWidget(self.mode)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        self.scene = QGraphicsScene(self)
        self.view = MapView(self.scene)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setAccessibleName("Map of police force areas")
        self.view.setBackgroundBrush(QBrush(QColor("white")))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Map message")
        # legend and attribution as widgets, so they stay readable however small the map is drawn
        self.legend = QLabel()
        self.legend.setAccessibleName("Map legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.sources = QLabel()
        self.sources.setAccessibleName("Map sources")
        self.sources.setWordWrap(True)
        self.sources.setStyleSheet("QLabel { color: #444; font-size: 9pt; }")
        body = QHBoxLayout()
        body.addWidget(self.view, 1)
        body.addWidget(self.legend, 0)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(bar)
        lay.addLayout(body, 1)
        lay.addWidget(self.message)
        lay.addWidget(self.sources)
        self._areas: list[_Area] = []
        self._figure: forcemap.MapFigure | None = None
        self._counts: dict[str, object] = {}
        self._rates: dict[str, object] = {}
        self._reference: float | None = None
        self._heading: tuple[str, ...] = ()
        self._extra: tuple[str, ...] = ()
        self._built = False

    # ---- geometry, built once, when the map is first drawn (the window opens on the Chart tab) -------
    def _build(self) -> None:
        if self._built:
            return
        self._built = True
        from ..core import forcemap

        geo = forcemap.areas()
        x0, y0, x1, y1 = forcemap.bounds()
        scale = 600.0 / (x1 - x0)

        def path(rings, tx) -> QPainterPath:
            p = QPainterPath()
            for ring in rings:
                pts = [QPointF(*tx(x, y)) for x, y in ring]
                p.moveTo(pts[0])
                for pt in pts[1:]:
                    p.lineTo(pt)
                p.closeSubpath()
            return p

        for name, rings in sorted(geo.items()):
            item = _Area(name, path(rings, lambda x, y: ((x - x0) * scale, (y1 - y) * scale)), self)
            self.scene.addItem(item)
            self._areas.append(item)
        lx0, ly0, lx1, ly1 = forcemap.bounds(forcemap.LONDON)
        box = 170.0
        s = (box - 16) / max(lx1 - lx0, ly1 - ly0)
        left, top = (x1 - x0) * scale + 30, 10.0
        frame = QGraphicsRectItem(QRectF(left, top, box, box))
        frame.setPen(QPen(QColor("#999999"), 0))
        self.scene.addItem(frame)
        caption = QGraphicsSimpleTextItem("London (enlarged)")
        caption.setPos(left, top + box + 4)
        self.scene.addItem(caption)
        for name in forcemap.LONDON:
            item = _Area(name, path(geo[name], lambda x, y: (left + 8 + (x - lx0) * s, top + 8 + (ly1 - y) * s)), self)
            self.scene.addItem(item)
            self._areas.append(item)
        self.view.fit()

    # ---- what it shows -------------------------------------------------------------------------------
    def set_rate_mode(self, on: bool) -> None:
        i = 1 if on else 0
        if self.mode.currentIndex() != i:
            self.mode.blockSignals(True)
            self.mode.setCurrentIndex(i)
            self.mode.blockSignals(False)

    def show_values(self, counts: dict[str, object], rates: dict[str, object], reference: float | None,
                    what: str, selected: frozenset[str] | None, heading: tuple[str, ...] = (),
                    message: str = "", extra_sources: tuple[str, ...] = ()) -> None:
        """Colour the areas: by the rates when given, else by the counts."""
        from ..core import forcemap

        self._build()
        self._counts, self._rates, self._reference = counts, rates, reference
        self._heading, self._extra = heading, extra_sources
        shown = rates if rates else counts
        ref = f"England and Wales: {reference:.1f} per 1,000 children aged 10-17" if reference is not None else ""
        self._figure = forcemap.MapFigure(values=dict(shown), what=what, heading=heading, selected=selected,
                                          reference=ref, extra_sources=extra_sources)
        classes = forcemap.classify([v for v in shown.values() if isinstance(v, (int, float))])
        for item in self._areas:
            value = shown.get(item.name, "[x]")
            colour = forcemap.colour_of(value, classes)
            brush = QBrush(QColor(colour))
            if colour == forcemap.NO_DATA:
                brush = QBrush(QColor("#bdbdbd"), Qt.BrushStyle.BDiagPattern)
            item.setBrush(brush)
            item.setOpacity(_PALE if selected is not None and item.name not in selected else 1.0)
            item.setToolTip(self._tip(item.name))
        self._draw_legend(classes, what, ref)
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def _tip(self, name: str) -> str:
        lines = [name]
        n = self._counts.get(name, "[x]")
        lines.append(f"Count: {n:,}" if isinstance(n, int) else f"Count: {_MARK_WORDS.get(str(n), str(n))}")
        if self._rates:
            r = self._rates.get(name, "[x]")
            lines.append(f"Per 1,000 children aged 10-17: {r:.1f}" if isinstance(r, float)
                         else f"Per 1,000 children aged 10-17: {_MARK_WORDS.get(str(r), str(r))}")
            if self._reference is not None:
                lines.append(f"England and Wales: {self._reference:.1f}")
        lines.append("Click to tick or untick this force")
        return "\n".join(lines)

    def _draw_legend(self, classes, what: str, reference: str) -> None:
        from ..core import forcemap

        rows = [f"<b>{escape(what[:1].upper() + what[1:])}</b>"]
        if classes is not None:
            for colour, label in zip(forcemap.PALETTE, classes.labels(forcemap._fmt)):
                rows.append(f'<span style="background:{colour}; color:{colour}">&#9632;&#9632;</span> '
                            f"{escape(label)}")
        rows.append('<span style="background:#bdbdbd; color:#8c8c8c">&#9636;&#9636;</span> no figure<br>'
                    "&nbsp;&nbsp;&nbsp;&nbsp;(not available, suppressed<br>&nbsp;&nbsp;&nbsp;&nbsp;or not applicable)")
        if reference:
            head, _, tail = reference.partition(": ")
            rows.append(f"<br><b>{escape(head)}</b><br>{escape(tail)}")
        self.legend.setText("<br>".join(rows))
        self.sources.setText(" · ".join((*self._extra, *forcemap.SOURCE_LINES)))

    def area_items(self, name: str) -> list[_Area]:
        """The items drawn for a force (its area, and its copy in the London inset)."""
        self._build()
        return [a for a in self._areas if a.name == name]

    # ---- saving ------------------------------------------------------------------------------------
    def svg(self) -> str:
        if self._figure is None:
            raise YouthDrugsError("There is no map to save yet.")
        from ..core import forcemap

        return forcemap.to_svg(self._figure)

    def save(self, path: str | Path) -> None:
        from ..core.export import write_bytes_atomic
        from .render import svg_to_png

        text = self.svg()
        data = svg_to_png(text) if str(path).lower().endswith(".png") else text.encode("utf-8")
        write_bytes_atomic(path, data)

    def save_dialog(self, kind: str, folder: str = "") -> str | None:
        from .chart.image import save_image_dialog

        synthetic = bool(self._heading) and self._heading[0].startswith("Synthetic")
        return save_image_dialog(self, "map", kind, folder, synthetic, self.save)
