"""Every validation problem of the model in one list; activating one selects its cell.

The list is rebuilt from the session's problem index after each validation run, so it is
always the whole truth rather than a log of what went wrong recently.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTreeView, QVBoxLayout, QWidget

from desktop_app.core.validation import Problem
from desktop_app.ui.icons import icon
from desktop_app.ui.session import QDocumentSession
from desktop_app.ui.tables.base import DECORATION, DISPLAY, TOOLTIP, Index

ENTITY_LABELS = {"region": "Region", "accelerator": "Accelerator", "site": "Site",
                 "phase": "Phase", "supply_line": "Supply line", "scenario": "Scenario",
                 "settings": "Settings"}
HEADERS = ("Problem",)


class QProblemListModel(QAbstractTableModel):
    def __init__(self, session: QDocumentSession) -> None:
        super().__init__(session)
        self._session = session
        self._problems: list[Problem] = []
        self._icon = icon("problem")
        session.sig_problems_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._problems = list(self._session.problems.problems)
        self.endResetModel()

    def problem(self, row: int) -> Problem:
        return self._problems[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        p = self._problems[index.row()]
        if role == DISPLAY:  # two lines: where, then what is wrong
            where = ENTITY_LABELS.get(p.entity, p.entity)
            where = f"{where} “{p.key}”" if p.key else where
            return f"{where} · {p.field.replace('_', ' ')}\n{p.message}"
        if role == TOOLTIP:
            return str(p)
        if role == DECORATION and index.column() == 0:
            return self._icon
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role == DISPLAY and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None


class QIssuesPanel(QWidget):
    """The problem list with a one-line summary; ``sig_problem_activated`` asks the window
    to show the offending cell (double-click or Enter)."""

    sig_problem_activated = Signal(object)

    def __init__(self, session: QDocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.model = QProblemListModel(session)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setHeaderHidden(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.activated.connect(self._on_activated)
        self.view.doubleClicked.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        self.setFocusProxy(self.view)
        session.sig_problems_changed.connect(self._update_summary)
        self._update_summary()

    def _update_summary(self) -> None:
        count = len(self._session.problems)
        if count:
            self.summary.setText(
                f"<b>{count} problem{'s' * (count != 1)}</b> — double-click one to show it")
        else:
            self.summary.setText("<span style='color:#2e9e6b'>✓</span> No problems: the model "
                                 "is ready to project.")

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.sig_problem_activated.emit(self.model.problem(index.row()))
