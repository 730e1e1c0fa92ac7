"""Sites: data-centre projects, with their total IT capacity summed from their phases."""

from __future__ import annotations

from typing import Any

from desktop_app.core import units
from desktop_app.core.edits import Event, ModelReset, RowsChanged
from desktop_app.core.model import Site
from desktop_app.ui.tables.base import Column, QEntityTableModel, field_columns, insert_after


class QSiteTableModel(QEntityTableModel):
    kind = "site"
    noun = ("site", "sites")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._capacity: dict[str, tuple[float, int]] | None = None
        super().__init__(*args, **kwargs)

    def make_columns(self) -> list[Column]:
        return insert_after(field_columns("site"), "accelerator", [
            Column("capacity", "IT capacity (MW)", units.MW, 108, editable=False,
                   get=self._capacity_mw, tip="Sum of the site's phases; edit them below"),
            Column("phases", "Phases", units.WHOLE, 55, editable=False, get=self._phase_count),
        ])

    def new_row(self, taken: set[str] | None = None) -> Site:
        model = self.session.model
        return Site(name=self.free_key("New site", taken),
                    region=model.regions[0].code if model.regions else "",
                    accelerator=model.accelerators[0].name if model.accelerators else "")

    def _totals(self) -> dict[str, tuple[float, int]]:
        if self._capacity is None:
            totals: dict[str, tuple[float, int]] = {}
            for phase in self.session.model.phases:
                mw, count = totals.get(phase.site, (0.0, 0))
                value = phase.capacity_mw
                ok = isinstance(value, int | float) and not isinstance(value, bool)
                totals[phase.site] = (mw + (value if ok else 0.0), count + 1)
            self._capacity = totals
        return self._capacity

    def _capacity_mw(self, site: Site) -> float:
        return self._totals().get(site.name, (0.0, 0))[0]

    def _phase_count(self, site: Site) -> int:
        return self._totals().get(site.name, (0.0, 0))[1]

    def on_related(self, event: Event) -> None:
        if getattr(event, "kind", None) == "phase":
            self._capacity = None
            self._version += 1  # a sort by capacity may be stale
            column = self.column_of("capacity")
            if self.rowCount() and column is not None:
                self.dataChanged.emit(self.index(0, column),
                                      self.index(self.rowCount() - 1, column + 1))

    def _on_event(self, event: Event) -> None:
        renamed = isinstance(event, RowsChanged) and event.kind == "site" and \
            (event.fields is None or "name" in event.fields)
        if isinstance(event, ModelReset) or renamed:
            self._capacity = None  # totals are keyed by site name
        super()._on_event(event)
