"""The window's menus: File, Edit, View and Help, every action with its shortcut and a tooltip saying
what it does. The actions call the window's own methods; the menus hold no logic of their own."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from .mainwindow import MainWindow

Shortcut = str | QKeySequence.StandardKey | Sequence[str] | None


def make_action(parent: QObject, text: str, slot: Callable, shortcut: Shortcut = None, tip: str = "") -> QAction:
    """An action with its shortcut (or several) and the same words as status tip and tooltip."""
    act = QAction(text, parent)
    if shortcut is not None:
        if isinstance(shortcut, (list, tuple)):
            act.setShortcuts([QKeySequence(s) for s in shortcut])
        else:
            act.setShortcut(QKeySequence(shortcut))
    if tip:
        act.setStatusTip(tip)
        act.setToolTip(tip)
    act.triggered.connect(slot)
    return act


class Menus:
    """The menu bar of a window; the actions other parts enable or fill are kept as attributes."""

    def __init__(self, win: "MainWindow") -> None:
        self._win = win
        bar = win.menuBar()
        self._file_menu(bar.addMenu("&File"))
        self._edit_menu(bar.addMenu("&Edit"))
        self._view_menu(bar.addMenu("&View"))
        self._help_menu(bar.addMenu("&Help"))

    def _add(self, menu: QMenu, text: str, slot: Callable, shortcut: Shortcut = None, tip: str = "") -> QAction:
        act = make_action(self._win, text, slot, shortcut, tip)
        menu.addAction(act)
        return act

    def _file_menu(self, f: QMenu) -> None:
        w = self._win
        self.open_action = self._add(f, "&Open…", w.open_dialog, QKeySequence.StandardKey.Open,
                                     "Open CSV, Excel, OpenDocument or Parquet files")
        self._add(f, "Open &with options…", w.open_with_options_dialog, "Ctrl+Alt+O",
                  "Open files, saying their format, police force, worksheet or column mapping")
        self._add(f, "Open &sample", lambda: w.open_sample(), "Ctrl+Shift+O", "Open the synthetic sample data set")
        self.recent_menu = f.addMenu("Open &recent")
        f.addSeparator()
        self.export_action = self._add(f, "&Export…", w.export_dialog, "Ctrl+E",
                                       "Export the filtered rows or the chart's table to CSV or Excel")
        self.report_action = self._add(f, "&Report…", w.report_dialog, QKeySequence.StandardKey.Print,
                                       "The current view as a board paper: PDF or HTML, with the chart, map, "
                                       "table and notes")
        self._add(f, "Save chart as &PNG…", lambda: w.save_chart("png"), None, "Save the chart as a picture (PNG)")
        self._add(f, "Save chart as S&VG…", lambda: w.save_chart("svg"), None,
                  "Save the chart as a drawing that stays sharp at any size (SVG)")
        f.addSeparator()
        self._add(f, "&Quit", w.close, QKeySequence.StandardKey.Quit,
                  "Close the window (your filters are kept for next time)")

    def _edit_menu(self, e: QMenu) -> None:
        w = self._win
        self.undo_action = self._add(e, "&Undo filter change", w.controller.undo, QKeySequence.StandardKey.Undo,
                                     "Take back the last filter change (a search typed or a slider dragged "
                                     "is one change)")
        self.redo_action = self._add(e, "&Redo filter change", w.controller.redo, ["Ctrl+Shift+Z", "Ctrl+Y"],
                                     "Make again the filter change just taken back")
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        e.addSeparator()
        copy = self._add(e, "&Copy selected cells", w.table.copy_selection, None,
                         "Copy the cells selected in the table, tab-separated with their headers")
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the table's own Ctrl+C does the work
        self._add(e, "Reset &filters", w.filters.reset, "Ctrl+R", "Clear every filter and show all rows")
        self._add(e, "&Find…", w.focus_search, QKeySequence.StandardKey.Find, "Search the text of every column")

    def _view_menu(self, v: QMenu) -> None:
        w = self._win
        self._add(v, "&Save view…", w.save_view_dialog, QKeySequence.StandardKey.Save,
                  "Save the current filters to a file")
        self._add(v, "&Open view…", w.open_view_dialog, "Ctrl+Shift+V", "Apply filters saved in a view file")
        v.addSeparator()
        self._add(v, "Data &notes…", w.show_data_notes, "Ctrl+Shift+D",
                  "How the data was read, what is not available, what is never added")
        self._add(v, "Chart as &table", w.chart.show_table, "Ctrl+T",
                  "The chart's figures as a table you can read, copy or export")
        self._add(v, "Show all &columns", w.table.show_all_columns, None, "Show the table's hidden columns again")

    def _help_menu(self, h: QMenu) -> None:
        w = self._win
        self._add(h, "&Guide", w.show_guide, QKeySequence.StandardKey.HelpContents,
                  "A short guide: the filters, the numbers, the marks, the keyboard")
        self._add(h, "&About", w.about, None, "The program's version and what it is for")

    def set_history(self, can_undo: bool, can_redo: bool) -> None:
        self.undo_action.setEnabled(can_undo)
        self.redo_action.setEnabled(can_redo)
