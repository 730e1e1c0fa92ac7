"""A strategist edits the sample: types into cells, is refused nonsense, sees the issues panel
react, and undoes and redoes — all through the real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from ui_support import cell, double_click, settle, type_into_cell

from desktop_app.core.edits import key_of

pytest_plugins = ["ui_fixtures"]
SITE = "Stargate Abilene"


def pick_site_in_navigator(qtbot, window, name: str) -> None:
    nav = window.navigator
    sites = nav.model.category_index("site")
    nav.view.expand(sites)
    row = next(i for i, s in enumerate(window.session.model.sites) if s.name == name)
    index = nav.model.index(row, 0, sites)
    nav.view.scrollTo(index)
    qtbot.mouseClick(nav.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=nav.view.visualRect(index).center())


def test_type_a_capacity_with_units_then_undo_and_redo(qtbot, window):
    pick_site_in_navigator(qtbot, window, SITE)
    phases = window.editors["phase"]
    assert phases.model.site == SITE
    assert {p.site for p in phases.model.visible_rows()} == {SITE}

    type_into_cell(qtbot, phases, cell(phases, f"{SITE}/Phase 1", "capacity_mw"), "1.2 GW")
    phase = window.session.model.phases_of(SITE)[0]
    assert phase.capacity_mw == 1200.0
    assert window.isWindowModified()
    assert window.undo_action.text() == f"&Undo Edit IT capacity (MW) of {SITE}/Phase 1"
    sites = window.editors["site"]
    assert cell(sites, SITE, "capacity").data() == "2,845"  # the site's total follows

    qtbot.keyClick(phases.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert phase.capacity_mw == 122.5
    assert not window.isWindowModified()
    qtbot.keyClick(phases.view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert phase.capacity_mw == 1200.0
    assert window.isWindowModified()


def test_text_that_is_not_a_capacity_is_refused_in_place(qtbot, window):
    window.show_row("site", window.session.model.site(SITE))
    phases = window.editors["phase"]
    index = cell(phases, f"{SITE}/Phase 2", "capacity_mw")
    before = window.session.stack.count()

    line = type_into_cell(qtbot, phases, index, "abc")
    assert QApplication.focusWidget() is line  # still open, the text kept for fixing
    assert line.text() == "abc"
    assert "not a number" in line.toolTip()
    assert "not a number" in window.statusBar().currentMessage()
    assert window.session.model.phases_of(SITE)[1].capacity_mw == 123.3
    assert window.session.stack.count() == before

    qtbot.keyClick(line, Qt.Key.Key_Escape)
    assert not isinstance(QApplication.focusWidget(), QLineEdit)
    line = type_into_cell(qtbot, phases, index, "-20")
    assert "cannot be negative" in line.toolTip()
    line.selectAll()
    qtbot.keyClicks(line, "250 MW")
    qtbot.keyClick(line, Qt.Key.Key_Tab)
    assert window.session.model.phases_of(SITE)[1].capacity_mw == 250.0


def test_issues_panel_reacts_to_an_invalid_value_and_points_at_the_cell(qtbot, window):
    sites = window.editors["site"]
    assert window.issues.model.rowCount() == 0

    type_into_cell(qtbot, sites, cell(sites, SITE, "utilisation"), "150 %")
    settle(qtbot, window)
    issues = window.issues
    assert issues.model.rowCount() == 1
    problem = issues.model.problem(0)
    assert (problem.entity, problem.key, problem.field) == ("site", SITE, "utilisation")
    offending = cell(sites, SITE, "utilisation")
    assert "between 0 % and 100 %" in offending.data(Qt.ItemDataRole.ToolTipRole)
    assert offending.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "1 problem" in window.problem_label.text()

    sites.select_cell(0, 0)  # look elsewhere, then double-click the issue
    double_click(qtbot, issues.view, issues.model.index(0, 0))
    assert sites.view.currentIndex() == cell(sites, SITE, "utilisation")
    assert sites.view.hasFocus()

    qtbot.keyClick(sites.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert issues.model.rowCount() == 0
    assert cell(sites, SITE, "utilisation").data(Qt.ItemDataRole.BackgroundRole) is None


def test_choices_are_picked_from_a_drop_down(qtbot, window):
    sites = window.editors["site"]
    index = cell(sites, SITE, "status")
    sites.view.setCurrentIndex(index)
    sites.view.edit(index)
    combo = QApplication.focusWidget()
    assert combo.__class__.__name__ == "QComboBox"
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Announced", "Under construction", "Operational"]
    combo.setCurrentIndex(2)
    combo.activated.emit(2)
    assert str(window.session.model.site(SITE).status) == "operational"
    assert window.undo_action.text() == f"&Undo Edit Status of {SITE}"


def test_renaming_a_region_renames_its_references_in_one_step(qtbot, window):
    regions = window.editors["region"]
    window.show_editor("region")
    type_into_cell(qtbot, regions, cell(regions, "US", "code"), "USA")
    model = window.session.model
    assert model.site(SITE).region == "USA"
    assert all(s.region != "US" for s in model.sites)
    window.session.stack.undo()
    assert model.site(SITE).region == "US"


def test_ctrl_enter_fills_every_selected_cell_as_one_step(qtbot, window):
    sites = window.editors["site"]
    column = sites.model.column_of("utilisation")
    selection = sites.view.selectionModel()
    for row in range(3):
        selection.select(sites.model.index(row, column), selection.SelectionFlag.Select)
    sites.view.setCurrentIndex(sites.model.index(0, column))
    selection.select(sites.model.index(1, column), selection.SelectionFlag.Select)
    selection.select(sites.model.index(2, column), selection.SelectionFlag.Select)
    sites.view.edit(sites.view.currentIndex())
    line = QApplication.focusWidget()
    line.selectAll()
    qtbot.keyClicks(line, "55 %")
    qtbot.keyClick(line, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    rows = [sites.model.row_at(r) for r in range(3)]
    assert [r.utilisation for r in rows] == [0.55] * 3
    assert window.session.stack.count() == 1
    window.session.stack.undo()
    assert [r.utilisation for r in rows] != [0.55] * 3


def test_keyboard_only_add_find_duplicate_delete(qtbot, window):
    sites = window.editors["site"]
    sites.view.setFocus()
    qtbot.keyClick(sites.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert sites.search.hasFocus()
    qtbot.keyClicks(sites.search, "stargate")
    qtbot.keyClick(sites.search, Qt.Key.Key_Return)
    assert sites.view.hasFocus()
    names = [key_of(r) for r in sites.model.visible_rows()]
    assert names and all("stargate" in n.lower() for n in names)
    assert "of 33 sites" in sites.count.text()

    qtbot.keyClick(sites.view, Qt.Key.Key_Insert, Qt.KeyboardModifier.ControlModifier)
    model = window.session.model
    assert len(model.sites) == 34
    added = sites.current_row()
    assert added.name == "New site"
    assert sites.view.currentIndex().column() == 0  # on its name, ready to type

    qtbot.keyClick(sites.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert [s.name for s in model.sites].count("New site (copy)") == 1
    qtbot.keyClick(sites.view, Qt.Key.Key_Delete)
    assert len(model.sites) == 34
    qtbot.keyClick(sites.search, Qt.Key.Key_Escape)
    assert sites.model.rowCount() == 34


def test_deleting_a_site_takes_its_phases_and_undo_brings_them_back(qtbot, window):
    window.show_row("site", window.session.model.site(SITE))
    sites = window.editors["site"]
    sites.view.setFocus()
    phases_before = [p.key for p in window.session.model.phases]
    qtbot.keyClick(sites.view, Qt.Key.Key_Delete)
    assert window.session.model.site(SITE) is None
    assert not window.session.model.phases_of(SITE)
    assert window.undo_action.text() == f"&Undo Delete “{SITE}”"
    window.undo_action.trigger()
    assert [p.key for p in window.session.model.phases] == phases_before


def test_sorting_by_a_column_and_back_to_model_order(qtbot, window):
    sites = window.editors["site"]
    header = sites.view.horizontalHeader()
    column = sites.model.column_of("capacity")
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.rect().topLeft() + _section_center(header, column))
    values = [sites.model.columns[column].value(r) for r in sites.model.visible_rows()]
    assert values == sorted(values)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    assert [r.name for r in sites.model.visible_rows()] == \
        [s.name for s in window.session.model.sites]


def _section_center(header, section):
    from PySide6.QtCore import QPoint

    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    return QPoint(x, header.height() // 2)


def test_go_to_shortcuts_put_the_keyboard_in_each_panel(qtbot, window):
    qtbot.keyClick(window.editors["site"].view, Qt.Key.Key_2,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.editors["phase"].view.hasFocus()
    qtbot.keyClick(window.editors["phase"].view, Qt.Key.Key_0,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.navigator.view.hasFocus()
    nav = window.navigator.view
    nav.setCurrentIndex(window.navigator.model.category_index("accelerator"))
    qtbot.keyClick(nav, Qt.Key.Key_Return)
    assert window.editors["accelerator"].view.hasFocus()
    assert window.current_kind == "accelerator"


def test_delete_acts_only_on_the_table_with_the_keyboard(qtbot, window):
    window.editors["site"].view.setFocus()
    window.editors["site"].select_cell(0, 0)
    window.navigator.view.setFocus()
    qtbot.keyClick(window.navigator.view, Qt.Key.Key_Delete)
    assert len(window.session.model.sites) == 33
    assert "Select rows" in window.statusBar().currentMessage()


def test_renaming_onto_a_key_in_use_is_refused_and_changes_nothing(qtbot, window):
    """A rename carries references along: onto a taken key it would merge two regions' sites
    for good (renaming back could not split them)."""
    regions = window.show_editor("region")
    model = window.session.model
    by_region = {r.code: sorted(s.name for s in model.sites if s.region == r.code)
                 for r in model.regions}
    before = window.session.stack.count()
    type_into_cell(qtbot, regions, cell(regions, "CN", "code"), "US")
    assert "exists already" in window.statusBar().currentMessage()
    assert window.session.stack.count() == before
    assert {r.code: sorted(s.name for s in model.sites if s.region == r.code)
            for r in model.regions} == by_region


def test_a_number_too_large_for_any_float_is_refused_in_place(qtbot, window):
    window.show_row("site", window.session.model.site(SITE))
    phases = window.editors["phase"]
    before = window.session.stack.count()
    type_into_cell(qtbot, phases, cell(phases, f"{SITE}/Phase 2", "capacity_mw"), "1e9999999")
    assert "too large" in window.statusBar().currentMessage()
    assert window.session.model.phases_of(SITE)[1].capacity_mw == 123.3
    assert window.session.stack.count() == before
