"""Helpers of the dashboard tests: wait for the plots, read what they draw, drive a slider."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication, QSlider

from desktop_app.ui.dashboard.controller import INTERVAL_MS


def ready(qtbot: Any, window: Any) -> Any:
    """The dashboard with its plots built and the first projection (and tornado) drawn."""
    dashboard = window.dashboard
    qtbot.waitUntil(lambda: dashboard.ready, timeout=5000)
    dashboard.controller.wait()
    return dashboard


def spend_stack(dashboard: Any) -> dict[str, np.ndarray]:
    """The bar heights the spend plot draws now, per region (what the user sees)."""
    panel = dashboard.panels["spend-by-region"]
    return {code: np.asarray(s.item.opts["height"], dtype=float).copy()
            for code, s in panel.bars.items()}


def slider(window: Any, driver_id: str) -> QSlider:
    return window.dashboard.drivers_panel.rows[driver_id].slider


def one_turn_after_interval(qtbot: Any) -> None:
    """Wait the coalescing interval, then let the event loop run once."""
    qtbot.wait(INTERVAL_MS + 5)
    QApplication.processEvents()


def drag(qtbot: Any, handle: QSlider, positions: list[int], release: bool = True) -> None:
    """Press the handle, move it through ``positions`` and (optionally) let go, the way a
    mouse drag reaches the slider: ``sliderPressed``, ``valueChanged`` while down,
    ``sliderReleased``."""
    handle.setFocus()
    handle.setSliderDown(True)
    for position in positions:
        handle.setSliderPosition(position)
        qtbot.wait(2)
    if release:
        handle.setSliderDown(False)


def hover(qtbot: Any, panel: Any, x: float, y: float) -> str:
    """Move the mouse over data point (x, y) of ``panel``; returns its read-out."""
    qtbot.wait(10)  # pending resizes lay the plot out again: map with the final geometry
    view = panel.item.getViewBox()
    scene_point = view.mapViewToScene(QPointF(x, y))
    widget_point = panel.plot.mapFromScene(scene_point)
    target = QPoint(widget_point.x(), widget_point.y())
    assert panel.plot.viewport().rect().contains(target), "the point is off the plot"
    # Qt drops a move to where it believes the cursor already is: come from a pixel away.
    qtbot.mouseMove(panel.plot.viewport(), target + QPoint(1, 1))
    qtbot.mouseMove(panel.plot.viewport(), target)
    qtbot.waitUntil(lambda: panel.mouse_at is not None
                    and panel.plot.mapFromScene(panel.mouse_at) == target, timeout=2000)
    return panel.readout


def leave(qtbot: Any, dashboard: Any) -> None:
    """Move the mouse off the plots (onto the toolbar)."""
    # From a pixel away, as in ``hover``: Qt drops a move to where it believes the cursor is.
    qtbot.mouseMove(dashboard.metric, QPoint(6, 6))
    qtbot.mouseMove(dashboard.metric, QPoint(5, 5))
    qtbot.wait(20)


def click_legend(qtbot: Any, panel: Any, name: str) -> None:
    """Click the legend sample of the series called ``name``."""
    for sample, label in panel.legend.items:
        if label.text == name:
            center = sample.mapToScene(sample.boundingRect().center())
            point = panel.plot.mapFromScene(center)
            qtbot.mouseClick(panel.plot.viewport(), Qt.MouseButton.LeftButton,
                             pos=QPoint(point.x(), point.y()))
            return
    raise AssertionError(f"no legend entry {name!r}")
