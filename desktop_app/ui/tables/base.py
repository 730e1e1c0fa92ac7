"""The shared ``QAbstractTableModel`` over one kind of entity of the open model.

The model only translates: it reads the core objects, formats them with ``core.units``, and turns
a typed value into a ``SetField`` edit on the undo stack. It keeps a row cache (the objects in
view order) that core events keep in step, and sorts and filters the cache itself: a
``QSortFilterProxyModel`` would call ``data()`` from C++ for every comparison, a Python call per
comparison, while sorting the cache with a key function is one sort (``benchmarks/gui.py``
times both on the 10,000-site document).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from desktop_app.core import edits, fields, units
from desktop_app.core.edits import Edit, Event, ModelReset, RowsChanged, RowsInserted, RowsRemoved
from desktop_app.core.units import InputError, Unit
from desktop_app.ui.icons import icon
from desktop_app.ui.session import QDocumentSession

Index = QModelIndex | QPersistentModelIndex
ROLE_SORT = int(Qt.ItemDataRole.UserRole) + 1
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
EDIT = int(Qt.ItemDataRole.EditRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
DECORATION = int(Qt.ItemDataRole.DecorationRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
PROBLEM_ROLES = [BACKGROUND, DECORATION, TOOLTIP]
_INF = float("inf")
BULK_INSERT = 50  # above this many inserted rows into a sorted/filtered view, rebuild instead


@dataclass(frozen=True)
class Column:
    """One column: the field it shows, its header and unit, and how it reads and writes."""

    field: str
    header: str
    unit: Unit
    width: int = 90
    editable: bool = True
    tip: str = ""
    get: Callable[[Any], Any] | None = None  # computed or partial value (e.g. one year)
    # (current field value, cell value) → new field value, for cells that hold part of a field
    set: Callable[[Any, Any], Any] | None = None

    def value(self, row: Any) -> Any:
        return self.get(row) if self.get else getattr(row, self.field)


def field_columns(kind: str) -> list[Column]:
    """The editor columns of ``kind``'s fields, as the field table describes them."""
    return [Column(f.name, f.header, f.unit, f.width, tip=f.doc)
            for f in fields.of(kind) if f.table]


def insert_after(columns: list[Column], name: str, extra: list[Column]) -> list[Column]:
    """``columns`` with ``extra`` (computed columns) after the column of field ``name``."""
    at = next(i for i, c in enumerate(columns) if c.field == name) + 1
    return [*columns[:at], *extra, *columns[at:]]


class QEntityTableModel(QAbstractTableModel):
    """Rows of one kind; subclasses declare ``kind``, ``noun`` and ``make_columns``."""

    kind: ClassVar[str] = ""
    noun: ClassVar[tuple[str, str]] = ("row", "rows")
    sig_input_refused = Signal(str)  # why typed or pasted text was not accepted
    sig_rows_shown = Signal()  # the visible row set changed (count label)

    def __init__(self, session: QDocumentSession) -> None:
        super().__init__(session)
        self.session = session
        self._columns: list[Column] = self.make_columns()
        self._rows: list[Any] = []
        self._row_index: dict[int, int] | None = {}  # uid → view row, built when needed
        self._terms: list[str] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._version = 0  # bumped whenever rows or values change (a sort may be stale)
        self._sorted_version = -1
        self._search: dict[int, str] = {}
        self._problem_brush = QBrush(QColor("#fde3df"))
        self._muted_brush = QBrush(QColor("#7b8794"))
        self._problem_icon = icon("problem")
        session.events.subscribe(self._on_event)
        session.sig_problems_changed.connect(self._on_problems_changed)
        self._rebuild()

    # --- subclass hooks -------------------------------------------------------------------
    def make_columns(self) -> list[Column]:
        raise NotImplementedError

    def source_rows(self) -> list[Any]:
        return self.session.model.collection(self.kind)

    def accepts(self, row: Any) -> bool:
        """Extra filter besides the search text (phases of one site)."""
        return True

    def has_extra_filter(self) -> bool:
        return False

    def new_row(self, taken: set[str] | None = None) -> Any:
        """A fresh row with a key not in ``taken`` (default: the model's keys) and defaults."""
        raise NotImplementedError

    def free_key(self, base: str, taken: set[str] | None) -> str:
        """``base`` or ``base 2``…, not among ``taken`` (default: the keys of this kind)."""
        return edits.unique_key(taken if taken is not None else
                                edits.keys(self.session.model, self.kind), base)

    def new_row_position(self, after: Any | None) -> int:
        rows = self.source_rows()
        return _position(rows, after) + 1 if after is not None else len(rows)

    def on_related(self, event: Event) -> None:
        """Another kind changed (a site's computed capacity depends on its phases)."""

    # --- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == DISPLAY:
            return column.unit.display(column.value(row))
        if role == EDIT:
            return column.unit.edit_text(column.value(row))
        if role == ALIGNMENT:
            return RIGHT if column.unit.numeric else LEFT
        if role == ROLE_SORT:
            return column.unit.sort_key(column.value(row))
        if role in (BACKGROUND, DECORATION, TOOLTIP):
            messages = self._problems(row, index.column())
            if role == BACKGROUND:
                return self._problem_brush if messages else None
            if role == DECORATION:
                return self._problem_icon if messages else None
            return self._tooltip(row, column, messages)
        if role == FOREGROUND:
            value = column.value(row)
            return self._muted_brush if value is None or not column.editable else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == DISPLAY and 0 <= section < len(self._rows) \
                else None
        if not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == DISPLAY:
            return column.header
        if role == TOOLTIP:
            return column.tip or column.header
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if self._columns[index.column()].editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:
        """Parse text into the field's unit and push the edit; refuse with a reason."""
        if role != EDIT or not index.isValid():
            return False
        column = self._columns[index.column()]
        if not column.editable:
            return False
        row = self._rows[index.row()]
        try:
            new = column.unit.parse(str(value))
        except InputError as exc:
            self.sig_input_refused.emit(f"{column.header} not changed: {exc}")
            return False
        clash = edits.rename_clash(self.session.model, self.kind, row, column.field, new)
        if clash:
            self.sig_input_refused.emit(f"{column.header} not changed: {clash}")
            return False
        edit = self.edit_for(row, column, new)
        if edit is not None:
            self.session.push(edit, f"Edit {column.header} of {edits.key_of(row)}")
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the cache by the column's raw values (blanks last); -1 restores model order."""
        wanted = (column, order) if 0 <= column < len(self._columns) else None
        if wanted == self._sort and self._sorted_version == self._version:
            return  # QTableView.sortByColumn asks twice; nothing changed in between
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        uids = [self._rows[i.row()].uid if i.isValid() else None for i in persistent]
        try:  # layoutChanged must follow whatever happens, or the view is left inconsistent
            self._sort = wanted
            self._rows = self._ordered(self._rows if self._sort else self._filtered())
            self._reindex()
            self._sorted_version = self._version
        finally:
            wanted_uids = set(uids)
            moved = {r.uid: i for i, r in enumerate(self._rows) if r.uid in wanted_uids} \
                if wanted_uids else {}
            self.changePersistentIndexList(persistent, [
                self.index(moved[uid], old.column()) if uid in moved else QModelIndex()
                for uid, old in zip(uids, persistent, strict=True)])
            self.layoutChanged.emit()

    # --- what the editor widget and clipboard use -----------------------------------------
    @property
    def columns(self) -> Sequence[Column]:
        return self._columns

    def row_at(self, view_row: int) -> Any:
        return self._rows[view_row]

    def view_row(self, uid: int) -> int | None:
        return self._row_of.get(uid)

    def visible_rows(self) -> Sequence[Any]:
        return self._rows

    def column_of(self, field: str) -> int | None:
        return next((i for i, c in enumerate(self._columns) if c.field == field), None)

    def unit_at(self, index: Index) -> Unit:
        return self._columns[index.column()].unit

    def check(self, index: Index, text: str) -> str | None:
        """Why ``text`` would be refused in this cell, or None when it is acceptable."""
        try:
            self._columns[index.column()].unit.parse(text)
        except InputError as exc:
            return str(exc)
        return None

    def choices(self, index: Index) -> list[tuple[str, str]] | None:
        """(label, text) pairs for a drop-down editor, or None for a typed value."""
        unit = self._columns[index.column()].unit
        if isinstance(unit, units.Reference):
            keys = [edits.key_of(r) for r in self.session.model.collection(unit.target)]
            return ([("(none)", "")] if unit.optional else []) + [(k, k) for k in keys]
        labels = getattr(unit, "labels", None)
        return [(label, label) for label, _ in labels()] if labels else None

    def edit_for(self, row: Any, column: Column, value: Any) -> Edit | None:
        """The edit that sets ``column`` of ``row`` to ``value`` (None: nothing changes)."""
        if _same(column.value(row), value):
            return None
        if column.set is not None:
            value = column.set(getattr(row, column.field), value)
        return edits.SetField(self.kind, row.uid, column.field, value)

    def describe_count(self) -> str:
        total = len(self.source_rows()) if not self.has_extra_filter() else None
        one, many = self.noun
        shown = len(self._rows)
        if total is not None and shown != total:
            return f"{shown:,} of {total:,} {many}"
        return f"{shown:,} {one if shown == 1 else many}"

    def set_filter_text(self, text: str) -> None:
        terms = text.casefold().split()
        if terms != self._terms:
            self._terms = terms
            self.refilter()

    def refilter(self) -> None:
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()
        self.sig_rows_shown.emit()

    def reload_columns(self) -> None:
        self.beginResetModel()
        self._columns = self.make_columns()
        if self._sort and self._sort[0] >= len(self._columns):
            self._sort = None
        self._rebuild()
        self.endResetModel()
        self.sig_rows_shown.emit()

    # --- internals ------------------------------------------------------------------------
    def _rebuild(self) -> None:
        self._version += 1
        self._search.clear()
        self._rows = self._ordered(self._filtered())
        self._reindex()

    def _filtered(self) -> list[Any]:
        rows = self.source_rows()
        if not self._terms and not self.has_extra_filter():
            return list(rows)
        return [r for r in rows if self.accepts(r) and self._matches(r)]

    def _ordered(self, rows: list[Any]) -> list[Any]:
        """Rows sorted by the sort column: numbers, then text, blanks always last.

        One pass sorts row positions by their values (no key tuples), so a 30,000-phase sort
        stays inside a frame budget of the UI thread (``benchmarks/gui.py``).
        """
        if self._sort is None:
            return rows
        column, order = self._columns[self._sort[0]], self._sort[1]
        values = list(map(column.get or operator.attrgetter(column.field), rows))
        numbers, texts, blanks = [], [], []
        for i, v in enumerate(values):
            kind = type(v)
            if kind is int or (kind is float and -_INF < v < _INF):
                numbers.append(i)
            elif v is None or v == "":
                blanks.append(i)
            else:
                texts.append(i)
        descending = order == Qt.SortOrder.DescendingOrder
        numbers.sort(key=values.__getitem__, reverse=descending)
        texts.sort(key=lambda i: str(getattr(values[i], "value", values[i])).casefold(),
                   reverse=descending)
        filled = texts + numbers if descending else numbers + texts
        return [rows[i] for i in filled] + [rows[i] for i in blanks]

    def _matches(self, row: Any) -> bool:
        if not self._terms:
            return True
        text = self._search.get(row.uid)
        if text is None:
            parts = []  # text columns only: names, operators, regions, status, sources
            for c in self._columns:
                if not c.unit.numeric:
                    value = c.value(row)
                    parts.append(str(getattr(value, "value", value)))
                    parts.append(c.unit.display(value))
            text = self._search[row.uid] = " ".join(parts).casefold()
        return all(term in text for term in self._terms)

    def _reindex(self) -> None:
        self._row_index = None

    @property
    def _row_of(self) -> dict[int, int]:
        if self._row_index is None:
            self._row_index = {r.uid: i for i, r in enumerate(self._rows)}
        return self._row_index

    def _identity(self) -> bool:
        return self._sort is None and not self._terms and not self.has_extra_filter()

    def _problems(self, row: Any, column: int) -> list[str] | None:
        fields = self.session.problems.row(self.kind, edits.key_of(row))
        if not fields:
            return None
        field = self._columns[column].field
        messages = list(fields.get(field, ()))
        if column == 0:  # problems of fields without a column of their own (overrides …)
            shown = {c.field for c in self._columns}
            messages += [f"{f}: {m}" for f, ms in fields.items() if f not in shown for m in ms]
        return messages or None

    def _tooltip(self, row: Any, column: Column, messages: list[str] | None) -> str | None:
        if messages:
            return "\n".join(f"⚠ {m}" for m in messages)
        value = column.value(row)
        if isinstance(value, str) and len(value) > 30:
            return value
        return None

    def _on_problems_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(self._columns) - 1),
                                  PROBLEM_ROLES)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ModelReset):
            self.reload_columns()
        elif event.kind != self.kind:
            self.on_related(event)
        elif isinstance(event, RowsChanged):
            self._changed(event.uids)
        elif isinstance(event, RowsInserted):
            self._inserted(event.positions)
        elif isinstance(event, RowsRemoved):
            self._removed(event.uids)

    def _changed(self, uids: Sequence[int]) -> None:
        self._version += 1
        rows = []
        for uid in uids:
            self._search.pop(uid, None)
            if uid in self._row_of:
                rows.append(self._row_of[uid])
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0),
                                  self.index(max(rows), len(self._columns) - 1))

    def _inserted(self, positions: Sequence[int]) -> None:
        self._version += 1
        source = self.source_rows()
        if self._identity():
            for run in _runs(positions):
                self.beginInsertRows(QModelIndex(), run[0], run[-1])
                self._rows[run[0]:run[0]] = [source[p] for p in run]
                self.endInsertRows()
            self._reindex()
        elif len(positions) > BULK_INSERT:
            self.refilter()
            return
        else:
            for p in positions:
                if self.accepts(source[p]):  # shown even if the search text would hide it
                    at = self._view_position(source, p)
                    self.beginInsertRows(QModelIndex(), at, at)
                    self._rows.insert(at, source[p])
                    self._reindex()
                    self.endInsertRows()
        self.sig_rows_shown.emit()

    def _view_position(self, source: list[Any], position: int) -> int:
        """Right after the nearest earlier row of the model that is in view."""
        for j in range(position - 1, -1, -1):
            row = self._row_of.get(source[j].uid)
            if row is not None:
                return row + 1
        return 0

    def _removed(self, uids: Sequence[int]) -> None:
        self._version += 1
        rows = sorted(self._row_of[u] for u in uids if u in self._row_of)
        for run in reversed(_runs(rows)):
            self.beginRemoveRows(QModelIndex(), run[0], run[-1])
            del self._rows[run[0]:run[-1] + 1]
            self.endRemoveRows()
        for uid in uids:
            self._search.pop(uid, None)
        self._reindex()
        self.sig_rows_shown.emit()


def _runs(sorted_values: Sequence[int]) -> list[list[int]]:
    """[1, 2, 3, 7, 8] → [[1, 2, 3], [7, 8]]."""
    runs: list[list[int]] = []
    for v in sorted_values:
        if runs and v == runs[-1][-1] + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    return runs


def _position(rows: list[Any], row: Any) -> int:
    return next(i for i, r in enumerate(rows) if r is row)


def _same(old: Any, new: Any) -> bool:
    numbers = (int, float)
    if isinstance(old, numbers) and isinstance(new, numbers) \
            and not isinstance(old, bool) and not isinstance(new, bool):
        return math.isclose(old, new, rel_tol=1e-12, abs_tol=0.0) or old == new
    return type(old) is type(new) and old == new

