"""A chart saved as an image that says what it shows: a heading (the synthetic-data line where it
applies, the title with the filters in words, the source) above the chart, drawn with Qt's painter into
a PNG or an SVG, and written atomically with the same permissions as every export (0600)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsScene


_MARGIN = 16


def _heading_height(lines: list[str], width: float, font: QFont) -> float:
    fm = QFontMetricsF(font)
    flags = int(Qt.TextFlag.TextWordWrap)
    h = 0.0
    for i, line in enumerate(lines):
        f = _line_font(font, i)
        h += QFontMetricsF(f).boundingRect(QRectF(0, 0, width, 10_000), flags, line).height() + 4
    return h + (fm.height() if lines else 0)


def _line_font(base: QFont, i: int) -> QFont:
    f = QFont(base)
    if i == 0:
        f.setBold(True)
    return f


def _paint(painter: QPainter, scene: QGraphicsScene, source: QRectF, lines: list[str], size: QSize,
           head: float, font: QFont) -> None:
    painter.fillRect(QRectF(0, 0, size.width(), size.height()), QColor("white"))
    painter.setPen(QColor("black"))
    y = float(_MARGIN)
    width = size.width() - 2 * _MARGIN
    for i, line in enumerate(lines):
        f = _line_font(font, i)
        painter.setFont(f)
        rect = QFontMetricsF(f).boundingRect(QRectF(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), line)
        painter.drawText(QRectF(_MARGIN, y, width, rect.height()), int(Qt.TextFlag.TextWordWrap), line)
        y += rect.height() + 4
    target = QRectF(0, _MARGIN + head, size.width(), size.height() - head - _MARGIN)
    scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)


def render_png(scene: QGraphicsScene, source: QRectF, lines: list[str], width: int = 1600) -> bytes:
    scale = width / max(1.0, source.width())
    font = QFont()
    font.setPixelSize(max(14, int(14 * scale)))
    head = _heading_height(lines, width - 2 * _MARGIN, font)
    size = QSize(width, int(source.height() * scale + head + 2 * _MARGIN))
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    try:
        _paint(painter, scene, source, lines, size, head, font)
    finally:
        painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise OSError("could not draw the chart as PNG")
    return bytes(data)


def render_svg(scene: QGraphicsScene, source: QRectF, lines: list[str], title: str, description: str) -> bytes:
    font = QFont()
    font.setPixelSize(13)
    width = max(1, int(source.width()))
    head = _heading_height(lines, width - 2 * _MARGIN, font)
    size = QSize(width, int(source.height() + head + 2 * _MARGIN))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(buffer)
    gen.setSize(size)
    gen.setViewBox(QRectF(0, 0, size.width(), size.height()))
    gen.setTitle(title)
    gen.setDescription(description)
    painter = QPainter(gen)
    try:
        _paint(painter, scene, source, lines, size, head, font)
    finally:
        painter.end()
    data = bytes(buffer.data())
    if b"<svg" not in data:
        raise OSError("could not draw the chart as SVG")
    return data


def graphics_png(graphics, heading: list[str], width: int | None = None) -> bytes:
    """A pyqtgraph graphics widget's picture as PNG under its heading, at least 1,600 pixels wide."""
    return render_png(graphics.scene(), graphics.ci.sceneBoundingRect(), heading,
                      int(width or max(1600, graphics.width())))


def graphics_svg(graphics, heading: list[str], description: str) -> bytes:
    """A pyqtgraph graphics widget's picture as SVG under its heading, the heading as its title.

    Drawn with Qt's QSvgGenerator: pyqtgraph 0.14's SVGExporter fails on every plot with Qt 6.11,
    whose SVG paths end in 'Z' (pyqtgraph issue #3495)."""
    return render_svg(graphics.scene(), graphics.ci.sceneBoundingRect(), heading, " — ".join(heading), description)


def save(path: str | Path, data: bytes) -> None:
    """Write the image atomically, owner-only (an ExportError says why it could not be)."""
    from ...core.export import write_bytes_atomic

    write_bytes_atomic(path, data)


def save_image_dialog(parent, what: str, kind: str, folder: str, synthetic: bool, write) -> str | None:
    """Ask where to save a chart or map image ('png' or 'svg'), write it with `write(path)`, and say
    if it could not be; the path written, or None. A synthetic data set's image is named so."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from ...core.errors import YouthDrugsError

    name = f"{'synthetic-' if synthetic else ''}{what}.{kind}"
    start = str(Path(folder) / name) if folder else name
    path, _ = QFileDialog.getSaveFileName(parent, f"Save {what} as {kind.upper()}", start,
                                          f"{kind.upper()} image (*.{kind})")
    if not path:
        return None
    if not path.lower().endswith(f".{kind}"):
        path += f".{kind}"
    try:
        write(path)
    except (OSError, YouthDrugsError) as exc:
        QMessageBox.warning(parent, f"Could not save the {what}", f"The {what} could not be saved to {path}: {exc}")
        return None
    return path
