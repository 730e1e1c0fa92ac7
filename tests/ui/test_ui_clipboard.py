"""Rows travel to and from spreadsheets as tab-separated text; a bad paste changes nothing."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication
from ui_support import cell, settle

from desktop_app.ui.tables import clipboard

pytest_plugins = ["ui_fixtures"]

THREE_SITES = (
    "Name\tOperator\tRegion\tStatus\tAccelerator\tUtilisation\n"
    "Pune Compute\tYotta\tIN\tannounced\tH200\t70 %\n"
    "Chennai AI Park\tSify\tIN\tUnder construction\tB200\t65\n"
    "Mumbai Hub\tReliance\tIN\toperational\tGB200\t0.8 %\n"
)


def paste_with_keyboard(qtbot, window, kind: str, text: str) -> None:
    QApplication.clipboard().setText(text)
    editor = window.show_editor(kind)
    editor.view.setFocus()
    qtbot.keyClick(editor.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_paste_three_rows_from_a_spreadsheet_is_one_undo_step(qtbot, window):
    model = window.session.model
    before = len(model.sites)
    paste_with_keyboard(qtbot, window, "site", THREE_SITES)
    assert len(model.sites) == before + 3
    pune = model.site("Pune Compute")
    assert (pune.operator, pune.region, pune.accelerator, pune.utilisation) == \
        ("Yotta", "IN", "H200", 0.7)
    assert str(model.site("Chennai AI Park").status) == "under_construction"
    assert model.site("Chennai AI Park").utilisation == 0.65
    assert "Paste 3 sites" in window.statusBar().currentMessage()
    sites = window.editors["site"]
    assert {sites.model.row_at(i.row()).name for i in sites.view.selectionModel().selectedRows()} \
        == {"Pune Compute", "Chennai AI Park", "Mumbai Hub"}
    settle(qtbot, window)
    assert len(window.session.problems) == 0

    window.undo_action.trigger()
    assert len(model.sites) == before
    window.redo_action.trigger()
    assert model.site("Mumbai Hub") is not None


def test_a_paste_that_fails_validation_is_rejected_whole_with_reasons(qtbot, window,
                                                                       dialog_answers):
    model = window.session.model
    before = [s.name for s in model.sites]
    bad = THREE_SITES.replace("Sify\tIN", "Sify\tXX").replace("0.8 %", "lots")
    paste_with_keyboard(qtbot, window, "site", bad)
    assert [s.name for s in model.sites] == before
    (reasons,) = [args[1] for args in dialog_answers.asked("show_paste_rejected")]
    assert any("Utilisation" in r and "lots" in r for r in reasons)
    assert window.session.stack.count() == 0

    paste_with_keyboard(qtbot, window, "site", THREE_SITES.replace("Sify\tIN", "Sify\tXX"))
    (_, reasons), = dialog_answers.asked("show_paste_rejected")[1:]
    assert reasons == ["site 'Chennai AI Park', region: region 'XX' does not exist"]
    assert [s.name for s in model.sites] == before


def test_pasting_rows_with_existing_keys_updates_them(qtbot, window):
    text = "Name\tUtilisation\tNotes\nStargate Abilene\t60 %\tre-rated\n"
    paste_with_keyboard(qtbot, window, "site", text)
    site = window.session.model.site("Stargate Abilene")
    assert (site.utilisation, site.notes) == (0.6, "re-rated")
    assert len(window.session.model.sites) == 33
    assert "1 updated" in window.statusBar().currentMessage()


def test_copy_rows_then_paste_back_round_trips(qtbot, window):
    sites = window.editors["site"]
    window.show_editor("site")
    selection = sites.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    for row in (0, 1):
        selection.select(sites.model.index(row, 0), flags.Select | flags.Rows)
    qtbot.keyClick(sites.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QApplication.clipboard().text()
    lines = clipboard.parse_tsv(text)
    assert lines[0][:3] == ["Name", "Operator", "Region"]
    assert lines[1][0] == "Stargate Abilene"
    assert "75 %" in lines[1]
    paste_with_keyboard(qtbot, window, "site", text)  # same keys: nothing to change
    assert "already there" in window.statusBar().currentMessage()
    assert window.session.stack.count() == 0


def test_a_block_of_cells_pastes_into_the_cells_below_the_current_one(qtbot, window):
    phases = window.show_editor("phase")
    window.editors["phase"].follow_site(window.session.model.site("Stargate Abilene"))
    start = cell(phases, "Stargate Abilene/Phase 1", "capacity_mw")
    phases.view.setCurrentIndex(start)
    QApplication.clipboard().setText("150\t2026\n0.3 GW\t2027\n")
    phases.view.setFocus()
    qtbot.keyClick(phases.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    first, second = window.session.model.phases_of("Stargate Abilene")[:2]
    assert (first.capacity_mw, first.online_year) == (150.0, 2026)
    assert (second.capacity_mw, second.online_year) == (300.0, 2027)
    assert window.session.stack.count() == 1


def test_one_value_pasted_over_a_selection_fills_it(qtbot, window):
    sites = window.show_editor("site")
    column = sites.model.column_of("completion_probability")
    selection = sites.view.selectionModel()
    for row in range(4):
        selection.select(sites.model.index(row, column),
                         QItemSelectionModel.SelectionFlag.Select)
    QApplication.clipboard().setText("50 %")
    window.paste()
    assert [sites.model.row_at(r).completion_probability for r in range(4)] == [0.5] * 4
    assert window.session.stack.count() == 1


def test_tsv_quoting_round_trips():
    grid = [["a\tb", 'say "hi"', "line\nbreak"], ["", "x", "y"]]
    assert clipboard.parse_tsv(clipboard.to_tsv(grid)) == grid
    assert clipboard.parse_tsv("a\tb\r\nc\td\r\n\r\n") == [["a", "b"], ["c", "d"]]


def test_a_paste_that_swaps_names_is_refused_whole(qtbot, window, dialog_answers):
    """Renames apply one after another: pasting B over A and A over B would first merge A's
    phases into B's, then move them all to A."""
    model = window.session.model
    first, second = model.sites[0].name, model.sites[1].name
    phases = {s.name: len(model.phases_of(s.name)) for s in model.sites[:2]}
    editor = window.show_editor("site")
    editor.view.setCurrentIndex(cell(editor, first, "name"))
    QApplication.clipboard().setText(f"{second}\n{first}\n")
    editor.view.setFocus()
    qtbot.keyClick(editor.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    (_, reasons), = dialog_answers.asked("show_paste_rejected")
    assert any("exists already" in r for r in reasons), reasons
    assert {s.name: len(model.phases_of(s.name)) for s in model.sites[:2]} == phases
    assert window.session.stack.count() == 0
