"""Accelerators: price, power, compute and how many fit on a packaging or logic wafer."""

from __future__ import annotations

from desktop_app.core import units
from desktop_app.core.model import Accelerator
from desktop_app.ui.tables.base import Column, QEntityTableModel


def unit(field: str) -> units.Unit:
    return units.unit_of("accelerator", field)


class QAcceleratorTableModel(QEntityTableModel):
    kind = "accelerator"
    noun = ("accelerator", "accelerators")

    def make_columns(self) -> list[Column]:
        return [
            Column("name", "Name", unit("name"), 110),
            Column("vendor", "Vendor", unit("vendor"), 90),
            Column("first_year", "First year", unit("first_year"), 75),
            Column("unit_price_usd", "Unit price (USD)", unit("unit_price_usd"), 105),
            Column("price_change_per_year", "Price change (%/yr)", unit("price_change_per_year"),
                   115),
            Column("power_kw", "Power (kW)", unit("power_kw"), 80,
                   tip="All-in power per unit: chip, server share and network share"),
            Column("pflops_dense", "Dense PFLOP/s", unit("pflops_dense"), 95),
            Column("hbm_gb", "HBM (GB)", unit("hbm_gb"), 75),
            Column("units_per_packaging_wafer", "Per packaging wafer",
                   unit("units_per_packaging_wafer"), 120),
            Column("units_per_logic_wafer", "Per logic wafer", unit("units_per_logic_wafer"),
                   100),
            Column("service_life_years", "Service life (years)", unit("service_life_years"),
                   120),
            Column("source", "Source", unit("source"), 260),
        ]

    def new_row(self, taken: set[str] | None = None) -> Accelerator:
        return Accelerator(name=self.free_key("New accelerator", taken))
