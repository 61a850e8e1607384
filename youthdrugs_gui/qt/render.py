"""SVG to PNG with Qt, for the command line (no display needed: Qt's offscreen platform is used when
there is no screen)."""
from __future__ import annotations

import os
import sys


def svg_to_png(svg: str, width: int = 1800) -> bytes:
    """A PNG of an SVG document, `width` pixels wide, on white."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0] if sys.argv else "youthdrugs-gui"])
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
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise OSError("the image could not be written as PNG")
    del app
    return bytes(data)
