"""Adversarial review: the chip TDP end to end through File ▸ Export ▸ Results, and an export
cancelled then started again at once."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt

from desktop_app.core.edits import SetField
from desktop_app.core.engine.project import Projector
from desktop_app.ui.transfer import file_transfer as T

pytest_plugins = ["ui_fixtures"]
LEFT = Qt.MouseButton.LeftButton


def ask(window, dialog_answers, path, scenario, samples):
    dialog_answers.set("get_results_export_path", str(path))
    window.actions[T.FILE_EXPORT_RESULTS].trigger()
    dialog = window.file_transfer.results.dialog
    dialog.scenario.setCurrentIndex(dialog.scenario.findText(scenario))
    dialog.samples.lineEdit().selectAll()
    return dialog


def chip_rows(path):
    with path.open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f)
                if r["metric"] == "installed_chip_mw" and r["region"] == "ALL"]


def test_an_edited_tdp_reaches_the_results_csv(qtbot, window, dialog_answers, tmp_path):
    acc = window.session.model.accelerators[0]
    window.session.push(SetField("accelerator", acc.uid, "chip_tdp_kw", acc.chip_tdp_kw * 3),
                        "Edit chip_tdp_kw")
    path = tmp_path / "r.csv"
    dialog = ask(window, dialog_answers, path, "Baseline", 100)
    qtbot.keyClicks(dialog.samples.lineEdit(), "100")
    exporter = window.file_transfer.results
    with qtbot.waitSignal(exporter.sig_finished, timeout=20_000) as finished:
        qtbot.mouseClick(dialog.export_button, LEFT)
    assert finished.args == [str(path)]
    rows = chip_rows(path)
    expected = Projector(window.session.model).project("Baseline")
    assert [float(r["deterministic"]) for r in rows] == pytest.approx(
        expected.series("installed_chip_mw").tolist(), rel=1e-9)
    assert all(r["unit"] == "MW" and r["p50"] for r in rows)


def test_cancel_then_export_again_at_once(qtbot, window, dialog_answers, tmp_path):
    exporter = window.file_transfer.results
    never = tmp_path / "never.csv"
    dialog = ask(window, dialog_answers, never, "Baseline", 1_000_000)
    qtbot.keyClicks(dialog.samples.lineEdit(), "1000000")
    with qtbot.waitSignal(exporter.job.sig_progress, timeout=20_000):
        qtbot.mouseClick(dialog.export_button, LEFT)
    qtbot.keyClick(exporter.progress, Qt.Key.Key_Escape)  # Esc, like the Cancel button
    assert not exporter.busy()
    path = tmp_path / "now.csv"
    dialog = ask(window, dialog_answers, path, "Baseline", 0)
    qtbot.keyClicks(dialog.samples.lineEdit(), "0")
    with qtbot.waitSignal(exporter.sig_finished, timeout=20_000) as finished:
        qtbot.mouseClick(dialog.export_button, LEFT)
    assert finished.args == [str(path)] and path.exists() and not never.exists()
    exporter.job.wait(30)
    qtbot.wait(50)
    assert not never.exists() and not exporter.busy()
