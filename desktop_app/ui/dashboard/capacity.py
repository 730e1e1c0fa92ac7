"""(b) Planned versus online IT capacity (MW or GW), with the accelerator backlog that holds the
difference back (right axis)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from desktop_app.core.engine.result import Projection
from desktop_app.ui.dashboard import palette, scales
from desktop_app.ui.dashboard.base import QPlotPanel

BAR_WIDTH = 0.5


class QCapacityPanel(QPlotPanel):
    key = "capacity"
    title = "Planned vs online capacity"
    legend_at = (6, 4)
    legend_columns = 2
    headroom = 1.35

    def __init__(self, parent: pg.QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scales.power(1.0)
        self.backlog_scale = scales.count(1.0, "units")
        self.right = self.add_right_axis("Backlog")
        self._backlog = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH,
                                        brush=pg.mkBrush(palette.BACKLOG), pen=None)
        self.right.addItem(self._backlog)
        self._online = pg.PlotDataItem([], [], pen=pg.mkPen(palette.ONLINE, width=2.5),
                                       fillLevel=0, fillBrush=pg.mkBrush(31, 122, 140, 45),
                                       symbol="o", symbolSize=5, symbolBrush=palette.ONLINE,
                                       symbolPen=None)
        self._planned = pg.PlotDataItem([], [], pen=pg.mkPen(palette.PLANNED, width=2,
                                                             style=Qt.PenStyle.DashLine))
        self.planned = self.add_series("Planned", self._planned, self._power)
        self.online = self.add_series("Online", self._online, self._power)
        self.backlog = self.add_series("Backlog", self._backlog,
                                       self._units, view=self.right)

    def _power(self, value: float) -> str:
        return self.scale.text(value)

    def _units(self, value: float) -> str:
        return self.backlog_scale.text(value)

    def update_data(self, projection: Projection, region: str | None) -> None:
        self.set_periods(projection.period_labels)
        x = np.arange(len(projection.period_labels), dtype=float)
        planned = projection.series("planned_mw", region)
        online = projection.series("online_mw", region)
        backlog = projection.series("backlog", region)
        self.planned.values, self.online.values, self.backlog.values = planned, online, backlog
        self.scale = scales.power(max(float(np.max(planned, initial=0)),
                                      float(np.max(online, initial=0))))
        self.backlog_scale = scales.count(float(np.max(backlog, initial=0)), "units")
        self._planned.setData(x, self.scale(planned))
        self._online.setData(x, self.scale(online))
        self._backlog.setOpts(x=x, height=self.backlog_scale(backlog), width=BAR_WIDTH)
        self.set_axis_label("left", f"IT capacity, {self.scale.unit}")
        self.set_axis_label("right", f"backlog, {self.backlog_scale.unit}" if backlog.any()
                            else "backlog: none")
        self.fit_y(self.item.getViewBox(), float(np.max(self.scale(np.maximum(planned, online)),
                                                        initial=0)))
        top = float(np.max(self.backlog_scale(backlog), initial=0))
        self.fit_y(self.right, top * 2.5 if top > 0 else 1.0)  # bars stay in the lower part
        if not backlog.any():
            self.item.getAxis("right").setTicks([[], []])  # nothing waits: no numbers
            self._ranges.pop(id(self.right), None)
        self.set_title(self.title, "" if region is None else region)
        self._show_readout()

    def column_name(self, series: object) -> str:
        return {"Planned": "planned (MW)", "Online": "online (MW)"}.get(
            series.name, "backlog (accelerators)")  # type: ignore[attr-defined]
