"""Phases of sites, edited under their site: the table shows the phases of one chosen site
(or of every site), and a new phase joins the chosen site."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QToolButton

from desktop_app.core import edits
from desktop_app.core.edits import Event, ModelReset, RowsChanged
from desktop_app.core.model import Phase, Site
from desktop_app.ui.tables.base import Column, QEntityTableModel, field_columns
from desktop_app.ui.tables.editor import QEntityEditor


class QPhaseTableModel(QEntityTableModel):
    kind = "phase"
    noun = ("phase", "phases")
    sig_site_changed = Signal()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The Site object, not its name: a rename keeps the table on the same site.
        self.site_row: Site | None = None  # None: phases of every site
        super().__init__(*args, **kwargs)

    @property
    def site(self) -> str | None:
        return self.site_row.name if self.site_row is not None else None

    def make_columns(self) -> list[Column]:
        return field_columns("phase")

    def set_site(self, site: Site | None) -> None:
        if site is not self.site_row:
            self.site_row = site
            self.refilter()
            self.sig_site_changed.emit()

    def accepts(self, row: Any) -> bool:
        return self.site_row is None or row.site == self.site_row.name

    def has_extra_filter(self) -> bool:
        return self.site_row is not None

    def _filtered(self) -> list[Any]:
        if self.site_row is None or self._terms:
            return super()._filtered()
        name = self.site_row.name  # the common case, inline: 30,000 phases in ~2 ms
        return [p for p in self.source_rows() if p.site == name]

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ModelReset):
            self.site_row = None  # it belonged to the previous model
            self.sig_site_changed.emit()
        elif isinstance(event, RowsChanged) and event.kind == "site" and self.site_row \
                and self.site_row.uid in event.uids:
            self.sig_site_changed.emit()  # renamed: update the label
        super()._on_event(event)

    def new_row(self, taken: set[str] | None = None) -> Phase:
        model = self.session.model
        site = self.site or (model.sites[0].name if model.sites else "New site")
        return edits.new_phase(model, site)

    def new_row_position(self, after: Any | None) -> int:
        site = after.site if after is not None else (self.site or "")
        return edits.phase_position(self.session.model, site)


class QPhasesEditor(QEntityEditor):
    """The phases table with the site it shows: follows the site chosen in the sites table or
    the navigator; "All sites" lists every phase."""

    def __init__(self, model: QPhaseTableModel, title: str) -> None:
        super().__init__(model, title)
        self.site_label = QLabel(self)
        self.all_sites = QToolButton(self)
        self.all_sites.setText("All sites")
        self.all_sites.setCheckable(True)
        self.all_sites.setToolTip("Show the phases of every site")
        self.all_sites.toggled.connect(self._on_all_toggled)
        self.top.insertWidget(0, self.site_label)
        self.top.insertWidget(1, self.all_sites)
        self._site: Site | None = None
        model.sig_site_changed.connect(self._show_site)
        self._show_site()

    def follow_site(self, site: Site | None) -> None:
        """The site chosen elsewhere; ignored while "All sites" is on."""
        self._site = site
        if not self.all_sites.isChecked():
            self.model.set_site(site)

    def _on_all_toggled(self, checked: bool) -> None:
        self.model.set_site(None if checked else self._site)

    def _show_site(self) -> None:
        site = self.model.site
        self.site_label.setText(f"<b>{escape(site)}</b>" if site else "<b>All sites</b>")
        self._update_count()
