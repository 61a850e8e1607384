"""SVG to PNG with Qt, for the command line (no display needed: Qt's offscreen platform is used when
there is no screen)."""
from __future__ import annotations

import os
import sys


def _app():
    """The application object Qt's painting needs: the running one, or a QApplication made once and
    kept (a QApplication, so that windows can still be made in the same process)."""
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "youthdrugs-gui"])


def svg_to_png(svg: str, width: int = 1800) -> bytes:
    """A PNG of an SVG document, `width` pixels wide, on white."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    _app()
    image = _svg_image(svg, width)
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise OSError("the image could not be written as PNG")
    return bytes(data)


def _svg_image(svg: str, width: int):
    """An SVG drawn on white into an image `width` pixels wide."""
    from PySide6.QtCore import QByteArray
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise OSError("the image could not be drawn")
    size = renderer.defaultSize()
    height = max(1, round(size.height() * width / max(1, size.width())))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    try:
        renderer.render(painter)
    finally:
        painter.end()
    return image


def html_to_pdf(html: str, images: dict[str, str]) -> bytes:
    """An A4 PDF of rich-text HTML (Qt's QTextDocument: real, selectable text with embedded fonts; a
    table's header row repeats on every page). `images` maps the names used in <img src> to SVG text,
    drawn at print resolution."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QUrl
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

    _app()
    doc = QTextDocument()
    for name, svg in images.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), _svg_image(svg, 1600))
    doc.setHtml(html)
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    writer.setResolution(300)
    writer.setTitle(doc.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
    writer.setCreator("youthdrugs-gui")
    doc.print_(writer)  # laid out on the writer's A4 page, fonts at their point sizes
    buf.close()
    return bytes(data)
