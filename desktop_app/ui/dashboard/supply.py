"""(c) Accelerator supply versus demand per period: what the supply lines can deliver (the
minimum over packaging, logic and HBM), what sites request (new, backlog, refresh) and what is
delivered; periods where supply binds are marked with the binding kind."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from desktop_app.core.engine.result import NO_BOTTLENECK, Projection
from desktop_app.ui.dashboard import palette, scales
from desktop_app.ui.dashboard.base import QPlotPanel

BAR_WIDTH = 0.55


class QSupplyPanel(QPlotPanel):
    key = "supply-demand"
    title = "Accelerator supply vs demand"
    legend_at = (6, 4)
    legend_columns = 2
    headroom = 1.3

    def __init__(self, parent: pg.QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scales.count(1.0, "units")
        self.binding: list[str] = []
        self._delivered = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH,
                                          brush=pg.mkBrush(palette.DELIVERED), pen=None)
        self._supply = pg.PlotDataItem([], [], pen=pg.mkPen(palette.SUPPLY, width=2.5),
                                       symbol="s", symbolSize=5, symbolBrush=palette.SUPPLY,
                                       symbolPen=None, connect="finite")
        self._requested = pg.PlotDataItem([], [], pen=pg.mkPen(palette.REQUESTED, width=2,
                                                               style=Qt.PenStyle.DashLine),
                                          symbol="o", symbolSize=5,
                                          symbolBrush=palette.REQUESTED, symbolPen=None)
        self._marks = pg.ScatterPlotItem([], [], symbol="t1", size=13,
                                         brush=pg.mkBrush(palette.BINDING), pen=pg.mkPen("w"))
        self._marks.setZValue(30)
        self.delivered = self.add_series("Delivered", self._delivered, self._units)
        self.supply = self.add_series("Supply", self._supply, self._units)
        self.requested = self.add_series("Requested", self._requested, self._units)
        self.marks = self.add_series("Binds", self._marks, lambda _v: "",
                                     in_readout=False)
        self._labels: list[pg.TextItem] = []  # a pool: grown when periods grow, never rebuilt

    def _units(self, value: float) -> str:
        return self.scale.text(value)

    def _label(self, index: int) -> pg.TextItem:
        while len(self._labels) <= index:
            text = pg.TextItem("", color=palette.BINDING, anchor=(0.5, 1.25))
            text.setZValue(31)
            self.item.addItem(text, ignoreBounds=True)
            self._marks.visibleChanged.connect(
                lambda t=text: t.setVisible(self._marks.isVisible() and bool(t.toPlainText())))
            self._labels.append(text)
        return self._labels[index]

    def update_data(self, projection: Projection) -> None:
        self.set_periods(projection.period_labels)
        n = len(projection.period_labels)
        x = np.arange(n, dtype=float)
        supply = np.where(np.isfinite(projection.supply_units), projection.supply_units, np.nan)
        requested = np.asarray(projection.requested_units, dtype=float)
        delivered = projection.series("accelerators_delivered")
        self.supply.values, self.requested.values = supply, requested
        self.delivered.values = delivered
        peak = float(np.nanmax(np.concatenate([supply, requested, delivered, [0.0]])))
        self.scale = scales.count(peak, "units")
        if np.isfinite(supply).any():
            self._supply.setData(x, self.scale(supply))
        else:  # no supply lines: nothing limits deliveries, and nothing to draw
            self._supply.setData([], [])
        self._requested.setData(x, self.scale(requested))
        self._delivered.setOpts(x=x, height=self.scale(delivered), width=BAR_WIDTH)
        self.binding = [projection.kinds[k] if k != NO_BOTTLENECK else ""
                        for k in projection.bottleneck]
        binds = np.flatnonzero([bool(b) for b in self.binding])
        tops = np.fmax(np.nan_to_num(supply, nan=0.0), delivered)
        self._marks.setData(x[binds], self.scale(tops[binds]))
        for i in range(max(n, len(self._labels))):
            label = self._label(i) if i < n else self._labels[i]
            # One label per run of periods bound by the same kind (quarters would crowd).
            starts_run = i < n and (i == 0 or self.binding[i - 1] != self.binding[i])
            text = self.binding[i] if starts_run else ""
            label.setText(text)
            if text:
                label.setPos(i, float(self.scale(tops[i])))
            label.setVisible(bool(text) and self._marks.isVisible())
        per = "quarter" if projection.period_length_years < 1 else "year"
        self.set_axis_label("left", f"{self.scale.unit} / {per}")
        self.fit_y(self.item.getViewBox(), float(self.scale(peak)))
        unconstrained = not np.isfinite(projection.supply_units).any()
        self.set_title(self.title, "no supply lines" if unconstrained else "")
        self._show_readout()

    def readout_text(self, index: int) -> str:
        text = super().readout_text(index)
        binding = self.binding[index] if index < len(self.binding) else ""
        return text + (f" · <b style='color:{palette.BINDING}'>{binding} binds</b>" if binding
                       else " · supply does not bind")

    def table(self) -> tuple[list[str], list[list[object]]]:
        headers, rows = super().table()
        headers = [h if h == "period" else f"{h} (accelerators)" for h in headers]
        return [*headers, "binding constraint"], [
            [*row, self.binding[i] or "none"] for i, row in enumerate(rows)]
