"""File > Export: what to write (filtered rows, selected rows, or the chart's table), the format, the
columns, Excel-friendliness and small-number suppression; it writes through the core's safe exporter
on a worker thread and says where it wrote."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, QTimer
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

from ..core import export as ex
from ..core.disclosure import aggregate, protect_table, table_dims, tabulate
from ..core.errors import YouthDrugsError

_NAME = Qt.ItemDataRole.UserRole


class ExportDialog(QDialog):
    def __init__(self, window, settings: QSettings) -> None:
        super().__init__(window)
        self.window_ = window
        self.settings = settings
        self.controller = window.controller
        self.ds = self.controller.dataset
        self.result = self.controller.result
        self.setWindowTitle("Export")
        self.setAccessibleName("Export")
        self.setMinimumWidth(520)
        self._worker = None
        self.written: ex.ExportResult | None = None
        lay = QVBoxLayout(self)

        what = QGroupBox("What to export")
        wl = QVBoxLayout(what)
        self.kind = QButtonGroup(self)
        n_filtered = self.result.n_rows
        self.selected_rows = self._selected_rows()
        self.rows_button = QRadioButton(f"The filtered rows ({n_filtered:,})")
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
        lay.addWidget(what)

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
        sup = QWidget()
        sl = QHBoxLayout(sup)
        sl.setContentsMargins(0, 0, 0, 0)
        self.suppress = QCheckBox("Suppress small numbers: show counts below")
        self.suppress.setAccessibleName("Suppress small numbers")
        self.suppress.setToolTip("For publication: counts from 1 to the threshold less one are written as [c], "
                                 "and further cells are hidden until no hidden count can be narrowed to fewer "
                                 "than three values from the totals (checked by linear programming).")
        self.k = QSpinBox()
        self.k.setRange(2, 100)
        self.k.setValue(5)
        self.k.setAccessibleName("Suppression threshold")
        sl.addWidget(self.suppress)
        sl.addWidget(self.k)
        sl.addWidget(QLabel("as [c]"))
        sl.addStretch(1)
        form.addRow("Publication", sup)
        rnd = QWidget()
        rl = QHBoxLayout(rnd)
        rl.setContentsMargins(0, 0, 0, 0)
        self.round = QCheckBox("Or round every count and total to the nearest")
        self.round.setAccessibleName("Round counts")
        self.round.setToolTip("As the Home Office and the Department for Education publish: each count and "
                              "total rounded on its own, small counts shown as [c]")
        self.base = QSpinBox()
        self.base.setRange(2, 100)
        self.base.setValue(5)
        self.base.setAccessibleName("Round to the nearest")
        rl.addWidget(self.round)
        rl.addWidget(self.base)
        rl.addStretch(1)
        form.addRow("", rnd)
        lay.addLayout(form)

        self.columns_box = QGroupBox("Columns (in table order)")
        cl = QVBoxLayout(self.columns_box)
        self.columns = QListWidget()
        self.columns.setAccessibleName("Columns to export")
        visible = window.table.visible_columns()
        for col in visible + [c for c in self.ds.columns if c not in visible]:
            it = QListWidgetItem(self.ds.label(col))
            it.setData(_NAME, col)
            it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            it.setCheckState(Qt.CheckState.Checked if col in visible else Qt.CheckState.Unchecked)
            self.columns.addItem(it)
        self.columns.setMaximumHeight(160)
        cl.addWidget(self.columns)
        lay.addWidget(self.columns_box)

        path_row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setAccessibleName("Export file")
        folder = Path(str(settings.value("export_folder", str(Path.home()))))
        self.path.setText(str(folder / self._default_name("csv")))
        browse = QPushButton("Browse…")
        browse.setAutoDefault(False)  # Enter exports; it does not open the file chooser
        browse.setAccessibleName("Choose the export file")
        browse.clicked.connect(self._browse)
        path_row.addWidget(QLabel("Save to"))
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        lay.addLayout(path_row)

        self.summary = QLabel()
        self.summary.setAccessibleName("What will be written")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
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

    def _update(self) -> None:
        kind = self.kind.checkedId()
        is_table = kind == 2
        self.columns_box.setEnabled(not is_table)
        self.suppress.setEnabled(is_table)
        self.k.setEnabled(is_table and self.suppress.isChecked())
        self.round.setEnabled(is_table)
        self.base.setEnabled(is_table and self.round.isChecked())
        self.bom.setEnabled(self._fmt() == "csv")
        n = self.rows_to_write()
        cols = self.chosen_columns()
        if is_table:
            text = f"{n:,} table rows will be written (count by group; totals included)."
            if self.suppress.isChecked():
                text += (f" Counts from 1 to {self.k.value() - 1} will show as [c], and more cells are hidden until "
                         "no hidden count can be worked out from the totals.")
            elif self.round.isChecked():
                text += (f" Every count and total is rounded to the nearest {self.base.value()}; counts from 1 to "
                         f"{self.base.value() - 1} show as [c].")
        else:
            text = f"{n:,} rows × {len(cols)} columns will be written."
            if self._fmt() == "xlsx" and n > ex.XLSX_MAX_ROWS:
                text += " That is more than Excel can hold: choose CSV."
        if self.ds.synthetic:
            text += " The data is the synthetic sample; the provenance file says so."
        self.summary.setText(text)
        self.export_button.setEnabled(n > 0 and (is_table or bool(cols)) and self._worker is None)

    def rows_to_write(self) -> int:
        kind = self.kind.checkedId()
        if kind == 1:
            return len(self.selected_rows)
        if kind == 2:
            table = self._table()
            return len(tabulate(table, by=table_dims(table)).table)
        return self.result.n_rows

    def _table(self):
        group = [c for c in (self.controller.group_by, self.controller.stack_by) if c]
        allowed = self.controller.engine.coverage_allowed(self.controller.state) if self.controller.engine else None
        return aggregate(self.ds, self.result.rows, group, allowed=allowed)

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
        kind = self.kind.checkedId()
        fmt = self._fmt()
        bom = self.bom.isChecked()
        state = self.controller.state
        prov = {"filter_state": state.to_dict(), "filters_in_words": state.describe(self.ds)}
        ds = self.ds
        if kind == 2:
            base = self.base.value() if self.round.isChecked() else None
            payload = protect_table(self._table(), k=self.k.value() if self.suppress.isChecked() else None,
                                    round_to=base)

            def job(progress):
                return ex.export_table(payload, path, dataset=ds, fmt=fmt, bom=bom, provenance=prov,
                                       progress=progress, replace_read_only=replace_read_only)
        else:
            rows = self.selected_rows if kind == 1 else self.result.rows
            if kind == 1:
                prov["selection"] = "rows selected in the table"
            cols = self.chosen_columns()

            def job(progress):
                return ex.export_rows(ds, rows, path, columns=cols, fmt=fmt, bom=bom, provenance=prov,
                                      progress=progress, replace_read_only=replace_read_only)

        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.export_button.setEnabled(False)
        cancelled = {"flag": False}

        def progress(done: int, total: int):
            self._progress_value = int(1000 * done / max(total, 1))
            return not cancelled["flag"]

        self._cancel = cancelled
        self._progress_value = 0
        worker = create_worker(job, progress, _ignore_errors=True)
        worker.returned.connect(self._done)
        worker.errored.connect(self._failed)
        worker.finished.connect(self._finished)
        self._worker = worker
        self.settings.setValue("export_folder", str(path.parent))
        self._poll = QTimer(self)
        self._poll.timeout.connect(lambda: self.progress.setValue(self._progress_value))
        self._poll.start(50)
        worker.start()

    def _confirm_replacing(self, path: Path) -> bool | None:
        """Ask before replacing a file: a read-only one by name, as such (then it may be replaced: True);
        None when the user says no, or the name cannot be written at all (a folder, a pipe, a device ...:
        said at once, nothing asked)."""
        try:
            ex.check_targets(path, inputs=[s.path for s in self.ds.sources], replace_read_only=True)
        except YouthDrugsError as exc:
            QMessageBox.warning(self, "Export", str(exc))
            return None
        locked = ex.read_only_targets(path)
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

    def _done(self, res: ex.ExportResult) -> None:
        self.written = res
        synthetic = " — synthetic sample: no real children" if self.ds.synthetic else ""
        self.window_.statusBar().showMessage(
            f"Exported {res.rows:,} rows to {res.path} (provenance in {Path(res.sidecar).name}){synthetic}", 15000)
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
        if hasattr(self, "_poll"):
            self._poll.stop()
        self.progress.setVisible(False)
        self._update()

    def reject(self) -> None:
        if self._worker is not None:
            self._cancel["flag"] = True
            return
        super().reject()

    @property
    def busy(self) -> bool:
        return self._worker is not None

