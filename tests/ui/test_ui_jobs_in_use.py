"""Adversarial review of the jobs: closing, cancelling, racing edits."""

from __future__ import annotations

import threading

from dashboard_support import ready
from PySide6.QtCore import Qt

from desktop_app.core.edits import SETTINGS_UID, SetField
from desktop_app.ui import jobs

pytest_plugins = ["ui_fixtures"]


def use_samples(window, samples: int) -> None:
    window.session.push(SetField("settings", SETTINGS_UID, "mc_samples", samples),
                        "Edit mc_samples of settings")


def test_refusing_to_close_keeps_a_monte_carlo_run_going(qtbot, window, dialog_answers):
    dashboard = ready(qtbot, window)
    use_samples(window, 200_000)  # modified: closing asks first
    mc = dashboard.monte_carlo
    qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    assert mc.running
    dialog_answers.set("ask_save_changes", "cancel")
    window.close()
    assert window.isVisible()  # the user said Cancel: the window stays, so does the run
    assert mc.running and dashboard.cancel_button.isEnabled()
    with qtbot.waitSignal(mc.sig_finished, timeout=60000):
        pass
    mc.cancel()


def test_refusing_to_close_keeps_a_sweep_going(qtbot, window, dialog_answers):
    from desktop_app.ui.sweep.dialog import FILE_SWEEP

    use_samples(window, 1000)  # modified: closing asks first
    window.action(FILE_SWEEP).trigger()
    dialog = window.sweep.dialog
    qtbot.waitExposed(dialog)
    dialog.set_drivers({"price_change": (-40.0, 40.0), "demand_growth": (-10.0, 30.0)})
    dialog.points.setValue(5000)
    dialog.samples.setValue(2000)
    dialog.run_button.click()
    assert dialog.running
    dialog_answers.set("ask_save_changes", "cancel")
    window.close()
    assert window.isVisible()
    assert dialog.running and dialog.cancel_button.isEnabled()
    dialog.cancel_button.click()
    dialog.wait()


def test_start_twice_quickly_gives_one_result(qtbot, window):
    dashboard = ready(qtbot, window)
    use_samples(window, 2000)
    mc = dashboard.monte_carlo
    finished = []
    mc.sig_finished.connect(finished.append)
    qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(finished), timeout=20000)
    mc.wait()
    qtbot.wait(50)
    assert len(finished) == 1
    assert not mc.running and not dashboard.cancel_button.isEnabled()


def test_cancel_then_edit_does_not_restart(qtbot, window):
    dashboard = ready(qtbot, window)
    use_samples(window, 100_000)
    mc = dashboard.monte_carlo
    qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dashboard.cancel_button, Qt.MouseButton.LeftButton)
    assert not mc.running and dashboard.run_button.isEnabled()
    use_samples(window, 1000)
    qtbot.wait(600)
    assert not mc.running and mc.result is None
    mc.wait()


def test_a_failing_run_then_a_good_one(qtbot, window, monkeypatch):
    from desktop_app.ui.dashboard import monte_carlo as mcmod

    dashboard = ready(qtbot, window)
    use_samples(window, 1000)
    mc = dashboard.monte_carlo
    real = mcmod.run_monte_carlo
    calls = []

    def flaky(*a, **k):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError("boom")
        return real(*a, **k)

    monkeypatch.setattr(mcmod, "run_monte_carlo", flaky)
    with qtbot.waitSignal(mc.sig_failed, timeout=10000):
        qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    assert dashboard.run_button.isEnabled() and not dashboard.cancel_button.isEnabled()
    assert "memory" in mc.failure
    with qtbot.waitSignal(mc.sig_finished, timeout=20000):
        qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    assert mc.failure == "" and mc.current() is not None


def test_closing_mid_run_leaves_no_thread(qtbot, window, dialog_answers):
    dashboard = ready(qtbot, window)
    use_samples(window, 400_000)
    qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    dialog_answers.set("ask_save_changes", "discard")
    window.close()
    assert not window.isVisible()
    jobs.wait_all(5.0)
    alive = [t.name for t in threading.enumerate() if t.name.startswith("atlas")]
    assert not alive, alive


def test_a_quick_drag_in_workers_ends_on_the_last_position(qtbot, window, monkeypatch):
    """Projections in worker threads, the early ones slowest: the plot still ends on the
    released position's numbers, never an older request's."""
    import time

    import pytest
    from dashboard_support import drag, one_turn_after_interval, slider, spend_stack

    from desktop_app.core.engine.project import Projector
    from desktop_app.ui.dashboard import controller as ctl

    dashboard = ready(qtbot, window)
    monkeypatch.setattr(ctl, "INLINE_ROWS", 0)
    real = ctl.ProjectionCache.run
    calls = []

    def slow_first(self, request):
        calls.append(1)
        time.sleep(0.15 if len(calls) < 3 else 0.0)
        return real(self, request)

    monkeypatch.setattr(ctl.ProjectionCache, "run", slow_first)
    packaging = slider(window, "packaging_change")
    drag(qtbot, packaging, [-5, -10, -15, -20, -25, -30])
    for _ in range(5):
        one_turn_after_interval(qtbot)
    dashboard.controller.wait()
    qtbot.wait(50)
    expected = Projector(window.session.model).project("Baseline")
    scale = dashboard.panels["spend-by-region"].scale
    assert spend_stack(dashboard)["US"] == pytest.approx(
        expected.series("total_spend_usd", "US") / scale.factor)


def test_an_edit_while_validation_runs_in_a_worker(qtbot, window, monkeypatch):
    import time

    from desktop_app.ui import problems as pr

    monkeypatch.setattr(pr, "INLINE_ROWS", 0)
    real = pr.validate

    def slow(model):
        time.sleep(0.2)
        return real(model)

    monkeypatch.setattr(pr, "validate", slow)
    session = window.session
    session.push(SetField("settings", SETTINGS_UID, "mc_samples", -5), "bad")
    qtbot.wait(20)  # the check of the bad value runs in the worker…
    session.stack.undo()  # …while the user undoes it
    qtbot.waitUntil(lambda: not session.checker.pending(), timeout=5000)
    qtbot.wait(50)
    assert len(session.problems) == 0
    assert "problem" not in window.problem_label.text() or "No problems" in \
        window.problem_label.text()


def test_a_projection_that_runs_out_of_memory_then_an_edit_that_works(qtbot, window,
                                                                       monkeypatch):
    from desktop_app.ui.dashboard import controller as ctl

    dashboard = ready(qtbot, window)
    monkeypatch.setattr(ctl, "INLINE_ROWS", 0)
    real = ctl.ProjectionCache.run
    calls = []

    def flaky(self, request):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError("projection")
        return real(self, request)

    monkeypatch.setattr(ctl.ProjectionCache, "run", flaky)
    use_samples(window, 1234)
    dashboard.controller.wait()
    qtbot.wait(20)
    assert dashboard.controller.latest.error and "memory" in dashboard.banner.text()
    use_samples(window, 1235)
    dashboard.controller.wait()
    qtbot.wait(20)
    assert dashboard.controller.latest.error == "" or dashboard.controller.latest.error is None
    assert dashboard.controller.latest.projection is not None
    assert "memory" not in dashboard.banner.text()


def test_new_document_mid_run_never_shows_the_old_models_band(qtbot, window, dialog_answers):
    dashboard = ready(qtbot, window)
    use_samples(window, 100_000)
    mc = dashboard.monte_carlo
    qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    old_model = window.session.model
    dialog_answers.set("ask_save_changes", "discard")
    window.documents.new_blank()
    assert window.session.model is not old_model
    qtbot.wait(800)
    mc.wait()
    qtbot.wait(50)
    assert mc.current() is None or mc.result_key.model_id == id(window.session.model)
    spend = dashboard.panels["spend-by-region"]
    assert spend.band is None
    assert not dashboard.cancel_button.isEnabled() or mc.running


def test_undo_mid_run_restarts_on_the_undone_model(qtbot, window):
    import numpy as np

    from desktop_app.core.engine.montecarlo import run_monte_carlo

    dashboard = ready(qtbot, window)
    use_samples(window, 3000)
    mc = dashboard.monte_carlo
    acc = window.session.model.accelerators[0]
    window.session.push(SetField("accelerator", acc.uid, "chip_tdp_kw", acc.chip_tdp_kw * 2),
                        "Edit chip_tdp_kw")
    qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    window.editors["accelerator"].view.setFocus()
    window.undo_action.trigger()
    with qtbot.waitSignal(mc.sig_finished, timeout=30000) as done:
        pass
    result = done.args[0]
    assert mc.current() is result
    expected = run_monte_carlo(window.session.model, "Baseline", 3000,
                               window.session.model.settings.mc_seed)
    assert np.allclose(result.sample_series("installed_chip_mw"),
                       expected.sample_series("installed_chip_mw"))
