"""Which table model and title each kind of row has, in navigator order."""

from __future__ import annotations

from typing import Any

from desktop_app.ui.session import QDocumentSession
from desktop_app.ui.tables.accelerators import QAcceleratorTableModel
from desktop_app.ui.tables.editor import QEntityEditor
from desktop_app.ui.tables.phases import QPhasesEditor, QPhaseTableModel
from desktop_app.ui.tables.regions import QRegionTableModel
from desktop_app.ui.tables.scenarios import QScenarioTableModel
from desktop_app.ui.tables.settings_table import QSettingsTableModel
from desktop_app.ui.tables.sites import QSiteTableModel
from desktop_app.ui.tables.supply_lines import QSupplyLineTableModel

# kind → (model class, title); the order of docks and of the navigator.
EDITORS: dict[str, tuple[type, str]] = {
    "region": (QRegionTableModel, "Regions"),
    "site": (QSiteTableModel, "Sites"),
    "phase": (QPhaseTableModel, "Phases"),
    "accelerator": (QAcceleratorTableModel, "Accelerators"),
    "supply_line": (QSupplyLineTableModel, "Supply lines"),
    "scenario": (QScenarioTableModel, "Scenarios"),
    "settings": (QSettingsTableModel, "Settings"),
}


def make_editor(kind: str, session: QDocumentSession) -> QEntityEditor:
    model_type, title = EDITORS[kind]
    model: Any = model_type(session)
    editor = QPhasesEditor(model, title) if kind == "phase" else QEntityEditor(model, title)
    editor.setObjectName(f"editor.{kind}")
    return editor
