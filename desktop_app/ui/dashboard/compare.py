"""(d) Scenario comparison: the chosen metric (total spend by default) of several scenarios on
one axis; the scenario being edited is drawn thicker. Curves come from a pool that only grows,
so choosing other scenarios feeds existing items new data."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from desktop_app.core.engine.result import Projection, metric
from desktop_app.ui.dashboard import palette, scales
from desktop_app.ui.dashboard.base import QPlotPanel, Series

SYMBOLS = ("o", "s", "t", "d", "x", "star", "p", "h")


class QComparePanel(QPlotPanel):
    key = "scenario-comparison"
    title = "Scenario comparison"
    headroom = 1.8  # the legend (top right) stays clear of the peak

    def __init__(self, parent: pg.QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scales.money(1e9)
        self.pool: list[Series] = []
        self.metric = "total_spend_usd"
        self.names: list[str] = []
        self._drawn: dict[int, tuple[object, float]] = {}  # pool index → (scale, pen width)

    def _fmt(self, value: float) -> str:
        return self.scale.text(value)

    def _curve(self, index: int) -> Series:
        while len(self.pool) <= index:
            i = len(self.pool)
            curve = pg.PlotDataItem([], [], pen=pg.mkPen(palette.scenario_colour(i), width=2),
                                    symbol=SYMBOLS[i % len(SYMBOLS)], symbolSize=6,
                                    symbolBrush=palette.scenario_colour(i), symbolPen=None)
            self.pool.append(self.add_series(f"scenario {i}", curve, self._fmt, legend=False))
        return self.pool[index]

    def update_data(self, projections: dict[str, Projection], current: str | None,
                    metric_name: str, region: str | None) -> None:
        self.metric = metric_name
        m = metric(metric_name)
        names = list(projections)
        self.names = names
        labels = next(iter(projections.values())).period_labels if projections else []
        self.set_periods(labels)
        x = np.arange(len(labels), dtype=float)
        values = {name: p.series(metric_name, region) for name, p in projections.items()}
        peak = max((float(np.max(np.abs(v), initial=0)) for v in values.values()), default=0.0)
        self.scale = scales.for_metric(m, peak)
        low = min((float(np.min(v, initial=0)) for v in values.values()), default=0.0)
        for i, name in enumerate(names):
            series = self._curve(i)
            self.rename_series(series, name)
            width = 3.5 if name == current else 1.8
            drawn = (self.scale, width)
            unchanged = series.in_readout and self._drawn.get(i) == drawn \
                and np.array_equal(series.values, values[name])
            series.values = values[name]
            series.in_readout = True
            self.set_in_legend(series, True)
            if unchanged:  # a slider drag on another scenario: leave this curve alone
                continue
            if self._drawn.get(i, (None, None))[1] != width:
                series.item.setPen(pg.mkPen(palette.scenario_colour(i), width=width))
            self._drawn[i] = drawn
            series.item.setData(x, self.scale(values[name]))
        for i, series in enumerate(self.pool[len(names):], start=len(names)):
            self._drawn.pop(i, None)
            series.in_readout = False
            series.values = np.zeros(0)
            self.set_in_legend(series, False)
            series.item.setData([], [])
        per = "quarter" if labels and projections[names[0]].period_length_years < 1 else "year"
        flow = f" per {per}" if m.kind == "flow" else ""
        self.set_axis_label("left", f"{self.scale.unit}{flow.replace(' per ', ' / ')}")
        self.fit_y(self.item.getViewBox(), float(self.scale(peak)),
                   min(0.0, float(self.scale(low))))
        self.set_title(f"Scenarios: {m.label.lower()}", "" if region is None else region)
        self.set_note("" if names else "tick scenarios to compare")

    def table(self) -> tuple[list[str], list[list[object]]]:
        unit = metric(self.metric).unit
        used = [s for s in self.pool if s.in_readout]
        headers = ["period", *(f"{s.name} ({self.metric}, {unit})" for s in used)]
        rows = [[label, *(float(s.values[i]) for s in used)]
                for i, label in enumerate(self.labels)]
        return headers, rows
