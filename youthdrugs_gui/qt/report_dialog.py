"""File > Report: the current view as a board paper. The dialog shows a preview of the report (title
editable, rates, suppression or rounding) and saves it as PDF (A4) or one HTML file. The report is made
by the core (`core.report`) on a worker thread; the PDF is drawn by Qt from the same HTML."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QMessageBox, QPushButton, QSpinBox, QTextBrowser, QVBoxLayout,
                               QWidget)
from superqt.utils import create_worker

from .. import __version__
from ..core.errors import YouthDrugsError


class ReportDialog(QDialog):
    def __init__(self, window, settings: QSettings) -> None:
        super().__init__(window)
        self.setWindowTitle("Report")
        self.setAccessibleName("Report")
        self.window_ = window
        self.settings = settings
        self.controller = window.controller
        self.ds = window.dataset
        self.report = None
        self.written: Path | None = None
        self._worker = None
        self._again = False
        from ..core.report import default_title

        self.title = QLineEdit(default_title(self.ds, self.controller.state))
        self.title.setAccessibleName("Report title")
        self.rate = QCheckBox("Rates per 1,000 children aged 10-17 beside England and Wales")
        self.rate.setChecked(self.controller.rate_mode)
        self.protect = QComboBox()
        self.protect.addItem("Suppress counts below", "suppress")
        self.protect.addItem("Round counts to the nearest", "round")
        self.protect.addItem("No protection (casework only)", "none")
        self.protect.setAccessibleName("Protection of small numbers")
        self.k = QSpinBox()
        self.k.setRange(2, 100)
        self.k.setValue(5)
        self.k.setAccessibleName("Threshold or base")
        prot = QWidget()
        pl = QHBoxLayout(prot)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.protect)
        pl.addWidget(self.k)
        pl.addStretch(1)
        self.format = QComboBox()
        self.format.addItem("PDF (A4)", "pdf")
        self.format.addItem("HTML (one file, opens offline)", "html")
        self.format.setAccessibleName("Report format")
        form = QFormLayout()
        form.addRow("&Title", self.title)
        form.addRow("", self.rate)
        form.addRow("&Publication", prot)
        form.addRow("&Format", self.format)
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Report preview")
        self.preview.setOpenLinks(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Report status")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton("&Save…")
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.save_dialog)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.preview, 1)
        lay.addWidget(self.status)
        lay.addWidget(self.buttons)
        screen = window.screen().availableGeometry() if window.screen() is not None else None
        self.resize(820 if screen is None else min(820, int(screen.width() * 0.9)),
                    680 if screen is None else min(680, int(screen.height() * 0.85)))
        for signal in (self.rate.toggled, self.protect.currentIndexChanged, self.k.valueChanged,
                       self.title.editingFinished):
            signal.connect(lambda *_: self.refresh())
        self.refresh()

    # ---- making the report (on a worker thread) -------------------------------------------------
    def _options(self) -> dict:
        mode = self.protect.currentData()
        return {"rate": self.rate.isChecked(), "k": self.k.value() if mode == "suppress" else None,
                "round_to": self.k.value() if mode == "round" else None,
                "title": self.title.text().strip() or None}

    def refresh(self) -> None:
        if self._worker is not None:
            self._again = True
            return
        from ..core.report import make_report

        engine, state = self.controller.engine, self.controller.state
        group, stack = self.controller.group_by, self.controller.stack_by
        opts = self._options()
        if opts["rate"]:
            stack = None

        def job():
            return make_report(engine, state, group_by=group, stack_by=stack, version=__version__, **opts)

        self.status.setText("Making the report…")
        self.save_button.setEnabled(False)
        worker = create_worker(job, _ignore_errors=True)
        worker.returned.connect(self._made)
        worker.errored.connect(self._failed)
        worker.finished.connect(self._finished)
        self._worker = worker
        worker.start()

    def _made(self, report) -> None:
        from ..core.report import to_html
        from .render import _svg_image

        self.report = report
        doc = self.preview.document()
        for name, svg in report.images.items():
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), _svg_image(svg, 900))
        self.preview.setHtml(to_html(report, inline_images=False))
        self.status.setText("")
        self.save_button.setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.report = None
        self.preview.clear()
        self.status.setText(str(exc) if isinstance(exc, YouthDrugsError) else
                            f"The report could not be made ({type(exc).__name__}).")

    def _finished(self) -> None:
        self._worker = None
        if self._again:
            self._again = False
            self.refresh()

    def wait(self, timeout_ms: int = 20000) -> None:
        """Until the report in the making is made (tests, and before saving)."""
        from PySide6.QtCore import QDeadlineTimer, QEventLoop
        from PySide6.QtWidgets import QApplication

        deadline = QDeadlineTimer(timeout_ms)
        while (self._worker is not None or self._again) and not deadline.hasExpired():
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    # ---- saving ----------------------------------------------------------------------------------
    def save_dialog(self) -> None:
        kind = self.format.currentData()
        folder = Path(str(self.settings.value("export_folder", str(Path.home()))))
        base = ("synthetic-" if self.ds.synthetic else "") + "report"
        path, _ = QFileDialog.getSaveFileName(self, "Save report", str(folder / f"{base}.{kind}"),
                                              "PDF (*.pdf)" if kind == "pdf" else "HTML (*.html)")
        if path:
            if not path.lower().endswith(f".{kind}"):
                path += f".{kind}"
            self.save(path)

    def save(self, path: str | Path) -> None:
        from ..core.export import write_report
        from ..core.report import to_html
        from .render import html_to_pdf

        self.wait()
        if self.report is None:
            return
        rep = self.report
        path = Path(path)
        try:
            if path.suffix.lower() == ".pdf":
                data = html_to_pdf(to_html(rep, inline_images=False), rep.images)
            else:
                data = to_html(rep).encode("utf-8")
            state = self.controller.state
            write_report(path, data, dataset=self.ds,
                         provenance={"filter_state": state.to_dict(), "filters_in_words": state.describe(self.ds),
                                     "report_title": rep.title, "suppression": rep.rule})
        except (OSError, YouthDrugsError) as exc:
            QMessageBox.warning(self, "Could not save the report", str(exc))
            return
        self.written = path
        self.settings.setValue("export_folder", str(path.parent))
        self.window_.statusBar().showMessage(f"Saved the report to {path}", 15000)
        self.accept()
