"""Regions: where sites are built, with their electricity price, carbon and cost levels."""

from __future__ import annotations

from desktop_app.core import units
from desktop_app.core.model import Region
from desktop_app.ui.tables.base import Column, QEntityTableModel


def unit(field: str) -> units.Unit:
    return units.unit_of("region", field)


class QRegionTableModel(QEntityTableModel):
    kind = "region"
    noun = ("region", "regions")

    def make_columns(self) -> list[Column]:
        return [
            Column("code", "Code", unit("code"), 60, tip="Region code that sites refer to"),
            Column("name", "Name", unit("name"), 140),
            Column("electricity_price_usd_per_mwh", "Power price (USD/MWh)",
                   unit("electricity_price_usd_per_mwh"), 130),
            Column("electricity_price_change_per_year", "Price change (%/yr)",
                   unit("electricity_price_change_per_year"), 115),
            Column("grid_carbon_kg_per_mwh", "Carbon (kg/MWh)", unit("grid_carbon_kg_per_mwh"),
                   105),
            Column("default_pue", "Default PUE", unit("default_pue"), 85),
            Column("facility_cost_multiplier", "Facility cost ×", unit("facility_cost_multiplier"),
                   95, tip="Multiplier on the document's facility capex per MW"),
            Column("supply_cap_units_per_year", "Supply cap (units/yr)",
                   unit("supply_cap_units_per_year"), 125,
                   tip="Export-control cap on accelerators delivered per year; blank: none"),
            Column("allocation_priority", "Priority", unit("allocation_priority"), 65,
                   tip="Higher tiers are served first when supply is short"),
            Column("source", "Source", unit("source"), 260),
        ]

    def new_row(self, taken: set[str] | None = None) -> Region:
        return Region(code=self.free_key("NEW", taken))
