"""(f) Energy use (TWh, bars) and emissions (Mt CO2, right axis) of the modelled sites."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from desktop_app.core.engine.result import Projection
from desktop_app.ui.dashboard import palette
from desktop_app.ui.dashboard.base import QPlotPanel
from desktop_app.ui.dashboard.scales import for_metric

BAR_WIDTH = 0.6
TWH = for_metric("energy_twh", 1.0)
MT = for_metric("emissions_mt", 1.0)


class QEnergyPanel(QPlotPanel):
    key = "energy-emissions"
    title = "Energy and emissions"
    legend_at = (6, 4)
    legend_columns = 2
    headroom = 1.2

    def __init__(self, parent: pg.QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.right = self.add_right_axis("Mt CO2 / year")
        self._energy = pg.BarGraphItem(x=[], height=[], width=BAR_WIDTH,
                                       brush=pg.mkBrush(palette.ENERGY), pen=None)
        self._emissions = pg.PlotDataItem([], [], pen=pg.mkPen(palette.EMISSIONS, width=2.5),
                                          symbol="d", symbolSize=7,
                                          symbolBrush=palette.EMISSIONS, symbolPen=None)
        self.energy = self.add_series("Energy", self._energy, TWH.text)
        self.emissions = self.add_series("Emissions", self._emissions, MT.text,
                                         view=self.right)

    def update_data(self, projection: Projection, region: str | None) -> None:
        self.set_periods(projection.period_labels)
        x = np.arange(len(projection.period_labels), dtype=float)
        energy = projection.series("energy_twh", region)
        emissions = projection.series("emissions_mt", region)
        self.energy.values, self.emissions.values = energy, emissions
        self._energy.setOpts(x=x, height=energy, width=BAR_WIDTH)
        self._emissions.setData(x, emissions)
        per = "quarter" if projection.period_length_years < 1 else "year"
        self.set_axis_label("left", f"TWh / {per}")
        self.set_axis_label("right", f"Mt CO2 / {per}")
        top_energy = float(np.max(energy, initial=0))
        top_emissions = float(np.max(emissions, initial=0))
        self.fit_y(self.item.getViewBox(), top_energy)
        # The same headroom on both axes keeps the line over the bars it belongs to.
        self.fit_y(self.right, top_emissions if top_emissions > 0 else 1.0)
        self.set_title(self.title, "" if region is None else region)
        self._show_readout()

    def column_name(self, series: object) -> str:
        return "energy (TWh)" if series is self.energy else "emissions (Mt CO2)"
