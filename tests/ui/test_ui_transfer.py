"""File ▸ Import and File ▸ Export as a strategist uses them: hand a scenario to a colleague and
take one back, see what cannot be resolved before anything changes, refuse hostile files, map
the columns of a sites CSV, and write results that match the engine."""

from __future__ import annotations

import copy
import csv
import getpass
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu
from ui_support import settle

from desktop_app.core.edits import RemoveRows, SetField
from desktop_app.core.engine.montecarlo import run_monte_carlo
from desktop_app.core.engine.project import Projector
from desktop_app.core.results_io import scenario_inputs
from desktop_app.ui import actions as A
from desktop_app.ui.transfer import file_transfer as T

pytest_plugins = ["ui_fixtures"]
LEFT = Qt.MouseButton.LeftButton


def click(qtbot, button) -> None:
    """Click a check box or radio button on its label (its centre may be empty space)."""
    qtbot.mouseClick(button, LEFT, pos=QPoint(12, button.height() // 2))
GONE = "Stargate UAE expansion"  # a site "Sovereign buildout" refers to


def snapshot(window) -> tuple:
    model = window.session.model
    return copy.deepcopy(model), window.session.stack.count(), [s.uid for s in model.scenarios]


def export_scenario(window, dialog_answers, name: str, path: Path) -> None:
    """File ▸ Export ▸ Scenario File… with ``name`` current in the Scenarios table."""
    window.show_row("scenario", window.session.model.scenario(name))
    dialog_answers.set("ask_scenario_to_export", lambda _parent, _names, current: current)
    dialog_answers.set("get_scenario_export_path", str(path))
    window.actions[T.FILE_EXPORT_SCENARIO].trigger()
    assert dialog_answers.asked("ask_scenario_to_export")[-1][2] == name  # offered by default
    assert path.is_file()


def open_import(qtbot, window, dialog_answers, path: Path):
    dialog_answers.set("get_scenario_import_path", str(path))
    window.actions[T.FILE_IMPORT_SCENARIO].trigger()
    dialog = window.file_transfer.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitExposed(dialog)
    return dialog


def test_file_menu_has_import_and_export(window):
    file_menu = window.menu(A.MENU_FILE)
    titles = [a.text() for a in file_menu.actions()]
    assert titles.index("&Import") < titles.index("&Export") < titles.index("&Quit")
    imports = file_menu.findChild(QMenu, "menu.file.import")
    assert [a.objectName() for a in imports.actions()] == [T.FILE_IMPORT_SCENARIO,
                                                            T.FILE_IMPORT_SITES]
    exports = file_menu.findChild(QMenu, "menu.file.export")
    assert [a.objectName() for a in exports.actions()] == [T.FILE_EXPORT_SCENARIO,
                                                            T.FILE_EXPORT_RESULTS]


def test_export_then_import_under_a_new_name_is_one_undo_step(qtbot, window, dialog_answers,
                                                              tmp_path):
    path = tmp_path / "glut.scenario.json"
    export_scenario(window, dialog_answers, "Supply glut", path)
    provenance = json.loads(path.read_text(encoding="utf-8"))["provenance"]
    assert provenance["author"] == getpass.getuser()
    assert provenance["source_model"] == "2026 buildout (Untitled)"

    dialog = open_import(qtbot, window, dialog_answers, path)
    assert dialog.name_edit.text() == "Supply glut (imported)"  # the name clashes
    assert dialog.report.unresolved == [] and dialog.applies.count() > 0
    assert dialog.import_button.isEnabled()
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "Glut from Priya")
    before = window.session.stack.count()
    qtbot.mouseClick(dialog.import_button, LEFT)
    assert not dialog.isVisible()

    model = window.session.model
    imported = model.scenario("Glut from Priya")
    assert imported is not None
    assert len(imported.overrides) == len(model.scenario("Supply glut").overrides)
    table = window.editors["scenario"]
    assert "Glut from Priya" in [s.name for s in table.model.visible_rows()]
    assert table.current_row() is imported
    assert window.session.stack.count() == before + 1
    assert window.undo_action.text() == "&Undo Import Scenario “Glut from Priya”"

    window.undo_action.trigger()
    assert model.scenario("Glut from Priya") is None
    assert "Glut from Priya" not in [s.name for s in table.model.visible_rows()]
    window.redo_action.trigger()
    assert model.scenario("Glut from Priya") is imported
    assert "Glut from Priya" in [s.name for s in table.model.visible_rows()]
    settle(qtbot, window)
    assert not window.session.problems


def test_replace_keeps_the_position_and_undo_brings_the_old_one_back(qtbot, window,
                                                                     dialog_answers, tmp_path):
    path = tmp_path / "baseline.scenario.json"
    export_scenario(window, dialog_answers, "Baseline", path)
    model = window.session.model
    old = model.scenario("Baseline")
    dialog = open_import(qtbot, window, dialog_answers, path)
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "Supply glut")  # another existing name: refused
    assert not dialog.import_button.isEnabled()
    assert "already exists" in dialog.status.text()
    click(qtbot, dialog.replace)
    assert dialog.replace.isChecked() and dialog.import_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Import is the default button
    assert not dialog.isVisible()
    assert model.scenarios[0].name == "Baseline" and model.scenarios[0] is not old
    assert [s.name for s in model.scenarios].count("Baseline") == 1
    window.undo_action.trigger()
    assert model.scenarios[0] is old


def test_a_missing_site_is_reported_and_import_waits_for_drop_unresolved(
        qtbot, window, dialog_answers, tmp_path):
    path = tmp_path / "sovereign.scenario.json"
    export_scenario(window, dialog_answers, "Sovereign buildout", path)
    model = window.session.model
    window.session.push(RemoveRows("site", [model.site(GONE).uid]), "Delete site")
    before = snapshot(window)

    dialog = open_import(qtbot, window, dialog_answers, path)
    unresolved = [dialog.unresolved.item(i).text() for i in range(dialog.unresolved.count())]
    assert len(unresolved) == 1 and GONE in unresolved[0]
    assert not dialog.import_button.isEnabled()
    assert "cannot be resolved" in dialog.status.text()
    assert snapshot(window) == before  # nothing changes while the report is open

    click(qtbot, dialog.partial)
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, LEFT)
    imported = model.scenario("Sovereign buildout (imported)")
    full = model.scenario("Sovereign buildout")
    assert len(imported.overrides) == len(full.overrides) - 1
    assert not any(GONE in o.selector for o in imported.overrides)


def test_cancel_changes_nothing(qtbot, window, dialog_answers, tmp_path):
    path = tmp_path / "glut.scenario.json"
    export_scenario(window, dialog_answers, "Supply glut", path)
    before = snapshot(window)
    dialog = open_import(qtbot, window, dialog_answers, path)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert snapshot(window) == before


@pytest.mark.parametrize("payload, reason", [
    (b"[" * 5000 + b"]" * 5000, "nests deeper"),
    (b'{"format": "compute-atlas-scenario", "version": 2, "scenario": {"name": "x",'
     b' "overrides": [{"selector": "site:*", "field": "pue", "operation": "eval",'
     b' "value": 1}]}}', "schema"),
    (b"\xff\xfe not text", "not UTF-8"),
])
def test_hostile_file_is_an_error_and_leaves_the_model(qtbot, window, dialog_answers, tmp_path,
                                                       payload, reason):
    path = tmp_path / "evil.scenario.json"
    path.write_bytes(payload)
    before = snapshot(window)
    dialog_answers.set("get_scenario_import_path", str(path))
    window.actions[T.FILE_IMPORT_SCENARIO].trigger()
    (_parent, title, message), = dialog_answers.asked("show_error")
    assert title == "Cannot import scenario" and reason in message
    assert window.file_transfer.dialog is None
    assert snapshot(window) == before


SITES_CSV = """Site,Country,GPU,Online,Size,Remarks
Alpha Campus,US,B200,2027,350 MW,first
Alpha Campus,US,B200,2028,1.2 GW,second
Beta Park,IN,H100,2026,200,
"""


def choose(qtbot, combo, label: str) -> None:
    """Pick an entry of a closed combo box the way a keyboard user does: type its start."""
    combo.setFocus()
    qtbot.keyClicks(combo, label)
    assert combo.currentText().startswith(label)


def test_sites_csv_with_a_mapping_change_is_one_undo_step(qtbot, window, dialog_answers,
                                                          tmp_path):
    path = tmp_path / "pipeline.csv"
    path.write_text(SITES_CSV, encoding="utf-8")
    dialog_answers.set("get_sites_csv_path", str(path))
    model = window.session.model
    sites_before, phases_before = len(model.sites), len(model.phases)
    window.actions[T.FILE_IMPORT_SITES].trigger()
    dialog = window.file_transfer.dialog
    qtbot.waitExposed(dialog)
    assert dialog.combos["Site"].currentData() == "name"  # detected from the headers
    assert dialog.combos["Size"].currentData() == ""
    assert not dialog.apply_button.isEnabled()
    assert "IT capacity (MW)" in dialog.summary.text()

    choose(qtbot, dialog.combos["Size"], "IT capacity")
    assert dialog.combos["Size"].currentData() == "capacity_mw"
    assert dialog.apply_button.isEnabled(), dialog.summary.text()
    assert dialog.summary.text().startswith("3 rows → 2 sites, 3 phases. No problems")
    header = dialog.table_model.headerData(6, Qt.Orientation.Horizontal)
    assert header == "Size\n→ IT capacity (MW)"

    qtbot.mouseClick(dialog.apply_button, LEFT)
    assert not dialog.isVisible()
    assert len(model.sites) == sites_before + 2
    assert [p.capacity_mw for p in model.phases_of("Alpha Campus")] == [350.0, 1200.0]
    shown = {s.name for s in window.editors["site"].model.visible_rows()}
    assert {"Alpha Campus", "Beta Park"} <= shown
    assert window.undo_action.text() == "&Undo Import 2 Sites"

    window.undo_action.trigger()  # one step takes every site and phase away
    assert (len(model.sites), len(model.phases)) == (sites_before, phases_before)
    assert model.site("Alpha Campus") is None and model.site("Beta Park") is None


def test_rows_with_problems_are_marked_and_apply_stays_off(qtbot, qtmodeltester, window,
                                                           dialog_answers, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(SITES_CSV.replace("Beta Park,IN,H100,2026,200,", "Beta Park,XX,H100,2026,-5,"),
                    encoding="utf-8")
    dialog_answers.set("get_sites_csv_path", str(path))
    before = snapshot(window)
    window.actions[T.FILE_IMPORT_SITES].trigger()
    dialog = window.file_transfer.dialog
    dialog.set_target("Size", "capacity_mw")
    assert not dialog.apply_button.isEnabled()
    assert "2 problems in 1 row" in dialog.summary.text()
    table = dialog.table_model
    qtmodeltester.check(table)
    country = table.index(2, 3)
    assert "region 'XX' does not exist" in table.data(country, Qt.ItemDataRole.ToolTipRole)
    assert table.data(country, Qt.ItemDataRole.BackgroundRole) is not None
    assert table.data(table.index(0, 3), Qt.ItemDataRole.BackgroundRole) is None
    problems = table.data(table.index(2, 1))
    assert "Country: region 'XX'" in problems and "Size:" in problems
    click(qtbot, dialog.only_problems)
    assert dialog.rows.rowCount() == 1
    qtbot.mouseClick(dialog.apply_button, LEFT)  # disabled: nothing happens
    assert dialog.isVisible()
    dialog.reject()
    assert snapshot(window) == before


def ask_results(window, dialog_answers, path: Path, scenario: str, samples: int):
    dialog_answers.set("get_results_export_path", str(path))
    window.actions[T.FILE_EXPORT_RESULTS].trigger()
    dialog = window.file_transfer.results.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.scenario.setCurrentIndex(dialog.scenario.findText(scenario))
    dialog.samples.lineEdit().selectAll()
    return dialog


def test_results_export_matches_the_projection(qtbot, window, dialog_answers, tmp_path):
    path = tmp_path / "glut results.csv"
    dialog = ask_results(window, dialog_answers, path, "Supply glut", 200)
    assert dialog.samples.value() == window.session.model.settings.mc_samples  # from Settings
    qtbot.keyClicks(dialog.samples.lineEdit(), "200")
    exporter = window.file_transfer.results
    with qtbot.waitSignal(exporter.sig_finished, timeout=20_000) as finished:
        qtbot.mouseClick(dialog.export_button, LEFT)
    assert finished.args == [str(path)]
    assert not exporter.busy()

    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if r["metric"] == "total_spend_usd" and r["region"] == "ALL"]
    expected = Projector(window.session.model).project("Supply glut")
    assert [r["period"] for r in rows] == expected.period_labels
    assert [float(r["deterministic"]) for r in rows] == pytest.approx(
        expected.series("total_spend_usd").tolist(), rel=1e-12)
    assert all(r["scenario"] == "Supply glut" and r["p50"] for r in rows)
    assert "Exported results" in window.statusBar().currentMessage()


def test_results_json_carries_the_inputs_sheet(qtbot, window, dialog_answers, tmp_path):
    path = tmp_path / "all.json"
    dialog = ask_results(window, dialog_answers, path, "(all scenarios)", 0)
    qtbot.keyClicks(dialog.samples.lineEdit(), "0")
    with qtbot.waitSignal(window.file_transfer.results.sig_finished, timeout=20_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    document = json.loads(path.read_text(encoding="utf-8"))
    model = window.session.model
    names = [s.name for s in model.scenarios]
    assert [r["scenario"] for r in document["runs"]] == names
    assert document["inputs"] == scenario_inputs(model, names)
    assert "p50" not in document["rows"][0]


def test_cancel_a_long_monte_carlo_writes_nothing(qtbot, window, dialog_answers, tmp_path):
    path = tmp_path / "never.csv"
    dialog = ask_results(window, dialog_answers, path, "Baseline", 1_000_000)
    qtbot.keyClicks(dialog.samples.lineEdit(), "1000000")
    exporter = window.file_transfer.results
    with qtbot.waitSignal(exporter.job.sig_progress, timeout=20_000):
        qtbot.mouseClick(dialog.export_button, LEFT)
    assert exporter.progress is not None and exporter.progress.isVisible()
    with qtbot.waitSignal(exporter.sig_finished, timeout=20_000) as finished:
        qtbot.mouseClick(exporter.progress.findChild(type(dialog.export_button)), LEFT)
    assert finished.args == [""]
    assert not path.exists()
    assert "cancelled" in window.statusBar().currentMessage()


def test_results_of_an_invalid_model_are_refused_with_the_reason(qtbot, window, dialog_answers,
                                                                 tmp_path):
    site = window.session.model.sites[0]
    window.session.push(SetField("site", site.uid, "utilisation", 1.5), "Edit utilisation")
    path = tmp_path / "nope.xlsx"
    dialog = ask_results(window, dialog_answers, path, "Baseline", 0)
    qtbot.keyClicks(dialog.samples.lineEdit(), "0")
    with qtbot.waitSignal(window.file_transfer.results.sig_finished, timeout=20_000):
        qtbot.mouseClick(dialog.export_button, LEFT)
    (_parent, title, message), = dialog_answers.asked("show_error")
    assert title == "Cannot export results" and "1 problem" in message
    assert not path.exists()


def test_the_dashboards_monte_carlo_result_is_reused(qtbot, monkeypatch, window,
                                                     dialog_answers, tmp_path):
    result = run_monte_carlo(window.session.model, "Baseline", 64, 7)
    monkeypatch.setattr(window.dashboard.monte_carlo, "current", lambda: result)
    path = tmp_path / "reused.json"
    dialog = ask_results(window, dialog_answers, path, "Baseline", 0)
    assert not dialog.samples.isEnabled() and "64 samples" in dialog.note.text()
    with qtbot.waitSignal(window.file_transfer.results.sig_finished, timeout=20_000):
        qtbot.mouseClick(dialog.export_button, LEFT)
    (run,) = json.loads(path.read_text(encoding="utf-8"))["runs"]
    assert (run["samples"], run["seed"], run["input_hash"]) == (64, 7, result.info.input_hash)
