"""The document settings as a two-column table (setting, value), one row per setting."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from desktop_app.core import edits, fields
from desktop_app.core.edits import Event, ModelReset, RowsChanged
from desktop_app.core.units import InputError, Unit
from desktop_app.ui.icons import icon
from desktop_app.ui.session import QDocumentSession
from desktop_app.ui.tables.base import (
    ALIGNMENT,
    BACKGROUND,
    DECORATION,
    DISPLAY,
    EDIT,
    LEFT,
    RIGHT,
    TOOLTIP,
    Index,
    _same,
)

# (field, label, tooltip), one row per setting, in the field table's order.
ROWS: tuple[tuple[str, str, str], ...] = tuple(
    (f.name, f.header, f.doc) for f in fields.of("settings"))


class QSettingsTableModel(QAbstractTableModel):
    kind = "settings"
    sig_input_refused = Signal(str)

    def __init__(self, session: QDocumentSession) -> None:
        super().__init__(session)
        self.session = session
        self._brush = QBrush(QColor("#fde3df"))
        session.events.subscribe(self._on_event)
        session.sig_problems_changed.connect(self._on_problems)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ROWS)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def unit_at(self, index: Index) -> Unit:
        return fields.unit_of("settings", ROWS[index.row()][0])

    def field_at(self, row: int) -> str:
        return ROWS[row][0]

    def row_of(self, field: str) -> int | None:
        return next((i for i, r in enumerate(ROWS) if r[0] == field), None)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        field, label, tip = ROWS[index.row()]
        if index.column() == 0:
            return label if role == DISPLAY else tip if role == TOOLTIP else None
        value = getattr(self.session.model.settings, field)
        unit = self.unit_at(index)
        messages = (self.session.problems.row("settings", "") or {}).get(field)
        if role == DISPLAY:
            return unit.display(value)
        if role == EDIT:
            return unit.edit_text(value)
        if role == ALIGNMENT:
            return RIGHT if unit.numeric else LEFT
        if role == BACKGROUND:
            return self._brush if messages else None
        if role == DECORATION:
            return icon("problem") if messages else None
        if role == TOOLTIP:
            return "\n".join(f"⚠ {m}" for m in messages) if messages else tip
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return ("Setting", "Value")[section] if section in (0, 1) else None
        return str(section + 1) if 0 <= section < len(ROWS) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == 1 else flags

    def check(self, index: Index, text: str) -> str | None:
        try:
            self.unit_at(index).parse(text)
        except InputError as exc:
            return str(exc)
        return None

    def choices(self, index: Index) -> list[tuple[str, str]] | None:
        labels = getattr(self.unit_at(index), "labels", None)
        return [(label, label) for label, _ in labels()] if labels else None

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:
        if role != EDIT or not index.isValid() or index.column() != 1:
            return False
        field, label, _ = ROWS[index.row()]
        try:
            new = self.unit_at(index).parse(str(value))
        except InputError as exc:
            self.sig_input_refused.emit(f"{label} not changed: {exc}")
            return False
        if not _same(getattr(self.session.model.settings, field), new):
            self.session.push(edits.SetField("settings", edits.SETTINGS_UID, field, new),
                              f"Edit {label}")
        return True

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ModelReset) or (isinstance(event, RowsChanged)
                                             and event.kind == "settings"):
            self.dataChanged.emit(self.index(0, 1), self.index(len(ROWS) - 1, 1))

    def _on_problems(self) -> None:
        self.dataChanged.emit(self.index(0, 1), self.index(len(ROWS) - 1, 1))
