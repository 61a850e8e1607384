"""Help > Guide (F1): the short guide, read inside the program. No browser, no network: links inside the
page move within it, and a link to anywhere else is not followed."""
from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenuBar, QTextBrowser, QVBoxLayout, QWidget

from ..core.guide import guide_html


def menu_shortcuts(menubar: QMenuBar) -> list[tuple[str, str]]:
    """(keys, what they do) for every menu action that has a shortcut, in menu order."""
    out: list[tuple[str, str]] = []

    def walk(actions: list[QAction], where: str) -> None:
        for act in actions:
            name = act.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".")
            if act.menu() is not None:
                walk(act.menu().actions(), f"{where}{name} > ")
                continue
            keys = [k.toString() for k in act.shortcuts() if not k.isEmpty()]
            if keys and name:
                out.append((" or ".join(keys), f"{where}{name}"))

    walk(menubar.actions(), "")
    return out


class GuideDialog(QDialog):
    """The guide in a read-only text browser that never leaves the page."""

    def __init__(self, shortcuts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Guide")
        self.setAccessibleName("Guide")
        self.setModal(False)
        self.text = QTextBrowser()
        self.text.setAccessibleName("Guide to the program")
        self.text.setOpenExternalLinks(False)
        self.text.setOpenLinks(False)  # every click comes to _follow, which stays inside the page
        self.text.anchorClicked.connect(self._follow)
        self.text.setHtml(guide_html(shortcuts))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)
        lay.addWidget(buttons)
        self.resize(760, 620)

    def _follow(self, url: QUrl) -> None:
        if url.scheme() == "" and url.hasFragment() and not url.path():
            self.text.scrollToAnchor(url.fragment())
