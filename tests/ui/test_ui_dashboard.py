"""The live dashboard as a strategist uses it: drag a lever and watch the plots follow, undo it,
switch scenario, region and metric, hover for exact values, hide series from the legend."""

from __future__ import annotations

import numpy as np
import pytest
from dashboard_support import (
    click_legend,
    drag,
    hover,
    leave,
    one_turn_after_interval,
    ready,
    slider,
    spend_stack,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop_app.core.drivers import driver_value, overrides_for
from desktop_app.core.engine.project import Projector
from desktop_app.ui.dashboard.base import QPlotPanel

pytest_plugins = ["ui_fixtures"]


def baseline(window):
    return window.session.model.scenario("Baseline")


def test_plots_show_the_engines_projection(qtbot, window):
    dashboard = ready(qtbot, window)
    projection = Projector(window.session.model).project("Baseline")
    stack = spend_stack(dashboard)
    scale = dashboard.panels["spend-by-region"].scale
    for code in projection.regions:
        assert stack[code] == pytest.approx(projection.series("total_spend_usd", code)
                                            / scale.factor)
    assert scale.unit == "$B"  # $138B at the peak: billions, not trillions
    capacity = dashboard.panels["capacity"]
    assert capacity.scale.unit == "GW"  # 16 GW online by 2030
    assert capacity.online.values == pytest.approx(projection.series("online_mw"))
    supply = dashboard.panels["supply-demand"]
    assert supply.requested.values == pytest.approx(projection.requested_units)
    energy = dashboard.panels["energy-emissions"]
    assert energy.energy.values == pytest.approx(projection.series("energy_twh"))
    assert "TWh" in energy.item.getAxis("left").labelText
    compare = dashboard.panels["scenario-comparison"]
    assert compare.names == [s.name for s in window.session.model.scenarios]
    assert dashboard.panels["tornado"].tornado.bars  # the sample's Baseline has uncertainties


def test_keyboard_step_on_a_slider_moves_spend_within_one_turn_after_the_interval(
        qtbot, window):
    dashboard = ready(qtbot, window)
    before = spend_stack(dashboard)
    price = slider(window, "price_change")
    price.setFocus()
    qtbot.keyClick(price, Qt.Key.Key_Right)  # accelerator price +1 %
    one_turn_after_interval(qtbot)
    after = spend_stack(dashboard)
    assert not np.allclose(after["US"], before["US"])
    assert driver_value(baseline(window), "price_change") == 1  # written to the scenario
    assert window.session.stack.count() == 1
    qtbot.keyClick(price, Qt.Key.Key_Right)
    qtbot.keyClick(price, Qt.Key.Key_Right)
    assert window.session.stack.count() == 1  # keyboard steps of one lever merge
    assert driver_value(baseline(window), "price_change") == 3
    assert window.session.stack.undoText() == "Accelerator price +3 % in Baseline"


def test_a_drag_previews_live_and_is_one_undo_step(qtbot, window):
    dashboard = ready(qtbot, window)
    packaging = slider(window, "packaging_change")
    panel = window.dashboard.drivers_panel
    panel.year_from.setCurrentIndex(panel.year_from.findData(2026))
    panel.year_to.setCurrentIndex(panel.year_to.findData(2026))
    before = spend_stack(dashboard)
    drag(qtbot, packaging, [-5, -10, -15, -20], release=False)
    one_turn_after_interval(qtbot)
    during = spend_stack(dashboard)
    assert window.session.stack.count() == 0  # nothing edited while dragging
    assert baseline(window).overrides == []
    labels = dashboard.panels["spend-by-region"].labels
    year = labels.index("2026")
    assert during["US"][year] < before["US"][year]  # 2026 spend moves to 2027
    assert "previewing Packaging supply -20 %" in dashboard.banner.text()
    assert dashboard.panels["spend-by-region"].band_series.values.size == 0

    packaging.setSliderDown(False)  # let go
    assert window.session.stack.count() == 1
    assert window.session.stack.undoText() == "Packaging supply -20 % in Baseline"
    overrides = baseline(window).overrides
    assert [(o.value, o.year_from, o.year_to) for o in overrides] == [(0.8, 2026, 2026)]
    assert panel.rows["packaging_change"].label.text().endswith("2026")
    one_turn_after_interval(qtbot)
    expected = Projector(window.session.model).project("Baseline")
    scale = dashboard.panels["spend-by-region"].scale
    assert spend_stack(dashboard)["US"] == pytest.approx(
        expected.series("total_spend_usd", "US") / scale.factor)

    window.undo_action.trigger()
    assert baseline(window).overrides == []
    assert packaging.value() == 0  # the slider follows the undo
    one_turn_after_interval(qtbot)
    assert spend_stack(dashboard)["US"] == pytest.approx(before["US"])


def test_bursts_coalesce_and_the_latest_request_wins(qtbot, window):
    dashboard = ready(qtbot, window)
    published = []
    dashboard.controller.sig_projected.connect(published.append)
    qtbot.wait(60)  # a quiet spell: the next change projects on the next turn
    demand = slider(window, "demand_growth")
    drag(qtbot, demand, list(range(1, 21)), release=False)  # 20 positions in ~40 ms
    one_turn_after_interval(qtbot)
    qtbot.wait(60)
    assert 1 <= len(published) < 20
    model = window.session.model
    latest = published[-1].projection
    extra = overrides_for(model, "demand_growth", 20)
    expected = Projector(model).project("Baseline", extra)  # the latest position, on top
    assert latest.series("total_spend_usd") == pytest.approx(expected.series("total_spend_usd"))
    demand.setSliderDown(False)


def test_scenario_region_and_metric_pickers(qtbot, window):
    dashboard = ready(qtbot, window)
    dashboard.scenario.setCurrentIndex(dashboard.scenario.findData("Supply glut"))
    dashboard.controller.wait()
    assert window.dashboard.drivers_panel.heading.text().endswith("<b>Supply glut</b>")
    glut = Projector(window.session.model).project("Supply glut")
    spend = dashboard.panels["spend-by-region"]
    assert spend.total.values == pytest.approx(glut.series("total_spend_usd"))

    dashboard.region.setCurrentIndex(dashboard.region.findData("IN"))
    dashboard.controller.wait()
    assert spend.total.values == pytest.approx(glut.series("total_spend_usd", "IN"))
    assert [s.name for s in spend.bars.values() if s.in_readout] == ["IN"]
    assert dashboard.panels["energy-emissions"].energy.values == pytest.approx(
        glut.series("energy_twh", "IN"))
    assert dashboard.panels["tornado"].tornado.region == "IN"

    dashboard.metric.setCurrentIndex(dashboard.metric.findData("online_mw"))
    dashboard.controller.wait()
    compare = dashboard.panels["scenario-comparison"]
    assert compare.metric == "online_mw"
    assert compare.item.getAxis("left").labelText in ("MW", "GW")
    assert dashboard.panels["tornado"].tornado.metric == "online_mw"


def test_hover_reads_out_exact_values(qtbot, window):
    dashboard = ready(qtbot, window)
    panel = dashboard.panels["spend-by-region"]
    projection = Projector(window.session.model).project("Baseline")
    index = panel.labels.index("2027")
    text = hover(qtbot, panel, index, 1.0)
    total = projection.series("total_spend_usd")[index]
    assert "2027" in text and f"${total / 1e9:,.1f}B" in text  # four significant digits
    assert dashboard.banner.text() == text  # the banner line shows it
    supply = dashboard.panels["supply-demand"]
    text = hover(qtbot, supply, 0, 0.1)
    assert "2024" in text and "Requested" in text
    leave(qtbot, dashboard)  # the mouse goes elsewhere: the banner is back
    # The leave event is delivered asynchronously (a busy machine takes more than 20 ms).
    qtbot.waitUntil(lambda: supply.readout == "", timeout=2000)
    assert "Baseline" in dashboard.banner.text()


def test_legend_entries_toggle_their_series(qtbot, window):
    dashboard = ready(qtbot, window)
    panel: QPlotPanel = dashboard.panels["capacity"]
    assert panel.online.visible
    click_legend(qtbot, panel, "Online")
    assert not panel.online.visible
    index = panel.labels.index("2028")
    assert "Online" not in hover(qtbot, panel, index, 1.0)  # hidden series leave the read-out
    click_legend(qtbot, panel, "Online")
    assert panel.online.visible

    spend = dashboard.panels["spend-by-region"]
    assert not np.allclose(spend.bars["CN"].item.opts["y0"], 0)  # CN sits on US
    click_legend(qtbot, spend, "US")
    QApplication.processEvents()
    assert not spend.bars["US"].visible
    assert np.allclose(spend.bars["CN"].item.opts["y0"], 0)  # the rest restack from zero


def test_comparison_follows_the_ticked_scenarios(qtbot, window):
    dashboard = ready(qtbot, window)
    manager = dashboard.scenario_manager
    item = manager.list.item(3)  # "Supply glut"
    item.setCheckState(Qt.CheckState.Unchecked)
    dashboard.controller.wait()
    compare = dashboard.panels["scenario-comparison"]
    assert "Supply glut" not in compare.names and len(compare.names) == 3
    legend = [label.text for _sample, label in compare.legend.items]
    assert legend == compare.names


def test_double_click_shows_a_plot_alone_and_back(qtbot, window):
    dashboard = ready(qtbot, window)
    panel = dashboard.panels["energy-emissions"]
    centre = panel.plot.viewport().rect().center()
    qtbot.mouseDClick(panel.plot.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert dashboard.alone == "energy-emissions"
    assert not dashboard.panels["tornado"].isVisible()
    qtbot.wait(20)
    centre = panel.plot.viewport().rect().center()
    qtbot.mouseDClick(panel.plot.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert dashboard.alone is None and dashboard.panels["tornado"].isVisible()
