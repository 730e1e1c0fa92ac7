"""Sites from a CSV file: map its columns to fields, preview every row with its problems, and
apply all rows or none.

The mapping starts from the headers (``detect_mapping``); every column has a combo box of
target fields or "(ignore)", and each change runs the preview again. Apply stays disabled while
any row (or the file) has a problem, so an import never half-applies.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.model import Model
from desktop_app.core.site_import import (
    LABELS,
    REQUIRED,
    TARGETS,
    SiteImportError,
    SitePreview,
    detect_mapping,
    preview,
    read_table,
)

IGNORE = "(ignore)"
PROBLEM_ROW = QColor("#fdecea")
PROBLEM_CELL = QColor("#f5b7b1")
IGNORED = QColor("#8a96a3")
BAD = "color: #a61b1b;"
Index = QModelIndex | QPersistentModelIndex


def target_label(target: str) -> str:
    return LABELS.get(target, target) + (" *" if target in REQUIRED else "")


class QSitePreviewModel(QAbstractTableModel):
    """The file's rows as written, after their line number and their problems."""

    FIRST = 2  # columns before the file's: Line, Problems

    def __init__(self, headers: list[str], records: list[tuple[int, list[str]]]) -> None:
        super().__init__()
        self.headers = headers
        self.records = records
        self.mapping: dict[str, str] = {}
        self.problems: dict[int, list[tuple[str, str]]] = {}  # line → (column, message)

    def set_preview(self, result: SitePreview | None) -> None:
        self.beginResetModel()
        self.mapping = dict(result.mapping) if result is not None else {}
        self.problems = {r.line: r.problems for r in result.rows if r.problems} \
            if result is not None else {}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers) + self.FIRST

    def header_of(self, column: int) -> str | None:
        """The file's column header shown in ``column`` (None for Line and Problems)."""
        return self.headers[column - self.FIRST] if column >= self.FIRST else None

    def has_problems(self, row: int) -> bool:
        return self.records[row][0] in self.problems

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line, cells = self.records[index.row()]
        problems = self.problems.get(line, [])
        header = self.header_of(index.column())
        if header is None:
            messages = [f"{c}: {m}" for c, m in problems]
            text = str(line) if index.column() == 0 else "; ".join(messages)
        else:
            messages = [m for c, m in problems if c == header]
            at = index.column() - self.FIRST
            text = cells[at] if at < len(cells) else ""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(messages) or None
        if role == Qt.ItemDataRole.BackgroundRole and problems:
            return PROBLEM_CELL if messages and header is not None else PROBLEM_ROW
        if role == Qt.ItemDataRole.ForegroundRole and header is not None \
                and not self.mapping.get(header):
            return IGNORED  # not read: shown for reference
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        header = self.header_of(section)
        if header is None:
            name, target = ("Line", "Problems")[section], None
        else:
            name, target = header, LABELS.get(self.mapping.get(header, ""), IGNORE)
        if role == Qt.ItemDataRole.DisplayRole:
            return name if target is None else f"{name}\n→ {target}"
        if role == Qt.ItemDataRole.ToolTipRole and target is not None:
            return f"Column “{name}” is read as: {target}"
        return None


class QProblemRowsFilter(QSortFilterProxyModel):
    """Only the rows with problems, when ``only_problems`` is on."""

    only_problems = False

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        return not self.only_problems or model.has_problems(source_row)

    def set_only_problems(self, on: bool) -> None:
        self.beginFilterChange()
        self.only_problems = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)


class QSiteImportDialog(QDialog):
    """``result`` is the preview of the current mapping; Apply only when it is clean."""

    def __init__(self, model: Model, text: str, source: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("site_import_dialog")
        self.setWindowTitle(f"Import Sites from {source}")
        self.resize(1100, 640)
        self._model = model
        self._text = text
        self.result: SitePreview | None = None
        headers, records = read_table(text)  # SiteImportError: the caller reports it
        self.table_model = QSitePreviewModel(headers, records)
        self.rows = QProblemRowsFilter(self)
        self.rows.setSourceModel(self.table_model)
        self.combos: dict[str, QComboBox] = {}
        self.view = QTableView(self)
        self.only_problems = QCheckBox("Show only rows with &problems", self)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.apply_button: QPushButton = self.buttons.addButton(
            "&Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setDefault(True)
        self._build(headers)
        self.only_problems.toggled.connect(self.rows.set_only_problems)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.run_preview()

    # --- layout ---------------------------------------------------------------------------
    def _build(self, headers: list[str]) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._mapping_box(headers))
        splitter.addWidget(self._preview_box())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([320, 780])
        intro = QLabel("Each row is one phase; rows with the same site name make one site. "
                       "Choose what each column holds (* required).", self)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    def _mapping_box(self, headers: list[str]) -> QGroupBox:
        box = QGroupBox("Columns", self)
        inner = QWidget()
        form = QFormLayout(inner)
        detected = detect_mapping(headers)
        for header in dict.fromkeys(headers):  # a repeated header maps once
            combo = QComboBox(inner)
            combo.addItem(IGNORE, "")
            for target in TARGETS:
                combo.addItem(target_label(target), target)
            combo.setCurrentIndex(max(0, combo.findData(detected.get(header, ""))))
            combo.setAccessibleName(f"Field of column {header}")
            combo.activated.connect(lambda _i, h=header: self._on_mapping_changed(h))
            label = QLabel((header or "(no header)").replace("&", "&&"), inner)
            label.setBuddy(combo)
            form.addRow(label, combo)
            self.combos[header] = combo
        scroll = QScrollArea(box)
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        QVBoxLayout(box).addWidget(scroll)
        return box

    def _preview_box(self) -> QGroupBox:
        box = QGroupBox("Preview", self)
        self.view.setModel(self.rows)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self._size_columns()
        column = QVBoxLayout(box)
        column.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addWidget(self.only_problems)
        row.addStretch(1)
        column.addLayout(row)
        return box

    def _size_columns(self) -> None:
        """Widths from the headers (measuring every cell of a big file would stall)."""
        metrics = self.view.fontMetrics()
        self.view.setColumnWidth(0, metrics.horizontalAdvance("Line 00000"))
        self.view.setColumnWidth(1, metrics.horizontalAdvance("x" * 36))
        for column, header in enumerate(self.table_model.headers, QSitePreviewModel.FIRST):
            width = metrics.horizontalAdvance(header) + 24
            self.view.setColumnWidth(column, min(220, max(110, width)))

    # --- mapping and preview ----------------------------------------------------------------
    def mapping(self) -> dict[str, str]:
        """Column header → target field ("" for an ignored column), as the combos say."""
        return {h: combo.currentData() for h, combo in self.combos.items()}

    def set_target(self, header: str, target: str) -> None:
        """Map ``header`` to ``target`` ("" ignores it), as choosing it in its combo does."""
        combo = self.combos[header]
        combo.setCurrentIndex(combo.findData(target))
        self._on_mapping_changed(header)

    def _on_mapping_changed(self, header: str) -> None:
        """A field is read from one column: choosing it for a column frees it elsewhere."""
        target = self.combos[header].currentData()
        for other, combo in self.combos.items():
            if target and other != header and combo.currentData() == target:
                combo.setCurrentIndex(0)
        self.run_preview()

    def run_preview(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.result = preview(self._model, self._text, self.mapping())
            error = ""
        except SiteImportError as exc:
            self.result, error = None, str(exc)
        finally:
            QApplication.restoreOverrideCursor()
        self.table_model.set_preview(self.result)
        self._show_summary(error)

    def problem_count(self) -> int:
        result = self.result
        if result is None:
            return 1
        return len(result.problems) + sum(len(r.problems) for r in result.rows)

    def _show_summary(self, error: str) -> None:
        result = self.result
        ok = result is not None and result.ok and bool(result.rows)
        self.apply_button.setEnabled(ok)
        self.summary.setStyleSheet("" if ok else BAD)
        if result is None:
            self.summary.setText(f"The file cannot be read: {error}")
            return
        missing = [t for t in REQUIRED if t not in result.mapping.values()]
        if missing:
            self.summary.setText("No column is chosen for " + ", ".join(
                LABELS[t] for t in missing) + ": pick one in the column list.")
            return
        bad_rows = sum(1 for r in result.rows if r.problems)
        count = self.problem_count()
        text = (f"{len(result.rows)} rows → {len(result.sites)} sites, "
                f"{len(result.phases)} phases. ")
        text += "; ".join(result.problems) + (". " if result.problems else "")
        if count:
            text += (f"{count} problem{'s' * (count != 1)} in {bad_rows} "
                     f"row{'s' * (bad_rows != 1)}: fix the file or the column choices "
                     "(hover a red cell for the reason).")
        elif not result.rows:
            text += "The file has no rows."
        else:
            text += "No problems: Apply adds them all (one step: Edit ▸ Undo takes it back)."
        self.summary.setText(text)

    def accept(self) -> None:
        if self.result is None or not self.result.ok or not self.result.rows:
            return
        super().accept()
