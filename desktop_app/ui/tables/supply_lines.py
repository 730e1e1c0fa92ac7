"""Supply lines: packaging, logic and HBM capacity, one column per year of the model."""

from __future__ import annotations

from typing import Any

from desktop_app.core import units
from desktop_app.core.edits import Event, RowsChanged
from desktop_app.core.engine.arrays import window_years
from desktop_app.core.model import SupplyLine
from desktop_app.ui.tables.base import Column, QEntityTableModel


def unit(field: str) -> units.Unit:
    return units.unit_of("supply_line", field)


class QSupplyLineTableModel(QEntityTableModel):
    kind = "supply_line"
    noun = ("supply line", "supply lines")

    def make_columns(self) -> list[Column]:
        settings = self.session.model.settings
        columns = [
            Column("name", "Name", unit("name"), 200),
            Column("owner", "Owner", unit("owner"), 100),
            Column("region", "Region", unit("region"), 60),
            Column("kind", "Kind", unit("kind"), 85,
                   tip="Packaging and logic lines make wafers; HBM lines make gigabytes"),
            Column("ai_share", "AI share", unit("ai_share"), 70),
            Column("yield_fraction", "Yield", unit("yield_fraction"), 60),
        ]
        columns += [self._year_column(year) for year in window_years(settings)]
        columns.append(Column("source", "Source", unit("source"), 260))
        return columns

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

        return Column("capacity_by_year", str(year), unit("capacity_by_year"), 80, get=get,
                      set=put, tip=f"Capacity in {year} (wafers or GB per year); blank: the "
                      "nearest given year holds")

    def new_row(self, taken: set[str] | None = None) -> SupplyLine:
        return SupplyLine(name=self.free_key("New supply line", taken))

    def on_related(self, event: Event) -> None:
        if isinstance(event, RowsChanged) and event.kind == "settings" and event.fields and \
                {"base_year", "horizon_year"} & set(event.fields):
            self.reload_columns()

