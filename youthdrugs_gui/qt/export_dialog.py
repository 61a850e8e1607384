"""File > Export: what to write (filtered rows, selected rows, or the chart's table), the format, the
columns, Excel-friendliness and small-number suppression.

The dialog only gathers the choices into a `core.export_view.ExportRequest`. What would be written is
worked out on a worker thread as the choices change (the latest choice wins), and the export itself runs
on a worker thread with progress and Cancel; when it is written the dialog emits `exported(result)` for
the window to say where it went."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from superqt.utils import create_worker

from ..core import export_view
from ..core.cancel import CancelToken
from ..core.errors import YouthDrugsError
from ..core.export import ExportResult, check_target, read_only_targets
from ..core.export_view import ExportPreview, ExportRequest

_NAME = Qt.ItemDataRole.UserRole
_WHAT = ("rows", "selected", "table")


def _preview_job(seq: int, request: ExportRequest) -> tuple[int, ExportPreview | None, str]:
    """Work out a preview off the UI thread: (seq, preview, "") or (seq, None, what is wrong)."""
    try:
        return seq, export_view.preview(request), ""
    except YouthDrugsError as exc:
        return seq, None, str(exc)


class ExportDialog(QDialog):
    """The export's choices, what they would write, and the export running with progress and Cancel."""

    exported = Signal(object)  # the ExportResult of a finished export
    _progressed = Signal(int)  # 0..1000, from the export's worker thread

    def __init__(self, window, settings: QSettings) -> None:
        super().__init__(window)
        self.window_ = window
        self.settings = settings
        self.controller = window.controller
        self.ds = self.controller.dataset
        self.result = self.controller.result
        self.engine = self.controller.engine
        self.state = self.controller.state
        self.setWindowTitle("Export")
        self.setAccessibleName("Export")
        self.setMinimumWidth(520)
        self._worker = None
        self._cancel: CancelToken | None = None
        self._asked = 0  # the number of the latest preview asked for: only its answer is shown
        self._previewing = None
        self._preview_again = False
        self._shown: ExportPreview | None = None
        self._problem = ""  # why the current choices cannot be exported, as the preview found
        self.written: ExportResult | None = None
        lay = QVBoxLayout(self)
        lay.addWidget(self._what_box())
        lay.addLayout(self._options_form())
        lay.addWidget(self._columns_box(window.table.visible_columns()))
        lay.addLayout(self._path_row())
        self.summary = QLabel()
        self.summary.setAccessibleName("What will be written")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self._progressed.connect(self.progress.setValue)
        lay.addWidget(self.progress)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)

        self.kind.idToggled.connect(lambda *_: self._update())
        self.format.currentIndexChanged.connect(lambda *_: self._format_changed())
        self.suppress.toggled.connect(lambda on: self._protection_chosen(self.suppress, on))
        self.round.toggled.connect(lambda on: self._protection_chosen(self.round, on))
        self.base.valueChanged.connect(lambda *_: self._update())
        self.k.valueChanged.connect(lambda *_: self._update())
        self.columns.itemChanged.connect(lambda *_: self._update())
        self._update()

    # ---- layout --------------------------------------------------------------------------------
    def _what_box(self) -> QGroupBox:
        what = QGroupBox("What to export")
        wl = QVBoxLayout(what)
        self.kind = QButtonGroup(self)
        self.selected_rows = self._selected_rows()
        self.rows_button = QRadioButton(f"The filtered rows ({self.result.n_rows:,})")
        self.selected_button = QRadioButton(f"Only the rows selected in the table ({len(self.selected_rows):,})")
        self.selected_button.setEnabled(len(self.selected_rows) > 0)
        g, s = self.controller.group_by, self.controller.stack_by
        chart_words = self.ds.label(g) if g else "nothing"
        if s:
            chart_words += f" and {self.ds.label(s)}"
        self.table_button = QRadioButton(f"A summary table of the filtered rows: count by {chart_words}")
        self.table_button.setEnabled(bool(g))
        for i, b in enumerate((self.rows_button, self.selected_button, self.table_button)):
            self.kind.addButton(b, i)
            wl.addWidget(b)
        self.rows_button.setChecked(True)
        return what

    def _options_form(self) -> QFormLayout:
        form = QFormLayout()
        self.format = QComboBox()
        self.format.addItem("CSV (comma-separated)", "csv")
        self.format.addItem("Excel workbook (XLSX)", "xlsx")
        self.format.setAccessibleName("File format")
        form.addRow("Format", self.format)
        self.bom = QCheckBox("Excel-friendly (UTF-8 with byte-order mark)")
        self.bom.setChecked(True)
        self.bom.setAccessibleName("Excel-friendly CSV")
        form.addRow("", self.bom)
        self.suppress = QCheckBox("Suppress small numbers: show counts below")
        self.suppress.setAccessibleName("Suppress small numbers")
        self.suppress.setToolTip("For publication: counts from 1 to the threshold less one are written as [c], "
                                 "and further cells are hidden until no hidden count can be narrowed to fewer "
                                 "than three values from the totals (checked by linear programming).")
        self.k = _number_box("Suppression threshold")
        form.addRow("Publication", _row(self.suppress, self.k, QLabel("as [c]")))
        self.round = QCheckBox("Or round every count and total to the nearest")
        self.round.setAccessibleName("Round counts")
        self.round.setToolTip("As the Home Office and the Department for Education publish: each count and "
                              "total rounded on its own, small counts shown as [c]")
        self.base = _number_box("Round to the nearest")
        form.addRow("", _row(self.round, self.base))
        return form

    def _columns_box(self, visible: list[str]) -> QGroupBox:
        self.columns_box = QGroupBox("Columns (in table order)")
        cl = QVBoxLayout(self.columns_box)
        self.columns = QListWidget()
        self.columns.setAccessibleName("Columns to export")
        for col in visible + [c for c in self.ds.columns if c not in visible]:
            it = QListWidgetItem(self.ds.label(col))
            it.setData(_NAME, col)
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            it.setCheckState(Qt.CheckState.Checked if col in visible else Qt.CheckState.Unchecked)
            self.columns.addItem(it)
        self.columns.setMaximumHeight(160)
        cl.addWidget(self.columns)
        return self.columns_box

    def _path_row(self) -> QHBoxLayout:
        path_row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setAccessibleName("Export file")
        folder = Path(str(self.settings.value("export_folder", str(Path.home()))))
        self.path.setText(str(folder / self._default_name("csv")))
        browse = QPushButton("Browse…")
        browse.setAutoDefault(False)  # Enter exports; it does not open the file chooser
        browse.setAccessibleName("Choose the export file")
        browse.clicked.connect(self._browse)
        path_row.addWidget(QLabel("Save to"))
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        return path_row

    # ---- choices -------------------------------------------------------------------------------
    def _selected_rows(self) -> np.ndarray:
        view = self.window_.table
        rows = view.selected_view_rows()
        return view.model().rows[rows] if rows else np.zeros(0, dtype=np.int64)

    def _protection_chosen(self, box: QCheckBox, on: bool) -> None:
        """Suppression and rounding are two rules: one at a time."""
        other = self.round if box is self.suppress else self.suppress
        if on and other.isChecked():
            other.setChecked(False)
        self._update()

    def _default_name(self, fmt: str) -> str:
        if self.ds.synthetic:  # a file made from made-up data says so in its name
            stem = Path(self.ds.name).stem.replace(" ", "-")[:40].lower()
            base = "synthetic-sample" if "sample" in stem else f"synthetic-{stem}"
        else:
            base = Path(self.ds.name).stem.replace(" ", "-")[:40]
        return f"{base}-export.{fmt}"

    def _fmt(self) -> str:
        return str(self.format.currentData())

    def chosen_columns(self) -> list[str]:
        return [self.columns.item(i).data(_NAME) for i in range(self.columns.count())
                if self.columns.item(i).checkState() == Qt.CheckState.Checked]

    def request(self, path: Path | None = None) -> ExportRequest:
        """The export the dialog's choices describe (to `path`, if given)."""
        what = _WHAT[max(self.kind.checkedId(), 0)]
        is_table = what == "table"
        group = tuple(c for c in (self.controller.group_by, self.controller.stack_by) if c)
        return ExportRequest(
            engine=self.engine, state=self.state, path=path, what=what,
            rows=self.selected_rows if what == "selected" else self.result.rows,
            columns=None if is_table else tuple(self.chosen_columns()),
            group_by=group if is_table else (),
            suppress_below=self.k.value() if is_table and self.suppress.isChecked() else None,
            round_to=self.base.value() if is_table and self.round.isChecked() else None,
            fmt=self._fmt(), bom=self.bom.isChecked(),
        )

    def _format_changed(self) -> None:
        p = Path(self.path.text().strip() or self._default_name(self._fmt()))
        if p.suffix.lower() in (".csv", ".xlsx"):
            self.path.setText(str(p.with_suffix("." + self._fmt())))
        self._update()

    def _browse(self) -> None:
        fmt = self._fmt()
        filt = "CSV (*.csv)" if fmt == "csv" else "Excel workbook (*.xlsx)"
        # The overwrite question is asked once, by start_export, for typed and browsed names alike.
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), filt,
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            if Path(path).suffix.lower() != "." + fmt:
                path += "." + fmt
            self.path.setText(path)

    # ---- what will be written --------------------------------------------------------------------
    def _update(self) -> None:
        """The controls that apply to the choice, and a new preview of what it would write."""
        is_table = self.kind.checkedId() == 2
        self.columns_box.setEnabled(not is_table)
        self.suppress.setEnabled(is_table)
        self.k.setEnabled(is_table and self.suppress.isChecked())
        self.round.setEnabled(is_table)
        self.base.setEnabled(is_table and self.round.isChecked())
        self.bom.setEnabled(self._fmt() == "csv")
        self._shown = None
        self._problem = ""
        self._asked += 1
        self.summary.setText("Working out what will be written…")
        self._enable_export()
        if self._previewing is not None:
            self._preview_again = True
        else:
            self._start_preview()

    def _start_preview(self) -> None:
        self._preview_again = False
        worker = create_worker(_preview_job, self._asked, self.request(), _ignore_errors=True)
        worker.returned.connect(self._previewed)
        worker.errored.connect(self._preview_failed)
        worker.finished.connect(self._preview_finished)
        self._previewing = worker
        worker.start()

    def _previewed(self, answer: tuple[int, ExportPreview | None, str]) -> None:
        seq, shown, problem = answer
        if seq != self._asked:  # the choices changed since: a newer preview is on its way
            return
        self._shown, self._problem = shown, problem
        self.summary.setText(problem if shown is None else self._summary_words(shown))
        self._enable_export()

    def _preview_failed(self, exc: BaseException) -> None:
        from ..core.crashlog import log_exception

        log_exception(type(exc), exc, exc.__traceback__)
        self.summary.setText(f"Could not work out what will be written ({type(exc).__name__}).")

    def _preview_finished(self) -> None:
        self._previewing = None
        if self._preview_again:
            self._start_preview()

    def _summary_words(self, shown: ExportPreview) -> str:
        req = shown.request
        if req.is_table:
            text = f"{shown.rows:,} table rows will be written (count by group; totals included)."
            if req.suppress_below is not None:
                text += (f" Counts from 1 to {req.suppress_below - 1} will show as [c], and more cells are hidden "
                         "until no hidden count can be worked out from the totals.")
            elif req.round_to is not None:
                text += (f" Every count and total is rounded to the nearest {req.round_to}; counts from 1 to "
                         f"{req.round_to - 1} show as [c].")
            if shown.hidden:
                text += f" In this table {shown.hidden:,} {'entry' if shown.hidden == 1 else 'entries'} will show as [c]."
        else:
            text = f"{shown.rows:,} rows × {len(shown.columns)} columns will be written."
        for line in (*shown.notes, *shown.warnings):
            text += " " + line
        if self.ds.synthetic:
            text += " The data is the synthetic sample; the provenance file says so."
        return text

    def _enable_export(self) -> None:
        """Export is possible when there is something to write and no export is running."""
        if self._problem:
            ready = False
        elif self._shown is not None:
            ready = self._shown.ready
        else:  # until the preview comes: what is known without working anything out
            is_table = self.kind.checkedId() == 2
            rows = self.selected_rows if self.kind.checkedId() == 1 else self.result.rows
            ready = len(rows) > 0 and (is_table or bool(self.chosen_columns()))
        self.export_button.setEnabled(ready and self._worker is None)

    # ---- writing -------------------------------------------------------------------------------
    def start_export(self) -> None:
        path = Path(self.path.text().strip()).expanduser()
        if not self.path.text().strip():
            QMessageBox.warning(self, "Export", "Choose a file to export to.")
            return
        if path.suffix.lower() not in (".csv", ".xlsx"):
            path = path.with_name(path.name + "." + self._fmt())
        replace_read_only = self._confirm_replacing(path)
        if replace_read_only is None:
            return
        chosen = self.request()
        shown = self._shown
        if shown is not None and replace(shown.request, fmt=chosen.fmt, bom=chosen.bom) != chosen:
            shown = None  # the preview is of other choices: the export works its table out again
        target: ExportRequest | ExportPreview = (
            replace(shown, request=replace(chosen, path=path)) if shown is not None else replace(chosen, path=path))
        cancel = CancelToken()
        emit = self._progressed.emit

        def job() -> ExportResult:
            return export_view.write(target, progress=lambda done, total: emit(int(1000 * done / max(total, 1))),
                                     cancel=cancel, replace_read_only=replace_read_only)

        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.export_button.setEnabled(False)
        self._cancel = cancel
        worker = create_worker(job, _ignore_errors=True)
        worker.returned.connect(self._done)
        worker.errored.connect(self._failed)
        worker.finished.connect(self._finished)
        self._worker = worker
        self.settings.setValue("export_folder", str(path.parent))
        worker.start()

    def _confirm_replacing(self, path: Path) -> bool | None:
        """Ask before replacing a file: a read-only one by name, as such (then it may be replaced: True);
        None when the user says no, or the name cannot be written at all (a folder, a pipe, a device ...:
        said at once, nothing asked)."""
        try:
            check_target(path, inputs=[s.path for s in self.ds.sources], replace_read_only=True)
        except YouthDrugsError as exc:
            QMessageBox.warning(self, "Export", str(exc))
            return None
        locked = read_only_targets(path)
        if locked:
            many = len(locked) > 1
            text = (f"{' and '.join(p.name for p in locked)} {'are' if many else 'is'} read-only in {path.parent}.\n"
                    f"Do you want to replace {'them' if many else 'it'} anyway?")
        elif path.exists():
            text = f"{path.name} already exists in {path.parent}.\nDo you want to replace it?"
        else:
            return False
        answer = QMessageBox.question(self, "Replace file?", text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return None
        return bool(locked)

    def done_words(self, res: ExportResult) -> str:
        """What the window says once an export is written."""
        synthetic = " — synthetic sample: no real children" if self.ds.synthetic else ""
        return f"Exported {res.rows:,} rows to {res.path} (provenance in {Path(res.sidecar).name}){synthetic}"

    def _done(self, res: ExportResult) -> None:
        self.written = res
        self.exported.emit(res)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, YouthDrugsError):
            message = str(exc)
        else:
            from ..core.crashlog import where_words

            where = where_words(type(exc), exc, exc.__traceback__)
            message = f"The export failed unexpectedly ({type(exc).__name__}). Nothing was written; {where}."
        QMessageBox.warning(self, "Export failed", message)

    def _finished(self) -> None:
        self._worker = None
        self._cancel = None
        self.progress.setVisible(False)
        self._enable_export()

    def reject(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()
            return
        super().reject()

    @property
    def busy(self) -> bool:
        """Whether an export is being written."""
        return self._worker is not None

    @property
    def working_out(self) -> bool:
        """Whether what the current choices would write is still being worked out."""
        return self._previewing is not None


def _number_box(name: str) -> QSpinBox:
    """A whole number from 2 to 100, 5 to begin with (a threshold or a rounding base)."""
    box = QSpinBox()
    box.setRange(2, 100)
    box.setValue(5)
    box.setAccessibleName(name)
    return box


def _row(*widgets: QWidget) -> QWidget:
    """Widgets side by side, flush left."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        layout.addWidget(w)
    layout.addStretch(1)
    return row
