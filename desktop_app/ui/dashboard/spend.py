"""(a) Compute spend by region to the horizon, stacked, with the P10–P90 band of the total once
a Monte Carlo result of the same model and scenario exists."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg

from desktop_app.core.engine.result import Projection
from desktop_app.ui.dashboard import palette, scales
from desktop_app.ui.dashboard.base import QPlotPanel, Series
from desktop_app.ui.dashboard.items import legend_proxy

BAR_WIDTH = 0.68


@dataclass(frozen=True, slots=True)
class Band:
    """Percentiles of total spend per period (USD), from a Monte Carlo run."""

    p10: np.ndarray
    p50: np.ndarray
    p90: np.ndarray
    samples: int


class QSpendPanel(QPlotPanel):
    key = "spend-by-region"
    title = "Compute spend by region"
    legend_columns = 2
    legend_outside = True  # 11 regions and the band: a column right of the plot

    def __init__(self, parent: pg.QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scales.money(1e9)
        self.bars: dict[str, Series] = {}
        self._low = pg.PlotDataItem([], [], pen=pg.mkPen(palette.BAND_EDGE, width=1))
        self._high = pg.PlotDataItem([], [], pen=pg.mkPen(palette.BAND_EDGE, width=1))
        self._fill = pg.FillBetweenItem(self._low, self._high, brush=pg.mkBrush(palette.BAND))
        self._p50 = pg.PlotDataItem([], [], pen=pg.mkPen(palette.P50, width=2,
                                                         style=pg.QtCore.Qt.PenStyle.DashLine))
        for item in (self._fill, self._low, self._high, self._p50):
            item.setZValue(20)
            self.item.addItem(item)
        proxy = legend_proxy(pg.mkPen(palette.BAND_EDGE), pg.mkBrush(palette.BAND))
        self.band_series = self.add_series("P10–P90", proxy, self._money,
                                           linked=[self._fill, self._low, self._high])
        self.p50_series = self.add_series("P50", self._p50, self._money)
        self.total = Series("Total", self._p50, self._money, in_readout=False)
        self.band: Band | None = None
        self._unit = "year"

    def _money(self, value: float) -> str:
        return self.scale.text(value)

    def _region_series(self, index: int, code: str) -> Series:
        series = self.bars.get(code)
        if series is None:
            colour = palette.region_colour(index)
            bar = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH, brush=colour,
                                  pen=pg.mkPen("w", width=0.6))
            series = self.add_series(code, bar, self._money, legend=False)
            bar.visibleChanged.connect(self._draw)  # a legend click restacks the rest
            self.bars[code] = series
        return series

    def update_data(self, projection: Projection, region: str | None, band: Band | None,
                    subtitle: str = "") -> None:
        self.set_periods(projection.period_labels)
        self._unit = _period(projection)
        n = len(projection.period_labels)
        shown = set(projection.regions if region is None else [region])
        for i, code in enumerate(projection.regions):
            self._region_series(i, code).values = projection.series("total_spend_usd", code)
        for code, series in self.bars.items():
            series.in_readout = code in shown and code in projection.regions
            self.set_in_legend(series, series.in_readout)
            if code not in projection.regions:
                series.values = np.zeros(n)
        self.total.values = projection.series("total_spend_usd", region)
        self.band = band
        self.set_title(self.title, subtitle or ("" if region is None else region))
        self._draw()

    def _draw(self) -> None:
        n = len(self.labels)
        x = np.arange(n, dtype=float)
        band = self.band
        peak = max(float(np.max(self.total.values, initial=0)),
                   float(np.max(band.p90, initial=0)) if band is not None else 0.0)
        self.scale = scales.money(peak or 1e9)
        stack = np.zeros(n)
        for series in self.bars.values():
            if series.in_readout and series.visible:
                heights = self.scale(series.values)
                series.item.setOpts(x=x, height=heights, y0=stack.copy(), width=BAR_WIDTH)
                stack += heights
            else:
                series.item.setOpts(x=x, height=np.zeros(n), y0=np.zeros(n), width=BAR_WIDTH)
        self._set_band(x, band)
        self.set_axis_label("left", f"{self.scale.unit} / {self._unit}")
        top = float(stack.max(initial=0))
        if band is not None and self.band_series.visible:
            top = max(top, float(np.max(self.scale(band.p90), initial=0)))
        self.fit_y(self.item.getViewBox(), top)
        self._show_readout()

    def _set_band(self, x: np.ndarray, band: Band | None) -> None:
        in_use = band is not None
        self.set_in_legend(self.band_series, in_use)
        self.set_in_legend(self.p50_series, in_use)
        self.band_series.in_readout = self.p50_series.in_readout = in_use
        if band is None:
            for item in (self._low, self._high, self._p50):
                item.setData([], [])
            self.band_series.values = self.p50_series.values = np.zeros(0)
            return
        self._low.setData(x, self.scale(band.p10))
        self._high.setData(x, self.scale(band.p90))
        self._p50.setData(x, self.scale(band.p50))
        self.band_series.values = np.stack([band.p10, band.p90], axis=1)
        self.p50_series.values = band.p50

    def readout_text(self, index: int) -> str:
        parts = [f"<b>{self.labels[index]}</b> · total <b>{self._money(self.total.values[index])}"
                 "</b>"]
        if self.band is not None and self.band_series.visible:
            parts.append(f"P10–P90 <b>{self._money(self.band.p10[index])} – "
                         f"{self._money(self.band.p90[index])}</b> (P50 "
                         f"{self._money(self.band.p50[index])})")
        regions = [s for s in self.bars.values() if s.in_readout and s.visible
                   and index < len(s.values)]
        regions.sort(key=lambda s: -float(s.values[index]))
        parts.append(", ".join(f"{s.name} {self._money(float(s.values[index]))}"
                               for s in regions))
        return " · ".join(parts)

    def table(self) -> tuple[list[str], list[list[object]]]:
        regions = [s for s in self.bars.values() if s.in_readout]
        headers = ["period", *(f"{s.name} (USD)" for s in regions), "total (USD)"]
        if self.band is not None:
            headers += ["P10 total (USD)", "P50 total (USD)", "P90 total (USD)"]
        rows = []
        for i, label in enumerate(self.labels):
            row: list[object] = [label, *(float(s.values[i]) for s in regions),
                                 float(self.total.values[i])]
            if self.band is not None:
                row += [float(self.band.p10[i]), float(self.band.p50[i]),
                        float(self.band.p90[i])]
            rows.append(row)
        return headers, rows


def _period(projection: Projection) -> str:
    return "quarter" if projection.period_length_years < 1 else "year"
