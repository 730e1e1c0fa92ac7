"""Two scenarios side by side: which overrides, uncertainties and correlations differ (with
inheritance spelled out), and what that does to the key outputs in the dashboard's year."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.edits import Event, ModelReset
from desktop_app.core.scenario_diff import Change, diff_scenarios, output_deltas
from desktop_app.ui.dashboard.controller import QDashboardController
from desktop_app.ui.session import QDocumentSession

STATUS = {"added": ("+", "#2e7d32", "only in B"), "removed": ("−", "#c62828", "only in A"),
          "changed": ("~", "#b26a00", "differs")}
REFRESH_MS = 80


class QScenarioDiffView(QWidget):
    def __init__(self, session: QDocumentSession, controller: QDashboardController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scenario_diff")
        self.session = session
        self.controller = controller
        self.a = QComboBox(self)
        self.a.setObjectName("scenario_diff.a")
        self.b = QComboBox(self)
        self.b.setObjectName("scenario_diff.b")
        for combo in (self.a, self.b):
            combo.setMinimumContentsLength(22)
            combo.currentIndexChanged.connect(lambda _i: self.schedule())
        self.summary = QLabel(self)
        self.summary.setObjectName("scenario_diff.summary")
        self.changes = QTreeWidget(self)
        self.changes.setObjectName("scenario_diff.changes")
        self.changes.setRootIsDecorated(False)
        self.changes.setAlternatingRowColors(True)
        self.changes.setHeaderLabels(["", "What", "Target", "A", "B"])
        header = self.changes.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.outputs = QTableWidget(0, 5, self)
        self.outputs.setObjectName("scenario_diff.outputs")
        self.outputs.setHorizontalHeaderLabels(["Output", "Unit", "A", "B", "B − A"])
        self.outputs.verticalHeader().setVisible(False)
        self.outputs.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.outputs.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(QLabel("A:", self))
        top.addWidget(self.a)
        top.addWidget(QLabel("B:", self))
        top.addWidget(self.b)
        top.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.changes)
        splitter.addWidget(self.outputs)
        splitter.setSizes([360, 200])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        session.events.subscribe(self._on_event)
        controller.sig_options_changed.connect(self.schedule)
        self._fill()

    def show_pair(self, a: str, b: str) -> None:
        self._fill()
        for combo, name in ((self.a, a), (self.b, b)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(name)))
            combo.blockSignals(False)
        self.refresh()

    def _fill(self) -> None:
        names = [s.name for s in self.session.model.scenarios]
        for i, combo in enumerate((self.a, self.b)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for name in names:
                combo.addItem(name, name)
            fallback = names[min(i, len(names) - 1)] if names else None
            combo.setCurrentIndex(max(0, combo.findData(current if current in names
                                                        else fallback)))
            combo.blockSignals(False)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ModelReset) or getattr(event, "kind", None) == "scenario":
            self._fill()
        self.schedule()

    def schedule(self) -> None:
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.schedule()

    def refresh(self) -> None:
        model = self.session.model
        a, b = model.scenario(self.a.currentData() or ""), model.scenario(
            self.b.currentData() or "")
        self.changes.clear()
        self.outputs.setRowCount(0)
        if a is None or b is None:
            self.summary.setText("Pick two scenarios.")
            return
        changes = diff_scenarios(a, b, model)
        for change in changes:
            self.changes.addTopLevelItem(_change_item(change))
        count = len(changes)
        self.summary.setText(
            f"<b>{a.name}</b> → <b>{b.name}</b>: {count} difference{'s' * (count != 1)} "
            "(inherited overrides and uncertainties included)" if count
            else f"<b>{a.name}</b> and <b>{b.name}</b> have the same inputs.")
        for column in (0, 1, 3, 4):
            self.changes.resizeColumnToContents(column)
        try:
            deltas = output_deltas(model, a.name, b.name, self.controller.year,
                                   projector=self.controller.projections.projector)
        except Exception as exc:  # an invalid model: say so, keep the diff
            self.summary.setText(self.summary.text() + f" — outputs unavailable: {exc}")
            return
        self.outputs.setRowCount(len(deltas))
        for row, d in enumerate(deltas):
            cells = [d.label, d.unit, f"{d.a:,.2f}", f"{d.b:,.2f}", f"{d.delta:+,.2f}"]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.outputs.setItem(row, column, item)
        self.outputs.resizeColumnsToContents()


def _change_item(change: Change) -> QTreeWidgetItem:
    sign, colour, tip = STATUS[change.status]
    before = change.before if change.status != "added" else ""
    after = change.after if change.status != "removed" else ""
    item = QTreeWidgetItem([sign, change.item, change.key, before, after])
    item.setForeground(0, QBrush(QColor(colour)))
    item.setToolTip(0, tip)
    for column in range(1, 5):
        item.setToolTip(column, str(change))
    return item
