"""The results side of File ▸ Sweep…: a scatter of two swept drivers coloured by each point's
P50, the points across the threshold ringed and the PRIM box over them, and the feature scores
as bars. Items are made once; ``show_result`` feeds them with setData/setOpts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.core.drivers import BY_ID
from desktop_app.ui.dashboard import scales
from desktop_app.ui.dashboard.base import GRID, INK, MUTED, TICK_FONT

if TYPE_CHECKING:
    from desktop_app.core.sweep.answers import Answers
    from desktop_app.core.sweep.run import SweepResult

COLOUR_MAP = "viridis"
CROSSING = "#c0392b"
BOX = "#c0392b"
FIRST_ORDER = "#2e86c1"
RHO = "#a9b7c6"


class QSweepResults(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: SweepResult | None = None
        self.found: Answers | None = None
        right = QVBoxLayout(self)
        right.setContentsMargins(6, 0, 0, 0)
        axes = QHBoxLayout()
        self.x_driver, self.y_driver = QComboBox(self), QComboBox(self)
        axes.addWidget(QLabel("&X:", self, buddy=self.x_driver))
        axes.addWidget(self.x_driver, 1)
        axes.addWidget(QLabel("&Y:", self, buddy=self.y_driver))
        axes.addWidget(self.y_driver, 1)
        right.addLayout(axes)
        self.scatter_plot = pg.PlotWidget(self)
        self.scatter_plot.setObjectName("sweep.scatter")
        self.scatter_item: pg.PlotItem = self.scatter_plot.getPlotItem()
        self._style(self.scatter_item)
        self.scatter = pg.ScatterPlotItem(size=11, pen=pg.mkPen("#ffffff", width=0.8))
        self.rings = pg.ScatterPlotItem(size=17, pen=pg.mkPen(CROSSING, width=1.6),
                                        brush=pg.mkBrush(0, 0, 0, 0))
        self.box = pg.PlotDataItem(pen=pg.mkPen(BOX, width=2, style=Qt.PenStyle.DashLine))
        self.box_fill = pg.PlotDataItem(pen=None, brush=pg.mkBrush(192, 57, 43, 28),
                                        fillLevel=None)
        for item in (self.box_fill, self.scatter, self.rings, self.box):
            self.scatter_item.addItem(item)
        self.colour_map = pg.colormap.get(COLOUR_MAP)
        self.colour_bar = pg.ColorBarItem(values=(0, 1), colorMap=self.colour_map,
                                          interactive=False, width=14)
        self.colour_bar.getAxis("right").setTickFont(TICK_FONT)
        self.scatter_item.layout.addItem(self.colour_bar, 2, 5)
        right.addWidget(self.scatter_plot, 3)
        self.box_text = QLabel(self)
        self.box_text.setObjectName("sweep.box_text")
        self.box_text.setWordWrap(True)
        self.box_text.setTextFormat(Qt.TextFormat.RichText)
        right.addWidget(self.box_text)
        self.scores_plot = pg.PlotWidget(self)
        self.scores_plot.setObjectName("sweep.scores")
        self.scores_item: pg.PlotItem = self.scores_plot.getPlotItem()
        self._style(self.scores_item, grid=False)
        self.scores_item.setTitle("Feature scores", color=INK, size="10pt")
        self.score_bars = pg.BarGraphItem(x=[], height=[], width=0.38,
                                          brush=FIRST_ORDER, pen=None)
        self.rho_bars = pg.BarGraphItem(x=[], height=[], width=0.38, brush=RHO, pen=None)
        legend = self.scores_item.addLegend(offset=(-8, 4), labelTextSize="8pt",
                                            brush=pg.mkBrush(255, 255, 255, 200))
        self.scores_item.addItem(self.score_bars)
        self.scores_item.addItem(self.rho_bars)
        legend.addItem(self.score_bars, "first-order index (share of variance)")
        legend.addItem(self.rho_bars, "Spearman ρ")
        self.scores_item.addItem(pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen(MUTED)))
        self.scores_item.setYRange(-1, 1, padding=0.05)
        right.addWidget(self.scores_plot, 2)
        self.x_driver.currentIndexChanged.connect(lambda _i: self._draw_scatter())
        self.y_driver.currentIndexChanged.connect(lambda _i: self._draw_scatter())
        self._draw_empty()

    @staticmethod
    def _style(item: pg.PlotItem, grid: bool = True) -> None:
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        if grid:
            item.showGrid(x=True, y=True, alpha=0.25)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setTickFont(TICK_FONT)
            axis.setTextPen(INK)
            axis.setPen(pg.mkPen(GRID))

    def show_result(self, result: SweepResult, found: Answers | None) -> None:
        self.result, self.found = result, found
        self._fill_axes()
        self.draw()

    def _fill_axes(self) -> None:
        ids = list(self.result.design.drivers) if self.result is not None else []
        for combo, index in ((self.x_driver, 0), (self.y_driver, 1)):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for driver_id in ids:
                combo.addItem(BY_ID[driver_id].label, driver_id)
            at = combo.findData(keep)
            combo.setCurrentIndex(at if at >= 0 and keep != ids[min(1 - index, len(ids) - 1)]
                                  else min(index, len(ids) - 1))
            combo.blockSignals(False)

    def draw(self) -> None:
        self._draw_scatter()
        self._draw_scores()

    def _draw_empty(self) -> None:
        self.scatter.setData([], [])
        self.rings.setData([], [])
        self.box.setData([], [])
        self.box_fill.setData([], [])
        self.scatter_item.setTitle("Run a sweep to see its points", color=MUTED, size="10pt")
        self.box_text.setText("")

    def _draw_scatter(self) -> None:
        r = self.result
        if r is None or self.x_driver.count() == 0:
            self._draw_empty()
            return
        design = r.design
        xi = design.drivers.index(self.x_driver.currentData())
        yi = design.drivers.index(self.y_driver.currentData())
        x, y = design.values[:, xi], design.values[:, yi]
        output = r.outputs[0]
        values = r.statistic(output.name, "p50")
        scale = scales.for_unit(output.unit, values)
        shown = scale(values)
        finite = shown[np.isfinite(shown)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if high <= low:
            high = low + 1.0
        colours = self.colour_map.map((shown - low) / (high - low), mode="qcolor")
        self.scatter.setData(x=x, y=y, brush=colours, data=np.arange(x.size))
        self.colour_bar.setLevels((low, high))
        self.colour_bar.getAxis("right").setLabel(f"P50, {scale.unit}", color=INK)
        ax, ay = BY_ID[design.drivers[xi]], BY_ID[design.drivers[yi]]
        self.scatter_item.setLabel("bottom", f"{ax.label} ({ax.unit})", color=INK)
        self.scatter_item.setLabel("left", f"{ay.label} ({ay.unit})", color=INK)
        self.scatter_item.setTitle(f"{output.label} — P50 of each point ({r.points} points)",
                                   color=INK, size="10pt")
        crossed = r.crossed()
        if crossed is not None:
            self.rings.setData(x=x[crossed], y=y[crossed])
        else:
            self.rings.setData([], [])
        self._draw_box(xi, yi, scale)

    def _draw_box(self, xi: int, yi: int, scale: scales.Scale) -> None:
        r, found = self.result, self.found
        d = found.discovery if found is not None else None
        if r is None or d is None:
            self.box.setData([], [])
            self.box_fill.setData([], [])
            self.box_text.setText("")
            return
        t = r.spec.threshold
        sign = ">" if t.above else "<"
        what = f"P50 {sign} {scale.text(t.value, 3)}"
        if d.stats is None:
            self.box.setData([], [])
            self.box_fill.setData([], [])
            self.box_text.setText(f"<b>Threshold</b> {what}: {d.message or 'no box found'}.")
            return
        values = r.design.values
        limits = {lim.factor: lim for lim in d.limits}

        def edges(j: int) -> tuple[float, float]:
            lim = limits.get(r.design.drivers[j])
            lo, hi = float(values[:, j].min()), float(values[:, j].max())
            if lim is not None:
                lo = lim.low if lim.low is not None else lo
                hi = lim.high if lim.high is not None else hi
            return lo, hi

        (x0, x1), (y0, y1) = edges(xi), edges(yi)
        xs, ys = [x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0]
        self.box.setData(xs, ys)
        self.box_fill.setData([x0, x1], [y1, y1], fillLevel=y0)
        restricted = "; ".join(self._limit_text(lim) for lim in d.limits) or "anywhere"
        s = d.stats
        self.box_text.setText(
            f"<span style='color:{BOX}'>▭</span> <b>Where {what}</b> "
            f"({d.crossing_points} of {d.points} points; ringed): {restricted}. "
            f"<b>Coverage</b> {s.coverage:.0%} · <b>density</b> {s.density:.0%} · "
            f"<b>mass</b> {s.mass:.0%}")

    @staticmethod
    def _limit_text(lim: Any) -> str:
        if lim.categories:
            return f"{lim.factor} in {', '.join(lim.categories)}"
        d = BY_ID.get(lim.factor)
        label, unit = (d.label, d.unit) if d is not None else (lim.factor, "")
        def num(v: float) -> str:
            return f"{v:.3g}".replace("-", "−")

        unit = f"\u00a0{unit}" if unit else ""
        if lim.low is not None and lim.high is not None:
            return f"{label} {num(lim.low)} to {num(lim.high)}{unit}"
        if lim.low is not None:
            return f"{label} ≥\u00a0{num(lim.low)}{unit}"
        return f"{label} ≤\u00a0{num(lim.high)}{unit}"

    def _draw_scores(self) -> None:
        r, found = self.result, self.found
        if r is None or found is None:
            self.score_bars.setOpts(x=[], height=[])
            self.rho_bars.setOpts(x=[], height=[])
            return
        scores = found.scores[r.outputs[0].name]
        positions = np.arange(len(scores), dtype=float)
        self.score_bars.setOpts(x=positions - 0.2, height=[s.first_order for s in scores])
        self.rho_bars.setOpts(x=positions + 0.2,
                              height=[s.spearman if s.spearman is not None else 0.0
                                      for s in scores])
        labels = [BY_ID[s.factor].label if s.factor in BY_ID else s.factor for s in scores]
        self.scores_item.getAxis("bottom").setTicks([list(zip(positions, labels,
                                                              strict=True))])
        self.scores_item.setXRange(-0.6, len(scores) - 0.4, padding=0)
        lowest = min([0.0, *(s.spearman or 0.0 for s in scores)])
        self.scores_item.setYRange(min(-0.05, lowest * 1.1), 1.3, padding=0.02)
        self.scores_item.setTitle(f"Feature scores of {r.outputs[0].label} "
                                  f"(on each point's {found.statistic.upper()})",
                                  color=INK, size="10pt")
