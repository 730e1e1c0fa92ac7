"""Rows and cells as tab-separated text, the format every spreadsheet copies and pastes.

Copy writes the lossless edit text of the selected cells (with a header line when whole rows are
selected). Paste understands three shapes:

* **rows with a header line** (column titles or field names, any order, any subset): each row
  updates the row with the same key, or is added when the key is new;
* **whole rows without a header** (as many cells as the table has columns): the same;
* **a block of cells**: written into the cells from the current one, like a spreadsheet. A
  single value pasted over several selected cells fills them all.

A paste is one undo step, and it is all or nothing: any cell that does not parse, or any new
validation problem of the pasted rows, rejects the whole paste with every reason.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt

from desktop_app.core import edits
from desktop_app.core.edits import Batch, Edit, InsertRows, SetField
from desktop_app.core.units import InputError
from desktop_app.ui.session import QDocumentSession
from desktop_app.ui.tables.base import EDIT, Column, QEntityTableModel


def to_tsv(grid: list[list[str]]) -> str:
    """Cells joined by tabs and lines; cells with tabs, newlines or quotes are quoted."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(grid)
    return out.getvalue()


def parse_tsv(text: str) -> list[list[str]]:
    """Rows of cells; trailing blank lines (spreadsheets add one) are dropped."""
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter="\t"))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return rows


def copy_text(model: Any, cells: list[tuple[int, int]]) -> str:
    """The selected (row, column) cells as TSV; whole rows get a header line."""
    if not cells:
        return ""
    selected = set(cells)
    rows = sorted({r for r, _ in cells})
    columns = sorted({c for _, c in cells})
    all_columns = list(range(model.columnCount()))
    whole_rows = all((r, c) in selected for r in rows for c in all_columns)
    grid: list[list[str]] = []
    if whole_rows and len(all_columns) > 2:
        columns = all_columns
        grid.append([str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                     for c in columns])
    for r in rows:
        grid.append([str(model.index(r, c).data(EDIT) or "") if (r, c) in selected else ""
                     for c in columns])
    return to_tsv(grid)


@dataclass
class PastePlan:
    """What a paste would do: one edit (or None), its undo text, and every reason to refuse."""

    edit: Edit | None = None
    text: str = ""
    errors: list[str] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)  # rows added or changed, to select after
    added: int = 0
    updated: int = 0
    _row_uids: set[int] = field(default_factory=set, repr=False)

    def has_row(self, row: Any) -> bool:
        return row.uid in self._row_uids

    def add_row(self, row: Any) -> None:
        """Note ``row`` once (by uid: ``in`` on the list compared dataclasses field by field,
        quadratic in the rows of a fill)."""
        if row.uid not in self._row_uids:
            self._row_uids.add(row.uid)
            self.rows.append(row)

    @property
    def summary(self) -> str:
        parts = [f"{self.added} added"] * bool(self.added) + \
            [f"{self.updated} updated"] * bool(self.updated)
        return ", ".join(parts) or "nothing changed"


def _norm(text: str) -> str:
    return re.sub(r"\s*\(.*?\)\s*", "", text).strip().casefold().replace("_", " ")


def _header_map(model: QEntityTableModel, cells: list[str]) -> dict[int, int] | None:
    """Grid column → table column when ``cells`` is a header line, else None."""
    names: dict[str, int] = {}
    for i, column in enumerate(model.columns):
        for name in (column.header, _norm(column.header), column.field.replace("_", " ")):
            names.setdefault(name.casefold(), i)
    mapping = {}
    for j, cell in enumerate(cells):
        for name in (cell.strip().casefold(), _norm(cell)):
            if name in names:
                mapping[j] = names[name]
                break
    key_column = model.column_of(edits.key_field(model.kind))
    if key_column in mapping.values() and len(mapping) * 2 >= len([c for c in cells if c]):
        return mapping
    return None


class _Pending:
    """Field values to set, accumulated per row so several year cells of one row combine."""

    def __init__(self, model: QEntityTableModel) -> None:
        self.model = model
        self.values: dict[tuple[int, str], Any] = {}
        self.rows: dict[int, Any] = {}

    def put(self, row: Any, column: Column, value: Any) -> None:
        key = (row.uid, column.field)
        current = self.values.get(key, getattr(row, column.field))
        self.values[key] = column.set(current, value) if column.set else value
        self.rows[row.uid] = row

    def edits(self) -> list[Edit]:
        out: list[Edit] = []
        for (uid, name), value in self.values.items():
            if getattr(self.rows[uid], name) != value:
                out.append(SetField(self.model.kind, uid, name, value))
        return out


def plan_paste(model: QEntityTableModel, text: str, anchor: tuple[int, int] | None,
               after: Any | None) -> PastePlan:
    """Plan pasting ``text`` with the current cell at ``anchor`` (view row, column)."""
    grid = parse_tsv(text)
    if not grid:
        return PastePlan(errors=["the clipboard holds no text to paste"])
    mapping = _header_map(model, grid[0])
    if mapping is not None:
        return _plan_rows(model, grid[1:], mapping, after, first_line=2)
    if len(grid[0]) == model.columnCount() and len(model.columns) > 2:
        return _plan_rows(model, grid, {j: j for j in range(len(grid[0]))}, after, first_line=1)
    return _plan_cells(model, grid, anchor or (0, 0))


def _plan_rows(model: QEntityTableModel, grid: list[list[str]], mapping: dict[int, int],
               after: Any | None, first_line: int) -> PastePlan:
    plan = PastePlan()
    kind, columns = model.kind, model.columns
    existing = {edits.key_of(r): r for r in reversed(model.source_rows())}
    pending, inserts = _Pending(model), []
    for n, cells in enumerate(grid, first_line):
        parsed = _parse_cells(model, cells, mapping, f"line {n}", plan.errors)
        if parsed is None:
            continue
        values = {columns[c].field: v for c, v in parsed if not columns[c].set}
        key = _pasted_key(model, values)
        row = existing.get(key) if key else None
        if row is None:
            row = model.new_row(set(existing))
            for c, value in parsed:
                column = columns[c]
                current = getattr(row, column.field)
                setattr(row, column.field, column.set(current, value) if column.set else value)
            existing[edits.key_of(row)] = row
            inserts.append(row)
        else:
            for c, value in parsed:
                pending.put(row, columns[c], value)
            plan.updated += not plan.has_row(row)
        plan.add_row(row)
    plan.added = len(inserts)
    position = model.new_row_position(after)
    batch: list[Edit] = []
    if inserts:
        if kind == "phase":
            position = len(model.source_rows())
        batch.append(InsertRows(kind, [(position + i, r) for i, r in enumerate(inserts)]))
    batch += pending.edits()
    plan.edit = Batch(batch) if batch else None
    plan.text = f"Paste {len(plan.rows)} {model.noun[len(plan.rows) != 1]}"
    return plan


def _pasted_key(model: QEntityTableModel, values: dict[str, Any]) -> str | None:
    name = values.get(edits.key_field(model.kind))
    if model.kind == "phase":
        site = values.get("site") or getattr(model, "site", None)
        if site:
            values["site"] = site
        return f"{site}/{name}" if name and site else None
    return name


def _parse_cells(model: QEntityTableModel, cells: list[str], mapping: dict[int, int],
                 where: str, errors: list[str]) -> list[tuple[int, Any]] | None:
    out, ok = [], True
    for j, text in enumerate(cells):
        c = mapping.get(j)
        if c is None or not model.columns[c].editable:
            continue
        column = model.columns[c]
        try:
            out.append((c, column.unit.parse(text)))
        except InputError as exc:
            errors.append(f"{where}, {column.header}: {exc}")
            ok = False
    return out if ok else None


def _plan_cells(model: QEntityTableModel, grid: list[list[str]],
                anchor: tuple[int, int]) -> PastePlan:
    plan = PastePlan()
    top, left = anchor
    if top + len(grid) > model.rowCount():
        plan.errors.append(
            f"the {len(grid)} pasted lines run past the last row; add rows first, or paste "
            "whole rows with a header line to add them")
        return plan
    pending = _Pending(model)
    for i, cells in enumerate(grid):
        row = model.row_at(top + i)
        if left + len(cells) > model.columnCount():
            plan.errors.append(f"line {i + 1} has more cells than the table has columns")
            continue
        mapping = {j: left + j for j in range(len(cells))}
        parsed = _parse_cells(model, cells, mapping, f"line {i + 1}", plan.errors)
        for c, value in parsed or []:
            pending.put(row, model.columns[c], value)
        plan.add_row(row)
    batch = pending.edits()
    plan.updated = len({e.uid for e in batch if isinstance(e, SetField)})
    plan.edit = Batch(batch) if batch else None
    plan.text = f"Paste into {len(plan.rows)} {model.noun[len(plan.rows) != 1]}"
    return plan


def plan_fill(model: QEntityTableModel, cells: list[tuple[int, int]], text: str) -> PastePlan:
    """One value into every selected cell (Ctrl+Enter, or a single value pasted over many)."""
    plan = PastePlan()
    pending = _Pending(model)
    for r, c in sorted(cells):
        column = model.columns[c]
        if not column.editable:
            continue
        try:
            value = column.unit.parse(text)
        except InputError as exc:
            plan.errors.append(f"{column.header}: {exc}")
            return plan
        row = model.row_at(r)
        pending.put(row, column, value)
        plan.add_row(row)
    batch = pending.edits()
    plan.updated = len({e.uid for e in batch if isinstance(e, SetField)})
    plan.edit = Batch(batch) if batch else None
    plan.text = f"Fill {len(cells)} cells"
    return plan


def vet(session: QDocumentSession, kind: str, plan: PastePlan) -> None:
    """Add to ``plan.errors`` every validation problem the paste would introduce."""
    if plan.errors or plan.edit is None:
        return
    pending, steps = [plan.edit], []
    while pending:  # batches may nest
        step = pending.pop()
        pending += step.edits if isinstance(step, Batch) else []
        steps.append(step)
    for edit in steps:
        if isinstance(edit, SetField) and edit.field == edits.key_field(edit.kind):
            row = edits.find_row(session.model, edit.kind, edit.uid)
            clash = edits.rename_clash(session.model, edit.kind, row, edit.field, edit.value)
            if clash:
                plan.errors.append(clash)
    if plan.errors:
        return
    before = session.problems.as_set()
    with session.trial(plan.edit):
        problems = edits.check_rows(session.model, kind, plan.rows)
    plan.errors += [str(p) for p in problems if p not in before]
