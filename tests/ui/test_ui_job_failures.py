"""A job that fails — out of memory, a bad input — says what happened and hands the controls
back: ▶ enabled, no "waiting…" status, and the next run works (Monte Carlo, sweep, results
export, the live projection and the problem checker)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_support import ready
from PySide6.QtCore import Qt
from test_ui_sweep import open_sweep, run_and_wait, small_sweep
from test_ui_transfer import ask_results

from desktop_app.core.edits import SETTINGS_UID, SetField
from desktop_app.ui.dashboard import monte_carlo as mc_module
from desktop_app.ui.dashboard.controller import ProjectionCache

pytest_plugins = ["ui_fixtures"]
LEFT = Qt.MouseButton.LeftButton


def raising(error: BaseException):
    def fail(*_args, **_kwargs):
        raise error
    return fail


def use_samples(window, samples: int) -> None:
    window.session.push(SetField("settings", SETTINGS_UID, "mc_samples", samples),
                        "Edit mc_samples of settings")


@pytest.mark.parametrize("error, says", [(MemoryError(), "not enough memory"),
                                         (ValueError("no uncertainties"), "no uncertainties")])
def test_a_failed_monte_carlo_says_why_and_run_works_again(qtbot, monkeypatch, window,
                                                           error, says):
    dashboard = ready(qtbot, window)
    use_samples(window, 500)
    mc = dashboard.monte_carlo
    monkeypatch.setattr(mc_module, "run_monte_carlo", raising(error))
    with qtbot.waitSignal(mc.sig_failed, timeout=10_000) as failed:
        qtbot.mouseClick(dashboard.run_button, LEFT)
    assert says in failed.args[0]
    mc.wait(5)
    assert not mc._job.busy()  # no worker left behind
    assert not mc.running and dashboard.run_button.isEnabled()
    assert not dashboard.cancel_button.isEnabled() and not dashboard.progress.isVisible()
    assert dashboard.status.text().startswith("Monte Carlo failed:") and says in \
        dashboard.status.text()
    if isinstance(error, MemoryError):
        assert "fewer samples" in dashboard.status.text()
    use_samples(window, 400)  # an edit does not retry the failing run over and over
    qtbot.wait(mc_module.RESTART_MS + 50)
    assert not mc.running and "failed" in dashboard.status.text()

    monkeypatch.undo()
    with qtbot.waitSignal(mc.sig_finished, timeout=20_000):
        qtbot.mouseClick(dashboard.run_button, LEFT)
    assert "400 samples" in dashboard.status.text() and mc.failure == ""


def test_a_run_restarted_by_an_edit_that_fails_is_not_left_waiting(qtbot, monkeypatch, window):
    """The reported bug: a following run that ran out of memory left "waiting for edits to
    pause…" for good."""
    dashboard = ready(qtbot, window)
    use_samples(window, 500)
    mc = dashboard.monte_carlo
    with qtbot.waitSignal(mc.sig_finished, timeout=20_000):
        qtbot.mouseClick(dashboard.run_button, LEFT)
    assert mc.auto
    monkeypatch.setattr(mc_module, "run_monte_carlo", raising(MemoryError()))
    with qtbot.waitSignal(mc.sig_failed, timeout=10_000):
        use_samples(window, 600)  # followed by a new run, once the edits pause
    assert "waiting" not in dashboard.status.text()
    assert "not enough memory" in dashboard.status.text()
    assert dashboard.run_button.isEnabled() and not mc.running and not mc.auto
    monkeypatch.undo()
    with qtbot.waitSignal(mc.sig_finished, timeout=20_000):
        qtbot.mouseClick(dashboard.run_button, LEFT)
    assert "600 samples" in dashboard.status.text()


def test_a_failed_sweep_says_why_and_runs_again(qtbot, monkeypatch, window):
    from desktop_app.core.sweep import run as sweep_run

    dialog = open_sweep(qtbot, window)
    small_sweep(dialog)
    monkeypatch.setattr(sweep_run, "run_sweep", raising(MemoryError()))
    with qtbot.waitSignal(dialog.sig_failed, timeout=10_000):
        dialog.run_button.click()
    assert not dialog.running and dialog.run_button.isEnabled()
    assert not dialog.cancel_button.isEnabled()
    dialog.wait(5)
    assert not dialog._job.busy()
    assert "The sweep failed: not enough memory" in dialog.status.text()
    monkeypatch.undo()
    run_and_wait(qtbot, dialog)
    assert dialog.result is not None and "points" in dialog.status.text()


def test_a_failed_results_export_says_why_and_exports_again(qtbot, monkeypatch, window,
                                                            dialog_answers, tmp_path: Path):
    from desktop_app.ui.transfer import results_export

    exporter = window.file_transfer.results
    path = tmp_path / "results.csv"
    original = results_export.compute_runs
    monkeypatch.setattr(results_export, "compute_runs", raising(MemoryError()))
    dialog = ask_results(window, dialog_answers, path, "Baseline", 0)
    qtbot.keyClicks(dialog.samples.lineEdit(), "0")
    with qtbot.waitSignal(exporter.sig_finished, timeout=10_000) as finished:
        qtbot.mouseClick(dialog.export_button, LEFT)
    assert finished.args == [""] and not exporter.busy() and not path.exists()
    (_parent, title, message), = dialog_answers.asked("show_error")
    assert title == "Cannot export results" and "not enough memory" in message
    monkeypatch.setattr(results_export, "compute_runs", original)
    dialog = ask_results(window, dialog_answers, path, "Baseline", 0)
    qtbot.keyClicks(dialog.samples.lineEdit(), "0")
    with qtbot.waitSignal(exporter.sig_finished, timeout=20_000) as finished:
        qtbot.mouseClick(dialog.export_button, LEFT)
    assert finished.args == [str(path)] and path.exists()


def test_a_failed_projection_is_shown_and_the_next_one_draws(qtbot, monkeypatch, window):
    dashboard = ready(qtbot, window)
    controller = dashboard.controller
    original = ProjectionCache.project
    monkeypatch.setattr(ProjectionCache, "project", raising(MemoryError()))
    controller.set_options(metric="total_spend_usd", year=None)
    controller.wait()
    assert controller.latest.projection is None and controller.latest.error
    assert "No projection" in dashboard.banner.text()
    monkeypatch.setattr(ProjectionCache, "project", original)
    controller.request()
    controller.wait()
    assert controller.latest.projection is not None
    assert "No projection" not in dashboard.banner.text()


def test_a_failed_validation_is_reported_and_the_next_edit_checks_again(qtbot, monkeypatch,
                                                                         window):
    from desktop_app.ui import problems

    checker = window.session.checker
    checker.wait()
    monkeypatch.setattr(problems, "validate", raising(MemoryError()))
    use_samples(window, 700)
    checker.wait()
    assert "Validation failed: not enough memory" in window.problem_label.text()
    monkeypatch.undo()
    use_samples(window, 800)
    checker.wait()
    assert checker.error == "" and "problem" in window.problem_label.text().lower()
