"""File ▸ Import and File ▸ Export: scenario files, sites from CSV, results.

``install_file_transfer(window)`` connects the File ▸ Import and File ▸ Export actions (declared,
with their places, in ``ui.actions``) to a ``QFileTransfer``. Every import shows what
it would do before anything changes and lands as one undo step; every file error becomes a
dialog naming the file and the reason, with the model untouched.

The readers, dialogs and engine behind the commands (jsonschema among them) are imported when
a command first runs, not while the window starts.
"""

from __future__ import annotations

import contextlib
import getpass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog

from desktop_app.core import edits
from desktop_app.core.edits import Batch, InsertRows, PutScenario
from desktop_app.ui import dialogs, settings
from desktop_app.ui.actions import (
    FILE_EXPORT_RESULTS,
    FILE_EXPORT_SCENARIO,
    FILE_IMPORT_SCENARIO,
    FILE_IMPORT_SITES,
)

if TYPE_CHECKING:
    from desktop_app.core.site_import import SitePreview
    from desktop_app.ui.transfer.results_export import QResultsExporter
    from desktop_app.ui.transfer.scenario_import_dialog import QScenarioImportDialog
    from desktop_app.ui.window_api import WindowApi

__all__ = ["FILE_EXPORT_RESULTS", "FILE_EXPORT_SCENARIO", "FILE_IMPORT_SCENARIO",
           "FILE_IMPORT_SITES", "QFileTransfer", "install_file_transfer"]


class QFileTransfer(QObject):
    """The import/export commands of one main window; ``dialog`` is the open import dialog."""

    sig_message = Signal(str)

    def __init__(self, window: WindowApi) -> None:
        super().__init__(window.widget())
        self._api = window
        self._window = window.widget()  # the parent of its dialogs
        self._session = window.session
        self.dialog: QDialog | None = None
        self._results: QResultsExporter | None = None

    # --- scenario files -------------------------------------------------------------------
    def import_scenario(self) -> None:
        from desktop_app.core.scenario_files import ScenarioFileError, read_scenario_file
        from desktop_app.ui.transfer.scenario_import_dialog import QScenarioImportDialog

        if not self._ready():
            return
        path = dialogs.get_scenario_import_path(self._window, self._start_directory())
        if not path:
            return
        try:
            scenario, provenance = read_scenario_file(path)
        except (ScenarioFileError, ValueError, KeyError, TypeError) as exc:
            dialogs.show_error(self._window, "Cannot import scenario",
                               f"Nothing was imported.\n\n{exc}")
            return
        self._remember(path)
        model = self._session.model
        dialog = QScenarioImportDialog(model, scenario, provenance, Path(path).name,
                                       self._window)
        dialog.accepted.connect(lambda: self._import_scenario(dialog, model))
        self._show(dialog)

    def _import_scenario(self, dialog: QScenarioImportDialog, model: object) -> None:
        imported, report = dialog.imported, dialog.report
        if imported is None or report is None or not self._same_model(model):
            return
        scenario = edits.copy_row(imported)  # fresh uids: a row of this model from now on
        verb = "Replace" if report.replace else "Import"
        self._session.push(PutScenario(scenario), f"{verb} Scenario “{scenario.name}”")
        self._api.select_row("scenario", scenario.uid)
        self.sig_message.emit(f"Imported scenario “{scenario.name}”")

    def export_scenario(self) -> None:
        import jsonschema

        from desktop_app.core.scenario_files import SUFFIX, provenance_for, write_scenario_file

        model = self._session.model
        names = [s.name for s in model.scenarios]
        if not names:
            self.sig_message.emit("The model has no scenarios to export")
            return
        current = self.current_scenario() or names[0]
        name = names[0] if len(names) == 1 else \
            dialogs.ask_scenario_to_export(self._window, names, current)
        scenario = model.scenario(name) if name else None
        if scenario is None:
            return
        suggested = Path(self._start_directory()) / f"{_safe(name)}{SUFFIX}"
        path = dialogs.get_scenario_export_path(self._window, str(suggested))
        if not path:
            return
        source = f"{model.settings.title} ({self._session.name})"
        try:
            write_scenario_file(scenario, path, provenance_for(source, _os_user()))
        except (OSError, ValueError, jsonschema.ValidationError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else \
                getattr(exc, "message", str(exc))
            dialogs.show_error(self._window, "Cannot export scenario",
                               f"{Path(path).name} was not written.\n\n{reason}")
            return
        self._remember(path)
        self.sig_message.emit(f"Exported scenario “{name}” to {Path(path).name}")

    # --- sites ----------------------------------------------------------------------------
    def import_sites(self) -> None:
        from desktop_app.core.site_import import SiteImportError, read_csv_text
        from desktop_app.ui.transfer.site_import_dialog import QSiteImportDialog

        if not self._ready():
            return
        path = dialogs.get_sites_csv_path(self._window, self._start_directory())
        if not path:
            return
        model = self._session.model
        try:
            dialog = QSiteImportDialog(model, read_csv_text(path), Path(path).name,
                                       self._window)
        except (OSError, SiteImportError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            dialogs.show_error(self._window, "Cannot import sites",
                               f"{Path(path).name} cannot be read.\n\n{reason}")
            return
        self._remember(path)
        dialog.accepted.connect(lambda: self._import_sites(dialog.result, model, path))
        self._show(dialog)

    def _import_sites(self, result: SitePreview | None, model: object, path: str) -> None:
        if result is None or not result.ok or not self._same_model(model):
            return
        m = self._session.model
        edit = Batch([InsertRows("site", list(enumerate(result.sites, len(m.sites)))),
                      InsertRows("phase", list(enumerate(result.phases, len(m.phases))))])
        count = len(result.sites)
        self._session.push(edit, f"Import {count} Site{'s' * (count != 1)}")
        if result.sites:
            self._api.select_row("site", result.sites[0].uid)
        self.sig_message.emit(f"Imported {count} site{'s' * (count != 1)} and "
                              f"{len(result.phases)} phases from {Path(path).name}")

    # --- results --------------------------------------------------------------------------
    @property
    def results(self) -> QResultsExporter:
        """The results exporter (made on first use)."""
        if self._results is None:
            from desktop_app.ui.transfer.results_export import QResultsExporter

            self._results = QResultsExporter(self._window, self._session,
                                             self.current_scenario, self._start_directory,
                                             self._api.current_monte_carlo)
            self._results.sig_message.connect(self.sig_message)
        return self._results

    def export_results(self) -> None:
        if self._ready():
            self.results.start()

    # --- helpers --------------------------------------------------------------------------
    def current_scenario(self) -> str | None:
        """The scenario the user is on (``WindowApi.current_scenario``)."""
        return self._api.current_scenario()

    def _show(self, dialog: QDialog) -> None:
        """Window-modal without a nested event loop; the dialog goes once it is closed."""
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _ready(self) -> bool:
        opening = self._api.opening()
        if opening is not None:
            self.sig_message.emit(f"Still opening {opening}…")
        return opening is None and self.dialog is None

    def _same_model(self, model: object) -> bool:
        if model is self._session.model:
            return True
        self.sig_message.emit("Another document was opened meanwhile; nothing was imported")
        return False

    def _start_directory(self) -> str:
        return settings.get(settings.LAST_DIRECTORY) or str(Path.home())

    def _remember(self, path: str) -> None:
        settings.put(settings.LAST_DIRECTORY, str(Path(path).absolute().parent))


def install_file_transfer(window: WindowApi) -> QFileTransfer:
    """File ▸ Import and File ▸ Export (placed by the action table) wired to a new
    ``QFileTransfer``."""
    transfer = QFileTransfer(window)
    for action_id, handler in {
        FILE_IMPORT_SCENARIO: transfer.import_scenario, FILE_IMPORT_SITES: transfer.import_sites,
        FILE_EXPORT_SCENARIO: transfer.export_scenario,
        FILE_EXPORT_RESULTS: transfer.export_results,
    }.items():
        window.action(action_id).triggered.connect(lambda _checked=False, h=handler: h())
    transfer.sig_message.connect(window.show_message)
    return transfer


def _os_user() -> str | None:
    """The OS account name for a file's provenance (None: provenance_for falls back)."""
    with contextlib.suppress(Exception):  # getpass raises OSError/KeyError without a user
        return getpass.getuser() or None
    return None


def _safe(text: str) -> str:
    safe = "".join(c for c in text if c.isalnum() or c in " -_()").strip()
    return safe or "scenario"
