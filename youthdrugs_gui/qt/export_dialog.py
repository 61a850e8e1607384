"""File > Export: the choices (qt.export_choices), what they would write, and the export running with
progress and Cancel.

What would be written is worked out on a background task as the choices change (the latest choice
wins), and the export itself runs on another with progress and Cancel (qt.tasks). When the file is
written the dialog emits `exported(result)` for the window to say where it went. An unexpected error
goes to the crash log and the user is told, through qt.crash."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QProgressBar, QVBoxLayout

from ..core import export_view
from ..core.cancel import CancelToken
from ..core.errors import YouthDrugsError
from ..core.export import ExportResult, check_target, read_only_targets
from ..core.export.writers import CANCELLED
from ..core.export_view import ExportPreview, ExportRequest
from . import crash
from .export_choices import ExportChoices
from .tasks import Task, TaskRunner

PREVIEW_FAILED = "What the export would write could not be worked out"
EXPORT_FAILED = "Nothing was written: the export failed"


class ExportDialog(QDialog):
    """The export's choices, what they would write, and the export running with progress and Cancel."""

    exported = Signal(object)  # the ExportResult of a finished export

    def __init__(self, window, settings: QSettings) -> None:
        super().__init__(window)
        self.settings = settings
        self.ds = window.controller.dataset
        self.setWindowTitle("Export")
        self.setAccessibleName("Export")
        self.setMinimumWidth(520)
        self._previews = TaskRunner("youthdrugs-export-preview", self)
        self._writer = TaskRunner("youthdrugs-export", self)
        self._cancel: CancelToken | None = None  # stops the export being written (Cancel)
        self._asked = 0  # the number of the latest preview asked for: only its answer is shown
        self._shown: ExportPreview | None = None
        self._problem = ""  # why the current choices cannot be exported, as the preview found
        self.written: ExportResult | None = None
        self.choices = ExportChoices(window, settings, self)
        c = self.choices
        self.kind, self.rows_button, self.selected_button, self.table_button = (
            c.kind, c.rows_button, c.selected_button, c.table_button)
        self.format, self.bom, self.suppress, self.k, self.round, self.base = (
            c.format, c.bom, c.suppress, c.k, c.round, c.base)
        self.columns_box, self.columns, self.path = c.columns_box, c.columns, c.path
        lay = QVBoxLayout(self)
        lay.addWidget(c)
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
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.export_button.setDefault(True)  # once in the dialog: Enter exports wherever the focus is
        self._writer.progress.connect(lambda f: self.progress.setValue(int(f * 1000)))
        self._writer.busy_changed.connect(self._writing_changed)
        self.finished.connect(self._close_tasks)
        c.changed.connect(self._update)
        self._update()

    def chosen_columns(self) -> list[str]:
        return self.choices.chosen_columns()

    def request(self, path: Path | None = None) -> ExportRequest:
        """The export the dialog's choices describe (to `path`, if given)."""
        return self.choices.request(path)

    # ---- what will be written --------------------------------------------------------------------
    def _update(self) -> None:
        """A new preview of what the choices would write."""
        self._shown = None
        self._problem = ""
        self._asked += 1
        self.summary.setText("Working out what will be written…")
        self._enable_export()
        seq, request = self._asked, self.request()

        def work(_task: Task) -> tuple[int, ExportPreview | None, str]:
            try:
                return seq, export_view.preview(request), ""
            except YouthDrugsError as exc:
                return seq, None, str(exc)

        self._previews.start(work, self._previewed, failed=self._preview_failed, expected=(Exception,))

    def _previewed(self, answer: tuple[int, ExportPreview | None, str]) -> None:
        seq, shown, problem = answer
        if seq != self._asked:  # the choices changed since: a newer preview is on its way
            return
        self._shown, self._problem = shown, problem
        self.summary.setText(problem if shown is None else self._summary_words(shown))
        self._enable_export()

    def _preview_failed(self, exc: BaseException) -> None:
        """A bug in working out the preview: logged and told (qt.crash); the export itself may still work."""
        crash.report(exc, PREVIEW_FAILED)
        if not self._previews.busy:  # no newer preview on its way
            self.summary.setText(f"Could not work out what will be written ({type(exc).__name__}).")

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
            ready = len(self.choices.rows()) > 0 and (self.choices.is_table or bool(self.chosen_columns()))
        self.export_button.setEnabled(ready and not self._writer.busy)

    # ---- writing -------------------------------------------------------------------------------
    def start_export(self) -> None:
        path = self.choices.target()
        if path is None:
            QMessageBox.warning(self, "Export", "Choose a file to export to.")
            return
        replace_read_only = self._confirm_replacing(path)
        if replace_read_only is None:
            return
        chosen = self.request()
        shown = self._shown
        if shown is not None and replace(shown.request, fmt=chosen.fmt, bom=chosen.bom) != chosen:
            shown = None  # the preview is of other choices: the export works its table out again
        target: ExportRequest | ExportPreview = (
            replace(shown, request=replace(chosen, path=path)) if shown is not None else replace(chosen, path=path))

        # Its own token, not the task's: an export that was written before Cancel took effect is done.
        cancel = self._cancel = CancelToken()

        def work(task: Task) -> ExportResult:
            return export_view.write(target, progress=lambda done, total: task.progress(done / max(total, 1)),
                                     cancel=cancel, replace_read_only=replace_read_only)

        self.progress.setValue(0)
        self.settings.setValue("export_folder", str(path.parent))
        self._writer.start(work, self._done, failed=self._failed, cancelled=self._cancelled, what=EXPORT_FAILED)

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
        """An error the user can act on (a full disc, a file in use ...): said as itself."""
        QMessageBox.warning(self, "Export failed", str(exc))

    def _cancelled(self) -> None:
        QMessageBox.warning(self, "Export failed", CANCELLED)

    def _writing_changed(self, writing: bool) -> None:
        self.progress.setVisible(writing)
        if not writing:
            self._cancel = None
        self._enable_export()

    def _close_tasks(self) -> None:
        """The dialog is closed: nothing more is worked out or delivered."""
        self._previews.shutdown()
        self._writer.shutdown()

    def reject(self) -> None:
        if self._writer.busy and self._cancel is not None:  # Cancel while writing stops the export only
            self._cancel.cancel()
            return
        super().reject()

    @property
    def busy(self) -> bool:
        """Whether an export is being written."""
        return self._writer.busy

    @property
    def working_out(self) -> bool:
        """Whether what the current choices would write is still being worked out."""
        return self._previews.busy
