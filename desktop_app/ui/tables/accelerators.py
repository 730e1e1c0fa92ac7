"""Accelerators: price, power, compute and how many fit on a packaging or logic wafer."""

from __future__ import annotations

from desktop_app.core.model import Accelerator
from desktop_app.ui.tables.base import Column, QEntityTableModel, field_columns


class QAcceleratorTableModel(QEntityTableModel):
    kind = "accelerator"
    noun = ("accelerator", "accelerators")

    def make_columns(self) -> list[Column]:
        return field_columns("accelerator")

    def new_row(self, taken: set[str] | None = None) -> Accelerator:
        return Accelerator(name=self.free_key("New accelerator", taken))
