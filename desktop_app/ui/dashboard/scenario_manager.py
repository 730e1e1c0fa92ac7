"""The scenario manager: create, clone, rename and delete scenarios, pick which ones the
dashboard compares (tick them), and which one it shows and the drivers edit (select it).

Every change is one undo step through the session. Renaming happens in place (F2 or a double
click, as in a file manager); deleting a scenario that others inherit from hands them its parent
in the same step, so no scenario is left pointing at a missing one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core import edits
from desktop_app.core.edits import Batch, Edit, Event, InsertRows, ModelReset, RemoveRows, SetField
from desktop_app.core.model import Scenario
from desktop_app.ui.dashboard.controller import QDashboardController
from desktop_app.ui.session import QDocumentSession

UID = Qt.ItemDataRole.UserRole


class QScenarioManager(QWidget):
    sig_message = Signal(str)
    sig_diff_requested = Signal(str, str)  # a, b: show the diff view of these two

    def __init__(self, session: QDocumentSession, controller: QDashboardController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scenario_manager")
        self.session = session
        self.controller = controller
        self._filling = False
        self.list = QListWidget(self)
        self.list.setObjectName("scenario_manager.list")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.buttons: dict[str, QToolButton] = {}
        row = QHBoxLayout()
        row.setSpacing(4)
        for key, text, tip, slot in (
                ("new", "New", "A new scenario inheriting from the selected one", self.create),
                ("clone", "Clone", "A copy of the selected scenario", self.clone),
                ("rename", "Rename", "Rename the selected scenario (F2)", self.rename),
                ("delete", "Delete", "Delete the selected scenario", self.delete),
                ("diff", "Diff…", "What differs between the selected scenario and its parent "
                                  "(or the first scenario)", self.request_diff)):
            button = QToolButton(self)
            button.setText(text)
            button.setAutoRaise(False)
            button.setObjectName(f"scenario_manager.{key}")
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, s=slot: s())
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        hint = QLabel("Select the scenario to show and drive; tick the ones to compare.", self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #6b7785; font-size: 8pt;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(hint)
        self.list.currentItemChanged.connect(self._on_current)
        self.list.itemChanged.connect(self._on_item_changed)
        # Rebuilt on the next event-loop turn, never inside the list's own signals (a rename
        # commits from inside ``itemChanged``; clearing the list there would pull the item
        # from under the editor).
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)
        controller.sig_scenario_changed.connect(self._refresh_timer.start)
        controller.sig_compare_changed.connect(self._refresh_timer.start)
        session.events.subscribe(self._on_event)
        self.refresh()

    # --- showing ------------------------------------------------------------------------
    def refresh(self) -> None:
        """The list as the model and the dashboard have it (cheap: a few scenarios)."""
        self._refresh_timer.stop()
        model = self.session.model
        current, compared = self.controller.scenario, set(self.controller.compare)
        self._filling = True
        self.list.clear()
        for scenario in model.scenarios:
            item = QListWidgetItem(scenario.name)
            item.setData(UID, scenario.uid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable
                          | Qt.ItemFlag.ItemIsEditable)
            item.setCheckState(Qt.CheckState.Checked if scenario.name in compared
                               else Qt.CheckState.Unchecked)
            item.setToolTip(_describe(scenario))
            if scenario.name == current:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
            if scenario.name == current:
                self.list.setCurrentItem(item)
        self._filling = False
        has = self.selected() is not None
        for key in ("clone", "rename", "delete", "diff"):
            self.buttons[key].setEnabled(has)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ModelReset) or getattr(event, "kind", None) == "scenario":
            self._refresh_timer.start()

    def selected(self) -> Scenario | None:
        item = self.list.currentItem()
        if item is None:
            return None
        uid = item.data(UID)
        return next((s for s in self.session.model.scenarios if s.uid == uid), None)

    # --- user input ---------------------------------------------------------------------
    def _on_current(self, item: QListWidgetItem | None, _previous: object) -> None:
        if self._filling or item is None:
            return
        scenario = self.selected()
        if scenario is not None:
            self.controller.set_scenario(scenario.name)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        uid = item.data(UID)
        scenario = next((s for s in self.session.model.scenarios if s.uid == uid), None)
        if scenario is None:
            return
        name = item.text().strip()
        if name != scenario.name:
            self._rename(scenario, name)
            return
        ticked = [self.list.item(i).text() for i in range(self.list.count())
                  if self.list.item(i).checkState() == Qt.CheckState.Checked]
        self.controller.set_compare(ticked)

    def _rename(self, scenario: Scenario, name: str) -> None:
        taken = {s.name for s in self.session.model.scenarios if s is not scenario}
        if not name or name in taken:
            self.sig_message.emit(f"“{name}” is already a scenario" if name
                                  else "A scenario needs a name")
            self.refresh()
            return
        self._push(SetField("scenario", scenario.uid, "name", name),
                   f"Rename Scenario “{scenario.name}” to “{name}”")

    def _push(self, edit: Edit, text: str) -> None:
        self.session.push(edit, text)

    # --- commands -----------------------------------------------------------------------
    def create(self) -> Scenario:
        model = self.session.model
        parent = self.selected()
        scenario = Scenario(name=edits.unique_key({s.name for s in model.scenarios},
                                                  "New scenario"),
                            parent=parent.name if parent is not None else None,
                            description="")
        self._push(InsertRows("scenario", [(len(model.scenarios), scenario)]),
                   f"New Scenario “{scenario.name}”")
        self.controller.set_scenario(scenario.name)
        self.refresh()
        self._edit_name(scenario)
        return scenario

    def clone(self) -> Scenario | None:
        source = self.selected()
        if source is None:
            return None
        edit = edits.duplicate_rows(self.session.model, "scenario", [source.uid])
        self._push(edit, f"Clone Scenario “{source.name}”")
        inserted = edit.edits[0].rows[0][1]  # type: ignore[attr-defined]
        self.controller.set_scenario(inserted.name)
        self.refresh()
        self._edit_name(inserted)
        return inserted

    def rename(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.editItem(item)

    def delete(self) -> None:
        scenario = self.selected()
        if scenario is None:
            return
        children = [s for s in self.session.model.scenarios if s.parent == scenario.name]
        steps: list[Edit] = [SetField("scenario", c.uid, "parent", scenario.parent)
                             for c in children]
        steps.append(RemoveRows("scenario", [scenario.uid]))
        self._push(Batch(steps), f"Delete Scenario “{scenario.name}”")
        if children:
            self.sig_message.emit(f"{len(children)} scenario{'s' * (len(children) != 1)} "
                                  f"now inherit from {scenario.parent or 'the model'}")

    def request_diff(self) -> None:
        scenario = self.selected()
        if scenario is None:
            return
        others = [s.name for s in self.session.model.scenarios if s is not scenario]
        base = scenario.parent if scenario.parent else (others[0] if others else scenario.name)
        self.sig_diff_requested.emit(base, scenario.name)

    def _edit_name(self, scenario: Scenario) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(UID) == scenario.uid:
                self.list.setCurrentItem(item)
                if self.list.isVisible():
                    self.list.editItem(item)
                return


def _describe(scenario: Scenario) -> str:
    parts = [f"<b>{scenario.name}</b>"]
    if scenario.description:
        parts.append(scenario.description)
    parts.append(f"inherits from {scenario.parent}" if scenario.parent else "a base scenario")
    parts.append(f"{len(scenario.overrides)} overrides, "
                 f"{len(scenario.uncertainties)} uncertainties")
    return "<br>".join(parts)
