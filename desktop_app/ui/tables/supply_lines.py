"""Supply lines: packaging, logic and HBM capacity, one column per year of the model."""

from __future__ import annotations

from typing import Any

from desktop_app.core import fields
from desktop_app.core.edits import Event, RowsChanged
from desktop_app.core.engine.arrays import window_years
from desktop_app.core.model import SupplyLine
from desktop_app.ui.tables.base import Column, QEntityTableModel, field_columns, insert_after

CAPACITY = fields.BY_KEY[("supply_line", "capacity_by_year")]


class QSupplyLineTableModel(QEntityTableModel):
    kind = "supply_line"
    noun = ("supply line", "supply lines")

    def make_columns(self) -> list[Column]:
        years = [self._year_column(year) for year in window_years(self.session.model.settings)]
        return insert_after(field_columns("supply_line"), "yield_fraction", years)

    @staticmethod
    def _year_column(year: int) -> Column:
        def get(line: SupplyLine) -> Any:
            return line.capacity_by_year.get(year)

        def put(current: dict[int, float], value: float | None) -> dict[int, float]:
            capacity = dict(current)
            if value is None:
                capacity.pop(year, None)
            else:
                capacity[year] = value
            return capacity

        return Column("capacity_by_year", str(year), CAPACITY.unit, CAPACITY.width, get=get,
                      set=put, tip=f"Capacity in {year} (wafers or GB per year); blank: the "
                      "nearest given year holds")

    def new_row(self, taken: set[str] | None = None) -> SupplyLine:
        return SupplyLine(name=self.free_key("New supply line", taken))

    def on_related(self, event: Event) -> None:
        if isinstance(event, RowsChanged) and event.kind == "settings" and event.fields and \
                {"base_year", "horizon_year"} & set(event.fields):
            self.reload_columns()

