"""Scenarios: name, description and parent; their overrides and uncertainties are counted here
and edited in the scenario manager (a later issue)."""

from __future__ import annotations

from desktop_app.core import units
from desktop_app.core.model import Scenario
from desktop_app.ui.tables.base import Column, QEntityTableModel, field_columns, insert_after


class QScenarioTableModel(QEntityTableModel):
    kind = "scenario"
    noun = ("scenario", "scenarios")

    def make_columns(self) -> list[Column]:
        return insert_after(field_columns("scenario"), "parent", [
            Column("overrides", "Overrides", units.WHOLE, 75, editable=False,
                   get=lambda s: len(s.overrides)),
            Column("uncertainties", "Uncertainties", units.WHOLE, 90, editable=False,
                   get=lambda s: len(s.uncertainties)),
        ])

    def new_row(self, taken: set[str] | None = None) -> Scenario:
        model = self.session.model
        return Scenario(name=self.free_key("New scenario", taken),
                        parent=model.scenarios[0].name if model.scenarios else None)
