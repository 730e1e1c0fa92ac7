"""Regions: where sites are built, with their electricity price, carbon and cost levels."""

from __future__ import annotations

from desktop_app.core.model import Region
from desktop_app.ui.tables.base import Column, QEntityTableModel, field_columns


class QRegionTableModel(QEntityTableModel):
    kind = "region"
    noun = ("region", "regions")

    def make_columns(self) -> list[Column]:
        return field_columns("region")

    def new_row(self, taken: set[str] | None = None) -> Region:
        return Region(code=self.free_key("NEW", taken))
