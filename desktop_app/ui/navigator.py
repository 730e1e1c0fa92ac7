"""The model navigator: a tree of regions, sites with their phases, accelerators, supply lines,
scenarios and settings.

The tree keeps the rows it has announced (each category's rows, each site's phases) and turns
core events into row insertions and removals between Qt's begin/end calls, so views never see
the core list change under them, and never a model reset (which would make a tree of 10,000
expanded sites lay itself out again on every edit). A phase node's internal id holds its
site's ``uid``, not its row, so inserting or removing sites above it cannot make it point at
the wrong site.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QVBoxLayout, QWidget

from desktop_app.core import edits
from desktop_app.core.edits import Event, ModelReset, RowsChanged, RowsInserted, RowsRemoved
from desktop_app.ui.session import QDocumentSession
from desktop_app.ui.tables.base import DISPLAY, TOOLTIP, Index, _runs

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("region", "Regions"), ("site", "Sites and phases"), ("accelerator", "Accelerators"),
    ("supply_line", "Supply lines"), ("scenario", "Scenarios"), ("settings", "Settings"),
)
KINDS = [kind for kind, _ in CATEGORIES]
TITLES = dict(CATEGORIES)
SITE_CATEGORY = KINDS.index("site")
TOP = 0  # internal id of a category; 1 + category for its rows; PHASE_BASE + site uid for phases
PHASE_BASE = 1000
FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
EXPAND_UP_TO = 300  # categories with more rows start collapsed


class QNavigatorModel(QAbstractItemModel):
    def __init__(self, session: QDocumentSession) -> None:
        super().__init__(session)
        self._session = session
        self._rows: dict[str, list[Any]] = {}  # each category's rows, as announced
        self._children: dict[int, list[Any]] = {}  # site uid → its phases, as announced
        self._site_rows: dict[int, int] | None = None
        self._positions: dict[str, dict[int, int]] = {}  # kind → uid → row, while rows stand
        self._by_name: dict[str, list[Any]] | None = None
        self._snapshot()
        session.events.subscribe(self._on_event)

    # --- Qt model API ---------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0 or row >= self.rowCount(parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, TOP)
        if parent.internalId() == TOP:
            return self.createIndex(row, 0, 1 + parent.row())
        site = self._rows["site"][parent.row()]
        return self.createIndex(row, 0, PHASE_BASE + site.uid)

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid():
            return QModelIndex()
        node = child.internalId()
        if node == TOP:
            return QModelIndex()
        if node < PHASE_BASE:
            return self.createIndex(node - 1, 0, TOP)
        row = self.site_row(node - PHASE_BASE)
        return QModelIndex() if row is None else self.createIndex(row, 0, 1 + SITE_CATEGORY)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(CATEGORIES)
        node = parent.internalId()
        if node == TOP:
            return len(self._rows.get(KINDS[parent.row()], ())) if parent.column() == 0 else 0
        if node == 1 + SITE_CATEGORY:
            sites = self._rows["site"]
            row = parent.row()
            return len(self._children.get(sites[row].uid, ())) if row < len(sites) else 0
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def flags(self, index: Index) -> Qt.ItemFlag:
        return FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or role not in (DISPLAY, TOOLTIP):
            return None
        kind, row = self.item(index)
        if row is None:
            rows = self._rows.get(kind)
            return TITLES[kind] if rows is None else f"{TITLES[kind]} ({len(rows):,})"
        if kind == "phase":
            return f"{row.name} · {_mw(row.capacity_mw)}"
        key = edits.key_of(row)
        name = getattr(row, "name", "")
        return f"{key} — {name}" if kind == "region" and name else key

    # --- what the navigator widget uses ---------------------------------------------------
    def item(self, index: Index) -> tuple[str, Any | None]:
        """(kind, row object) of a node; the row is None for a category."""
        node = index.internalId()
        if node == TOP:
            return KINDS[index.row()], None
        if node < PHASE_BASE:
            kind = KINDS[node - 1]
            return kind, self._rows[kind][index.row()]
        return "phase", self._children[node - PHASE_BASE][index.row()]

    def category_index(self, kind: str) -> QModelIndex:
        return self.index(KINDS.index("site" if kind == "phase" else kind), 0)

    def count(self, kind: str) -> int:
        return len(self._rows.get(kind, ()))

    def site_row(self, uid: int) -> int | None:
        if self._site_rows is None:
            self._site_rows = {s.uid: i for i, s in enumerate(self._rows["site"])}
        return self._site_rows.get(uid)

    # --- keeping in step with the core ----------------------------------------------------
    def _snapshot(self) -> None:
        model = self._session.model
        self._rows = {k: list(model.collection(k)) for k in KINDS if k != "settings"}
        self._by_name = None
        self._children = self._grouped()
        self._site_rows = None
        self._positions.clear()

    def _grouped(self) -> dict[int, list[Any]]:
        """Phases under the first site of their name (as ``Model.site`` resolves it).

        The lists come from a by-name cache that only phase changes rebuild, so a site edit
        regroups in O(sites) and unchanged sites keep the very same list (an identity check).
        """
        by_name = self._phases_by_name()
        grouped: dict[int, list[Any]] = {}
        seen: set[str] = set()
        for site in self._rows["site"]:
            if site.name not in seen:
                seen.add(site.name)
                phases = by_name.get(site.name)
                if phases:
                    grouped[site.uid] = phases
        return grouped

    def _phases_by_name(self) -> dict[str, list[Any]]:
        if self._by_name is None:
            by_name: dict[str, list[Any]] = {}
            for phase in self._session.model.phases:
                by_name.setdefault(phase.site, []).append(phase)
            self._by_name = by_name
        return self._by_name

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ModelReset):
            self.beginResetModel()
            self._snapshot()
            self.endResetModel()
            return
        kind = event.kind
        if kind == "settings":
            return
        if isinstance(event, RowsChanged):
            fields = set(event.fields) if event.fields is not None else {"site", "name"}
            if kind == "phase":  # moved to another site, or only relabelled
                if "site" in fields:
                    self._by_name = None
                    self._sync_phases(event.uids)
                else:
                    self._relabel_phases(event.uids)
                return
            regroup = "name" in fields
            self._rows_changed(kind, event.uids)
            if kind == "site" and regroup:
                self._sync_phases(())  # a renamed site may gain or lose phases
            return
        self._site_rows = None
        self._positions.clear()
        if kind == "phase":
            self._by_name = None
            self._sync_phases(())
        elif isinstance(event, RowsInserted):
            self._rows_inserted(kind, event.positions)
        elif isinstance(event, RowsRemoved):
            self._rows_removed(kind, event.positions, event.uids)
        if kind == "site" and (not isinstance(event, RowsInserted)
                               or self._named_by_phases(event.positions)):
            self._sync_phases(())  # phases follow their site in and out

    def _named_by_phases(self, positions: Sequence[int]) -> bool:
        """Whether some phase names a site inserted at ``positions`` (else nothing moves)."""
        by_name, sites = self._phases_by_name(), self._session.model.sites
        return any(sites[p].name in by_name for p in positions if p < len(sites))

    def _rows_inserted(self, kind: str, positions: Sequence[int]) -> None:
        parent = self.category_index(kind)
        live, rows = self._session.model.collection(kind), self._rows[kind]
        for run in _runs(positions):
            self.beginInsertRows(parent, run[0], run[-1])
            rows[run[0]:run[0]] = [live[p] for p in run]
            self._site_rows = None
            self._positions.clear()
            self.endInsertRows()
        self.dataChanged.emit(parent, parent)

    def _rows_removed(self, kind: str, positions: Sequence[int], uids: Sequence[int]) -> None:
        parent = self.category_index(kind)
        rows = self._rows[kind]
        for run in reversed(_runs(positions)):
            self.beginRemoveRows(parent, run[0], run[-1])
            del rows[run[0]:run[-1] + 1]
            self._site_rows = None
            self._positions.clear()
            self.endRemoveRows()
        for uid in uids:
            self._children.pop(uid, None)  # gone with their site row
        self.dataChanged.emit(parent, parent)

    def _rows_changed(self, kind: str, uids: Sequence[int]) -> None:
        parent = self.category_index(kind)
        positions = self._positions.get(kind)
        if positions is None:  # one pass per change of the rows, not one per edit of a paste
            positions = {r.uid: i for i, r in enumerate(self._rows[kind])}
            self._positions[kind] = positions
        rows = [positions[uid] for uid in uids if uid in positions]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0, parent),
                                  self.index(max(rows), 0, parent))

    def _site_index(self, uid: int) -> QModelIndex | None:
        row = self.site_row(uid)
        return None if row is None else self.index(row, 0, self.category_index("site"))

    def _relabel_phases(self, uids: Sequence[int]) -> None:
        """Phases whose label changed (capacity, name) but not their site."""
        wanted = set(uids)
        for site_uid, phases in self._children.items():
            hit = [i for i, p in enumerate(phases) if p.uid in wanted]
            parent = self._site_index(site_uid) if hit else None
            if parent is not None:
                self.dataChanged.emit(self.index(min(hit), 0, parent),
                                      self.index(max(hit), 0, parent))

    def _sync_phases(self, changed: Sequence[int]) -> None:
        """Announce, per site, phases that came, went or moved to another site."""
        new = self._grouped()
        for uid in set(self._children) | set(new):
            old_list, new_list = self._children.get(uid, []), new.get(uid, [])
            if old_list is new_list or _same_rows(old_list, new_list):
                continue
            parent = self._site_index(uid)
            if parent is None:
                self._children.pop(uid, None)
                continue
            if old_list:
                self.beginRemoveRows(parent, 0, len(old_list) - 1)
                self._children.pop(uid, None)
                self.endRemoveRows()
            if new_list:
                self.beginInsertRows(parent, 0, len(new_list) - 1)
                self._children[uid] = new_list
                self.endInsertRows()
        if changed:
            self._relabel_phases(changed)


def _same_rows(old: list[Any], new: list[Any]) -> bool:
    return len(old) == len(new) and all(a is b for a, b in zip(old, new, strict=True))


def _mw(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value / 1000:.2f} GW" if value >= 1000 else f"{value:,.0f} MW"
    return str(value)


class QNavigator(QWidget):
    """``sig_selected(kind, row)`` when the user picks a node (row None: a category)."""

    sig_selected = Signal(str, object)

    def __init__(self, session: QDocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QNavigatorModel(session)
        self.view = QTreeView(self)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.activated.connect(self._on_activated)
        self.view.clicked.connect(self._on_activated)
        self.model.modelReset.connect(self.expand_defaults)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.setFocusProxy(self.view)
        self.expand_defaults()

    def expand_defaults(self) -> None:
        """Regions and sites open when they are short lists; long ones stay folded."""
        for i, kind in enumerate(KINDS):
            wanted = kind in ("region", "site") and self.model.count(kind) <= EXPAND_UP_TO
            self.view.setExpanded(self.model.index(i, 0), wanted)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            kind, row = self.model.item(index)
            self.sig_selected.emit(kind, row)
