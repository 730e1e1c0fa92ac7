"""The scenario manager and the diff view, used from the keyboard and mouse: create, clone,
rename, delete (each one undo step), pick the one to show and the ones to compare, diff two."""

from __future__ import annotations

from dashboard_support import ready
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop_app.core.scenario_diff import diff_scenarios, output_deltas

pytest_plugins = ["ui_fixtures"]


def names(window) -> list[str]:
    return [s.name for s in window.session.model.scenarios]


def select(qtbot, manager, name: str) -> None:
    qtbot.wait(1)  # the list catches up with the last edit on the next event-loop turn
    for i in range(manager.list.count()):
        if manager.list.item(i).text() == name:
            rect = manager.list.visualItemRect(manager.list.item(i))
            qtbot.mouseClick(manager.list.viewport(), Qt.MouseButton.LeftButton,
                             pos=rect.center())
            return
    raise AssertionError(name)


def test_selecting_a_scenario_drives_the_dashboard(qtbot, window):
    dashboard = ready(qtbot, window)
    manager = dashboard.scenario_manager
    window.docks["scenarios"].raise_()
    qtbot.wait(10)
    select(qtbot, manager, "Sovereign buildout")
    assert dashboard.controller.scenario == "Sovereign buildout"
    assert dashboard.scenario.currentData() == "Sovereign buildout"
    assert "Sovereign buildout" in dashboard.drivers_panel.heading.text()
    dashboard.scenario.setCurrentIndex(dashboard.scenario.findData("Supply glut"))
    qtbot.wait(1)
    assert manager.list.currentItem().text() == "Supply glut"
    assert manager.list.currentItem().font().bold()


def test_create_clone_rename_delete_each_one_undo_step(qtbot, window):
    dashboard = ready(qtbot, window)
    manager = dashboard.scenario_manager
    stack = window.session.stack
    window.docks["scenarios"].raise_()
    qtbot.wait(10)
    select(qtbot, manager, "Baseline")

    qtbot.mouseClick(manager.buttons["new"], Qt.MouseButton.LeftButton)
    created = window.session.model.scenario("New scenario")
    assert created is not None and created.parent == "Baseline"
    assert dashboard.controller.scenario == "New scenario"
    assert stack.count() == 1
    editor = QApplication.focusWidget()  # the name is open for typing, as in a file manager
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Chips stay tight")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(1)
    assert "Chips stay tight" in names(window) and stack.count() == 2
    assert stack.undoText() == "Rename Scenario “New scenario” to “Chips stay tight”"
    assert dashboard.controller.scenario == "Chips stay tight"  # followed by uid

    select(qtbot, manager, "Packaging constrained to 2027")
    qtbot.mouseClick(manager.buttons["clone"], Qt.MouseButton.LeftButton)
    clone = window.session.model.scenario("Packaging constrained to 2027 (copy)")
    assert clone is not None and len(clone.overrides) == 2
    original = window.session.model.scenario("Packaging constrained to 2027")
    assert {o.uid for o in clone.overrides}.isdisjoint({o.uid for o in original.overrides})
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # keep the copy's name

    select(qtbot, manager, "Packaging constrained to 2027 (copy)")
    qtbot.keyClick(manager.list, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "Baseline")  # taken: refused, nothing changes
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert names(window).count("Baseline") == 1
    assert "Packaging constrained to 2027 (copy)" in names(window)

    before = stack.count()
    select(qtbot, manager, "Baseline")
    qtbot.mouseClick(manager.buttons["delete"], Qt.MouseButton.LeftButton)
    assert "Baseline" not in names(window) and stack.count() == before + 1
    orphans = [s for s in window.session.model.scenarios if s.parent == "Baseline"]
    assert orphans == []  # its children now inherit from its parent (none: base scenarios)
    window.undo_action.trigger()
    assert names(window)[0] == "Baseline"
    assert window.session.model.scenario("Supply glut").parent == "Baseline"
    while stack.canUndo():
        stack.undo()
    assert names(window) == ["Baseline", "Packaging constrained to 2027", "Sovereign buildout",
                             "Supply glut"]


def test_diff_view_lists_differences_and_output_deltas(qtbot, window):
    dashboard = ready(qtbot, window)
    manager = dashboard.scenario_manager
    window.docks["scenarios"].raise_()
    qtbot.wait(10)
    select(qtbot, manager, "Packaging constrained to 2027")
    qtbot.mouseClick(manager.buttons["diff"], Qt.MouseButton.LeftButton)
    view = dashboard.diff_view
    assert window.dashboard_area.currentWidget() is view
    assert (view.a.currentData(), view.b.currentData()) == (
        "Baseline", "Packaging constrained to 2027")
    model = window.session.model
    changes = diff_scenarios(model.scenario("Baseline"),
                             model.scenario("Packaging constrained to 2027"), model)
    assert view.changes.topLevelItemCount() == len(changes) == 4  # parent, description, 2
    kinds = [(view.changes.topLevelItem(i).text(0), view.changes.topLevelItem(i).text(1))
             for i in range(4)]
    assert kinds.count(("+", "override")) == 2
    deltas = output_deltas(model, "Baseline", "Packaging constrained to 2027", 2030)
    assert view.outputs.rowCount() == len(deltas)
    assert view.outputs.item(1, 4).text() == f"{deltas[1].delta:+,.2f}"

    view.b.setCurrentIndex(view.b.findData("Baseline"))
    qtbot.waitUntil(lambda: view.changes.topLevelItemCount() == 0)
    assert "the same inputs" in view.summary.text()
