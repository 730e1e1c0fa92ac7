"""File ▸ Sweep…: the dialog builds the spec the CLI would read, runs it in a worker, draws the
same numbers as ``run_sweep``, cancels without blocking, and exports through ``core.sweep.io``."""

from __future__ import annotations

import json
import time

import numpy as np
from PySide6.QtWidgets import QApplication

from desktop_app.core.sweep.answers import answers
from desktop_app.core.sweep.run import run_sweep
from desktop_app.core.sweep.spec import parse_spec
from desktop_app.ui import actions as A
from desktop_app.ui.sweep.dialog import FILE_SWEEP, QSweepDialog

pytest_plugins = ["ui_fixtures"]

SMALL = {"price_change": (-40.0, 40.0), "demand_growth": (-10.0, 30.0)}


def open_sweep(qtbot, window) -> QSweepDialog:
    """Open the dialog the way the user does: File ▸ Sweep…."""
    action = window.action(FILE_SWEEP)
    assert action in window.menu(A.MENU_FILE).actions()
    action.trigger()
    dialog = window.sweep.dialog
    assert isinstance(dialog, QSweepDialog)
    qtbot.waitExposed(dialog)
    assert not dialog.isModal()
    return dialog


def small_sweep(dialog: QSweepDialog, threshold_b: float | None = None) -> None:
    dialog.set_drivers(SMALL)
    dialog.design.setCurrentIndex(dialog.design.findData("latin_hypercube"))
    dialog.points.setValue(12)
    dialog.samples.setValue(50)
    if threshold_b is not None:
        dialog.use_threshold.setChecked(True)
        dialog.threshold.setValue(threshold_b)


def run_and_wait(qtbot, dialog: QSweepDialog) -> None:
    with qtbot.waitSignal(dialog.sig_finished, timeout=20_000):
        dialog.run_button.click()


def test_menu_entry_sits_in_file_menu_above_quit(window):
    names = [a.objectName() or a.text() for a in window.menu(A.MENU_FILE).actions()]
    assert names.index(FILE_SWEEP) < names.index("file.quit")


def test_sweep_runs_in_a_worker_and_draws_the_cores_numbers(qtbot, window):
    dialog = open_sweep(qtbot, window)
    assert dialog.scenario.currentText() in [s.name for s in window.session.model.scenarios]
    assert dialog.seed.value() == window.session.model.settings.mc_seed % 2**31
    small_sweep(dialog)
    run_and_wait(qtbot, dialog)

    spec = parse_spec(dialog.spec_document())
    expected = run_sweep(window.session.model, spec)
    assert dialog.result.same_numbers(expected)
    found = answers(expected)
    output = spec.outputs[0].name

    # the scatter: 12 points at the design's driver values
    x, y = dialog.view.scatter.getData()
    assert len(x) == 12
    xi = spec.design().drivers.index(dialog.view.x_driver.currentData())
    yi = spec.design().drivers.index(dialog.view.y_driver.currentData())
    assert xi != yi
    np.testing.assert_array_equal(x, expected.design.values[:, xi])
    np.testing.assert_array_equal(y, expected.design.values[:, yi])
    # the feature scores: one bar per driver, heights equal to the core's scores
    scores = found.scores[output]
    assert len(dialog.view.score_bars.opts["height"]) == 2
    assert len(dialog.view.rho_bars.opts["height"]) == 2
    np.testing.assert_array_equal(dialog.view.score_bars.opts["height"],
                                  [s.first_order for s in scores])
    np.testing.assert_array_equal(dialog.view.rho_bars.opts["height"],
                                  [s.spearman for s in scores])
    assert dialog.progress.value() == dialog.progress.maximum()
    assert dialog.export_button.isEnabled()
    # switching axes redraws from the same result
    dialog.view.x_driver.setCurrentIndex(1 - dialog.view.x_driver.currentIndex())
    x2, _ = dialog.view.scatter.getData()
    assert len(x2) == 12


def test_threshold_draws_the_discovered_box(qtbot, window):
    dialog = open_sweep(qtbot, window)
    small_sweep(dialog)
    run_and_wait(qtbot, dialog)
    median = float(np.median(dialog.result.statistic(dialog.result.outputs[0].name)))
    dialog.use_threshold.setChecked(True)
    dialog.threshold.setValue(median / 1e9)
    dialog.direction.setCurrentIndex(dialog.direction.findData(True))
    run_and_wait(qtbot, dialog)
    expected = answers(run_sweep(window.session.model, parse_spec(dialog.spec_document())))
    d = expected.discovery
    assert d is not None and d.stats is not None
    assert dialog.found.discovery == d
    xs, _ys = dialog.view.box.getData()
    assert len(xs) == 5  # a closed rectangle
    rings, _ = dialog.view.rings.getData()
    assert len(rings) == d.crossing_points
    text = dialog.view.box_text.text()
    assert f"{d.stats.coverage:.0%}" in text and f"{d.stats.density:.0%}" in text


def test_cancel_leaves_the_dialog_responsive_and_no_result(qtbot, window):
    dialog = open_sweep(qtbot, window)
    dialog.set_drivers(SMALL)
    dialog.points.setValue(5000)
    dialog.samples.setValue(2000)
    finished = []
    dialog.sig_finished.connect(finished.append)
    dialog.run_button.click()
    assert dialog.running and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=10_000)
    began = time.perf_counter()
    QApplication.processEvents()
    assert time.perf_counter() - began < 0.5  # the GUI thread is not blocked
    with qtbot.waitSignal(dialog.sig_cancelled, timeout=2000):
        dialog.cancel_button.click()
    assert not dialog.running
    assert dialog.run_button.isEnabled() and not dialog.cancel_button.isEnabled()
    dialog.wait(10)
    assert not dialog._job.busy()
    qtbot.wait(50)
    assert finished == [] and dialog.result is None
    assert len(dialog.view.scatter.getData()[0]) == 0
    assert not dialog.export_button.isEnabled()


def test_export_writes_the_results(qtbot, window, dialog_answers, tmp_path):
    dialog = open_sweep(qtbot, window)
    small_sweep(dialog)
    run_and_wait(qtbot, dialog)
    path = tmp_path / "sweep.json"
    dialog_answers.set("get_results_export_path", str(path))
    dialog.export_button.click()
    document = json.loads(path.read_text(encoding="utf-8"))
    assert len(document["rows"]) == 12
    assert document["run"]["seed"] == dialog.seed.value()
