"""Help > Guide (F1): a short guide inside the program that a caseworker can read without a browser."""
from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication

from youthdrugs_gui.core.cover import KEY
from youthdrugs_gui.core.guide import guide_html, guide_sections
from youthdrugs_gui.qt.guide_dialog import GuideDialog


def test_f1_opens_the_guide_with_what_a_caseworker_needs(win, qtbot):
    qtbot.keyClick(win, Qt.Key.Key_F1)
    QApplication.processEvents()
    dialog = win.guide_dialog
    assert dialog.isVisible()
    text = dialog.text.toPlainText()
    for words in ("Filters", "The numbers beside values", "never added", "area level", "synthetic sample",
                  "police.uk", "File > Open with options", "Keyboard"):
        assert words in text, words
    for mark, _meaning in KEY:
        assert mark in text
    # The shortcuts listed are the window's own, read from its menus.
    assert "Ctrl+E" in text and "File > Export" in text
    assert "F1" in text and "Help > Guide" in text
    # Pressing F1 again raises the same window rather than opening another.
    qtbot.keyClick(win, Qt.Key.Key_F1)
    assert win.guide_dialog is dialog


def test_the_guide_never_leaves_the_page(qtbot, monkeypatch):
    opened = []
    monkeypatch.setattr("PySide6.QtGui.QDesktopServices.openUrl", lambda url: opened.append(url))
    dialog = GuideDialog([("Ctrl+E", "File > Export")])
    qtbot.addWidget(dialog)
    dialog.text.anchorClicked.emit(QUrl("https://example.org/"))
    dialog.text.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert opened == []
    assert "Youth Drug Offences Explorer" in dialog.text.toPlainText()  # the page is still the guide
    dialog.text.anchorClicked.emit(QUrl("#keys"))  # contents links move within the page
    assert "Youth Drug Offences Explorer" in dialog.text.toPlainText()


def test_every_section_is_linked_from_the_contents_and_has_no_outside_links():
    html = guide_html([("Ctrl+O", "File > Open")])
    for anchor, heading in guide_sections():
        assert f'href="#{anchor}"' in html and f'name="{anchor}"' in html, heading
    assert "http" not in html and "<img" not in html and "<script" not in html.casefold()
