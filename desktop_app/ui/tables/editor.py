"""The editor widget of one table: a search box, the table view and the row commands.

Row commands (add, duplicate, delete, copy, paste, fill) are methods here so that the menu,
the toolbar and keyboard shortcuts of the main window all run the same code on whichever editor
is current.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core import edits
from desktop_app.ui import dialogs
from desktop_app.ui.icons import icon
from desktop_app.ui.tables import clipboard
from desktop_app.ui.tables.delegates import QUnitDelegate

FILTER_DELAY_MS = 150


class QEntityTableView(QTableView):
    """A table tuned for large models: fixed row heights, no content-based sizing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        triggers = QAbstractItemView.EditTrigger
        self.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed
                             | triggers.AnyKeyPressed)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(True)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        rows.setMinimumSectionSize(self.fontMetrics().height() + 4)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)


class QEntityEditor(QWidget):
    """Search box, table and count of one kind; ``sig_current_row`` follows the current row."""

    sig_current_row = Signal(object)  # the row object, or None
    sig_message = Signal(str)  # for the status bar

    def __init__(self, model: Any, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.title = title
        self.session = model.session
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(f"Filter {title.lower()}…")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("edit-find"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.installEventFilter(self)
        self.count = QLabel(self)
        self.count.setObjectName("count")
        self.view = QEntityTableView(self)
        self.view.setModel(model)
        self.delegate = QUnitDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self._size_columns()
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _t: self._filter_timer.start())
        self.delegate.sig_refused.connect(self.sig_message)
        self.delegate.sig_fill_requested.connect(self.fill)
        model.sig_input_refused.connect(self.sig_message)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_row)
        if hasattr(model, "sig_rows_shown"):
            model.sig_rows_shown.connect(self._update_count)
            model.modelReset.connect(self._size_columns)
        self.top = QHBoxLayout()
        self.top.setContentsMargins(0, 0, 0, 0)
        self.top.addWidget(self.search, 1)
        self.top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(self.top)
        layout.addWidget(self.view, 1)
        self.setFocusProxy(self.view)
        if not hasattr(model, "set_filter_text"):  # the settings: a short fixed list
            self.search.hide()
            self.view.setSortingEnabled(False)
            self.view.setColumnWidth(0, 230)
        self._update_count()

    # --- selection helpers ----------------------------------------------------------------
    def selected_cells(self) -> list[tuple[int, int]]:
        cells = [(i.row(), i.column()) for i in self.view.selectionModel().selectedIndexes()]
        current = self.view.currentIndex()
        if not cells and current.isValid():
            cells = [(current.row(), current.column())]
        return sorted(cells)

    def selected_rows(self) -> list[Any]:
        rows = sorted({r for r, _ in self.selected_cells()})
        return [self.model.row_at(r) for r in rows] if hasattr(self.model, "row_at") else []

    def current_row(self) -> Any | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() and \
            hasattr(self.model, "row_at") else None

    def select(self, uid: int, field: str | None = None, *, focus: bool = True) -> bool:
        """Make the row (and the field's cell) current, clearing a search that hides it."""
        row = self.model.view_row(uid)
        if row is None and self.search.text():
            self.search.clear()
            self._apply_filter()
            row = self.model.view_row(uid)
        if row is None:
            return False
        column = self.model.column_of(field) if field else None
        self.select_cell(row, column if column is not None else 0, focus=focus)
        return True

    def select_cell(self, row: int, column: int, *, focus: bool = True) -> None:
        index = self.model.index(row, column)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        if focus:
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # --- row commands ---------------------------------------------------------------------
    def add_row(self) -> None:
        row = self.model.new_row()
        position = self.model.new_row_position(self.current_row())
        self.session.push(edits.InsertRows(self.model.kind, [(position, row)]),
                          f"Add {self.model.noun[0]}")
        self.select(row.uid, edits.key_field(self.model.kind))

    def duplicate_rows(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        edit = edits.duplicate_rows(self.session.model, self.model.kind, [r.uid for r in rows])
        noun = self.model.noun[len(rows) != 1]
        self.session.push(edit, f"Duplicate {len(rows)} {noun}")

    def delete_rows(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        next_row = min(self.model.view_row(r.uid) for r in rows)
        noun = self.model.noun[len(rows) != 1]
        what = f"“{edits.key_of(rows[0])}”" if len(rows) == 1 else f"{len(rows)} {noun}"
        self.session.push(edits.RemoveRows(self.model.kind, [r.uid for r in rows]),
                          f"Delete {what}")
        if self.model.rowCount():
            self.select_cell(min(next_row, self.model.rowCount() - 1),
                             max(self.view.currentIndex().column(), 0))

    def copy(self) -> None:
        text = clipboard.copy_text(self.model, self.selected_cells())
        if text:
            QGuiApplication.clipboard().setText(text)
            lines = text.count("\n")
            self.sig_message.emit(f"Copied {lines} line{'s' * (lines != 1)} as tab-separated text")

    def paste(self) -> None:
        text = QGuiApplication.clipboard().text()
        cells = self.selected_cells()
        if not hasattr(self.model, "row_at"):  # the settings table: one value, one cell
            if cells and text.strip():
                self.model.setData(self.model.index(cells[0][0], 1), text.strip())
            return
        grid = clipboard.parse_tsv(text)
        if len(grid) == 1 and len(grid[0]) == 1 and len(cells) > 1:
            plan = clipboard.plan_fill(self.model, cells, grid[0][0])
        else:
            anchor = cells[0] if cells else None
            plan = clipboard.plan_paste(self.model, text, anchor, self.current_row())
        self._run(plan)

    def fill(self, text: str) -> None:
        self._run(clipboard.plan_fill(self.model, self.selected_cells(), text))

    def _run(self, plan: clipboard.PastePlan) -> None:
        clipboard.vet(self.session, self.model.kind, plan)
        if plan.errors:
            self.sig_message.emit(f"Paste rejected: {plan.errors[0]}")
            dialogs.show_paste_rejected(self, plan.errors)
            return
        if plan.edit is None:
            self.sig_message.emit("Nothing to change: the pasted values are already there")
            return
        self.session.push(plan.edit, plan.text)
        self.sig_message.emit(f"{plan.text}: {plan.summary}")
        self._select_rows(plan.rows)

    def _select_rows(self, rows: list[Any]) -> None:
        view_rows = [r for r in (self.model.view_row(x.uid) for x in rows) if r is not None]
        if not view_rows:
            return
        selection = self.view.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        # One selection of contiguous ranges: a select() per row re-sorted the whole
        # selection each time (5 s for 10,000 filled rows).
        ranges = QItemSelection()
        ordered = sorted(set(view_rows))
        start = previous = ordered[0]
        for r in [*ordered[1:], None]:
            if r is not None and r == previous + 1:
                previous = r
                continue
            ranges.select(self.model.index(start, 0), self.model.index(previous, 0))
            if r is not None:
                start = previous = r
        selection.select(ranges, flags.ClearAndSelect | flags.Rows)
        selection.setCurrentIndex(self.model.index(view_rows[0], 0), flags.NoUpdate)
        self.view.scrollTo(self.model.index(view_rows[0], 0))

    # --- internals ------------------------------------------------------------------------
    def _apply_filter(self) -> None:
        self._filter_timer.stop()
        if hasattr(self.model, "set_filter_text"):
            self.model.set_filter_text(self.search.text())

    def _update_count(self) -> None:
        describe = getattr(self.model, "describe_count", None)
        self.count.setText(describe() if describe else "")

    def _size_columns(self) -> None:
        for i, column in enumerate(getattr(self.model, "columns", ())):
            self.view.setColumnWidth(i, column.width)
        self.view.horizontalHeader().setStretchLastSection(True)

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() and \
            hasattr(self.model, "row_at") else None
        self.sig_current_row.emit(row)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Escape clears the search; Down, Enter and Escape move into the table."""
        if watched is self.search and isinstance(event, QKeyEvent) and \
                event.type() == QKeyEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.search.clear()
                self._apply_filter()
                self.view.setFocus()
                return True
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._apply_filter()
                self.view.setFocus()
                if not self.view.currentIndex().isValid() and self.model.rowCount():
                    self.select_cell(0, 0)
                return True
        return super().eventFilter(watched, event)
