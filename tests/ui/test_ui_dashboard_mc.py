"""Monte Carlo from the dashboard: Run, progress, Cancel, the P10–P90 band and the status line;
an edit during a run restarts it; the window stays responsive throughout."""

from __future__ import annotations

import time

import numpy as np
import pytest
from dashboard_support import one_turn_after_interval, ready, slider, spend_stack
from PySide6.QtCore import Qt, QTimer

from desktop_app.core.edits import SETTINGS_UID, SetField
from desktop_app.core.engine.montecarlo import run_monte_carlo

pytest_plugins = ["ui_fixtures"]
SEED = 20260501


def use_samples(window, samples: int) -> None:
    window.session.push(SetField("settings", SETTINGS_UID, "mc_samples", samples),
                        "Edit mc_samples of settings")


class Heartbeat:
    """The longest gap between 10 ms timer ticks: how long the GUI thread was busy."""

    def __init__(self) -> None:
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.gaps: list[float] = []
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self.last)
        self.last = now

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps, default=0.0)


def test_run_shows_the_band_status_and_rank_correlations(qtbot, window):
    dashboard = ready(qtbot, window)
    use_samples(window, 4000)
    mc = dashboard.monte_carlo
    qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    assert dashboard.progress.isVisible() and dashboard.cancel_button.isEnabled()
    with qtbot.waitSignal(mc.sig_finished, timeout=20000) as finished:
        pass
    dashboard.controller.wait()
    result = finished.args[0]
    assert result.info.samples == 4000 and result.info.seed == SEED
    assert not dashboard.progress.isVisible() and not dashboard.cancel_button.isEnabled()

    expected = run_monte_carlo(window.session.model, "Baseline", 4000, SEED)
    series = expected.sample_series("total_spend_usd")
    spend = dashboard.panels["spend-by-region"]
    assert spend.band is not None
    assert spend.band.p10 == pytest.approx(np.percentile(series, 10, axis=0))
    assert spend.band.p90 == pytest.approx(np.percentile(series, 90, axis=0))
    low = spend._low.getData()[1] * spend.scale.factor  # what the band's edge draws
    assert low == pytest.approx(spend.band.p10, rel=1e-6)

    status = window.statusBar().findChild(type(dashboard.status), "dashboard.mc_status")
    assert status is dashboard.status
    se = expected.standard_error("total_spend_usd")[-1]
    assert "4,000 samples" in status.text() and f"seed {SEED}" in status.text()
    assert f"s.e. of 2030 spend ±${se / 1e6:.0f}M" in status.text()  # ~$87M: 2 digits
    assert "P10–P90" in dashboard.banner.text()
    tornado = dashboard.panels["tornado"]
    assert tornado.correlations and all("ρ" in label for label in tornado.labels)


def test_a_run_can_be_cancelled_and_the_ui_stays_responsive(qtbot, window):
    dashboard = ready(qtbot, window)
    use_samples(window, 40_000)
    mc = dashboard.monte_carlo
    heartbeat = Heartbeat()
    qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(mc.sig_progress, timeout=10000):
        pass
    assert mc.running
    # While it runs, the levers still move the plots at their usual pace.
    before = spend_stack(dashboard)
    price = slider(window, "price_change")
    price.setFocus()
    qtbot.keyClick(price, Qt.Key.Key_Left)
    one_turn_after_interval(qtbot)
    assert not np.allclose(spend_stack(dashboard)["US"], before["US"])
    qtbot.waitUntil(lambda: mc.running, timeout=5000)  # the edit restarted the run
    with qtbot.waitSignal(mc.sig_progress, timeout=10000):
        pass
    qtbot.mouseClick(dashboard.cancel_button, Qt.MouseButton.LeftButton)
    assert not mc.running and not dashboard.progress.isVisible()
    started = time.perf_counter()
    mc.wait(10)  # the worker notices between chunks
    assert time.perf_counter() - started < 5
    qtbot.wait(50)
    assert mc.current() is None and dashboard.panels["spend-by-region"].band is None
    gap = heartbeat.stop()
    assert gap < 1.0, f"the GUI thread stalled {gap * 1e3:.0f} ms"  # generous: not a benchmark
    assert not mc.auto  # cancelled: edits no longer start runs
    qtbot.keyClick(price, Qt.Key.Key_Right)
    qtbot.wait(400)
    assert not mc.running


def test_an_edit_during_a_run_cancels_it_and_the_result_matches_the_edit(qtbot, window):
    dashboard = ready(qtbot, window)
    use_samples(window, 20_000)
    mc = dashboard.monte_carlo
    started: list[int] = []
    mc.sig_started.connect(lambda samples, _seed: started.append(samples))
    qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(mc.sig_progress, timeout=10000):
        pass
    price = slider(window, "price_change")
    price.setFocus()
    qtbot.keyClick(price, Qt.Key.Key_PageDown)  # accelerator price −5 %
    with qtbot.waitSignal(mc.sig_finished, timeout=30000) as finished:
        pass
    assert len(started) == 2  # the first run was cancelled and a new one started
    model = window.session.model
    assert [o.value for o in model.scenario("Baseline").overrides] == [0.95]
    expected = run_monte_carlo(model, "Baseline", 20_000, SEED)
    assert finished.args[0].percentile("total_spend_usd", 50) == pytest.approx(
        expected.percentile("total_spend_usd", 50))


def test_band_follows_edits_once_asked_for(qtbot, window):
    dashboard = ready(qtbot, window)
    use_samples(window, 2000)
    mc = dashboard.monte_carlo
    with qtbot.waitSignal(mc.sig_finished, timeout=20000):
        qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    dashboard.controller.wait()
    first = dashboard.panels["spend-by-region"].band
    assert first is not None
    price = slider(window, "price_change")
    price.setFocus()
    with qtbot.waitSignal(mc.sig_finished, timeout=20000):  # re-run after the edits pause
        qtbot.keyClick(price, Qt.Key.Key_PageUp)
    dashboard.controller.wait()
    second = dashboard.panels["spend-by-region"].band
    assert second is not None and second.p50[2] > first.p50[2]  # +5 % on accelerators
