"""(e) Tornado of the chosen output: each uncertainty of the scenario at its P10 and at its P90
with every other one at its median; the widest swing on top. Once a Monte Carlo run of the same
model exists, each bar also shows its Spearman rank correlation with the output."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from desktop_app.core.engine.result import metric
from desktop_app.core.engine.sensitivity import Tornado
from desktop_app.ui.dashboard import palette, scales
from desktop_app.ui.dashboard.base import GRID, QPlotPanel

BAR_HEIGHT = 0.62


class QTornadoPanel(QPlotPanel):
    key = "tornado"
    title = "Tornado"
    legend_at = (-4, -3)
    legend_columns = 2  # one row: it covers only the bottom bar (the narrowest swing)

    def __init__(self, parent: pg.QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.tornado: Tornado | None = None
        self.correlations: dict[str, float] = {}
        self.scale = scales.money(1e9)
        self._vgrid: list[pg.InfiniteLine] = []  # vertical grid lines at the x ticks
        self._low = pg.BarGraphItem(x0=[], x1=[], y=[], height=BAR_HEIGHT,
                                    brush=palette.TORNADO_LOW, pen=pg.mkPen("w", width=0.6))
        self._high = pg.BarGraphItem(x0=[], x1=[], y=[], height=BAR_HEIGHT,
                                     brush=palette.TORNADO_HIGH, pen=pg.mkPen("w", width=0.6))
        self.low = self.add_series("input at P10", self._low, self._fmt)
        self.high = self.add_series("at P90", self._high, self._fmt)
        self._base = pg.InfiniteLine(angle=90, pen=pg.mkPen(palette.P50, width=1.5,
                                                            style=Qt.PenStyle.DashLine))
        self.item.addItem(self._base, ignoreBounds=True)
        self.cursor.setAngle(0)

    def _fmt(self, value: float) -> str:
        return self.scale.text(value)

    def update_data(self, tornado: Tornado | None, correlations: dict[str, float] | None = None,
                    note: str = "") -> None:
        self.tornado = tornado
        self.correlations = dict(correlations or {})
        bars = tornado.bars if tornado is not None else []
        n = len(bars)
        y = np.arange(n, dtype=float)[::-1]  # widest swing on top
        lows = np.array([b.low_output for b in bars], dtype=float)
        highs = np.array([b.high_output for b in bars], dtype=float)
        base = tornado.base_output if tornado is not None else 0.0
        m = metric(tornado.metric) if tornado is not None else metric("total_spend_usd")
        self.scale = scales.for_metric(m, np.concatenate([lows, highs, [base]]))
        sb, sl, sh = self.scale(base), self.scale(lows), self.scale(highs)
        self._low.setOpts(x0=np.minimum(sl, sb), x1=np.maximum(sl, sb), y=y, height=BAR_HEIGHT)
        self._high.setOpts(x0=np.minimum(sh, sb), x1=np.maximum(sh, sb), y=y, height=BAR_HEIGHT)
        self.low.values, self.high.values = lows[::-1], highs[::-1]
        self._base.setPos(float(sb))
        self.labels = [self._bar_label(b.name) for b in reversed(bars)]
        self.item.getAxis("left").setTicks([[(float(i), t) for i, t in enumerate(self.labels)],
                                            []])
        edges = np.concatenate([sl, sh, [sb]]) if n else np.zeros(0)
        edges = edges[np.isfinite(edges)]
        if n and edges.size:  # values past float range (1e305 × 8,760 h) have no axis
            lo, hi = float(edges.min()), float(edges.max())
            pad = (hi - lo) * 0.08 or abs(float(sb)) * 0.05 or 1.0
            if np.isfinite(lo - pad) and np.isfinite(hi + pad):
                self.item.setXRange(lo - pad, hi + pad, padding=0)
                self._set_x_ticks(scales.nice_ticks(lo - pad, hi + pad))
        self.item.setYRange(-0.7, max(n - 1, 0) + 0.7, padding=0)
        if not n:
            self._set_x_ticks([])
            self.set_axis_label("bottom", "")
        if tornado is not None:
            years = tornado.years[0] if tornado.years[0] == tornado.years[1] \
                else f"{tornado.years[0]}–{tornado.years[1]}"
            self.set_axis_label("bottom", f"{self.scale.unit} (base {self.scale.text(base)})")
            what = m.label.lower().removeprefix("total ")
            self.set_title(f"Tornado: {what} {years}",
                           "" if tornado.region is None else tornado.region)
        self.set_note(note or ("" if n else "no uncertainties in this scenario"))

    def _update_ticks(self) -> None:
        """The labels here name bars on the y axis; x ticks are set with the data."""

    def _set_x_ticks(self, values: list[float]) -> None:
        """Round ticks and matching grid lines (the axis' own grid is lost in SVG export)."""
        self.item.getAxis("bottom").setTicks([[(v, f"{v:g}") for v in values], []])
        while len(self._vgrid) < len(values):
            line = pg.InfiniteLine(angle=90, pen=pg.mkPen(GRID, width=1), movable=False)
            line.setZValue(-100)
            self.item.addItem(line, ignoreBounds=True)
            self._vgrid.append(line)
        for i, line in enumerate(self._vgrid):
            line.setVisible(i < len(values))
            if i < len(values):
                line.setPos(values[i])

    def _bar_label(self, name: str) -> str:
        rho = self.correlations.get(name)
        return name if rho is None else f"{name}  ρ {rho:+.2f}"

    def index_at(self, point: QPointF) -> int | None:
        index = round(point.y())
        return index if 0 <= index < len(self.labels) else None

    def readout_text(self, index: int) -> str:
        assert self.tornado is not None
        bar = self.tornado.bars[len(self.labels) - 1 - index]
        rho = self.correlations.get(bar.name)
        extra = f" · rank correlation ρ {rho:+.2f}" if rho is not None else ""
        return (f"<b>{bar.name}</b> · at P10 ({bar.low_input:.4g}) "
                f"<b>{self._fmt(bar.low_output)}</b> · at P90 ({bar.high_input:.4g}) "
                f"<b>{self._fmt(bar.high_output)}</b> · swing {self._fmt(bar.swing)}{extra}")

    def table(self) -> tuple[list[str], list[list[object]]]:
        if self.tornado is None:
            return ["uncertainty"], []
        unit = metric(self.tornado.metric).unit
        headers = ["uncertainty", "input at P10", "input at P90", f"output at P10 ({unit})",
                   f"output at P90 ({unit})", f"swing ({unit})", f"base ({unit})",
                   "rank correlation"]
        rows = [[b.name, b.low_input, b.high_input, b.low_output, b.high_output, b.swing,
                 self.tornado.base_output, self.correlations.get(b.name, float("nan"))]
                for b in self.tornado.bars]
        return headers, rows
