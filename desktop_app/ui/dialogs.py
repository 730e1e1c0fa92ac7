"""Every modal question the app asks, as plain functions.

Routing all ``QMessageBox``/``QFileDialog`` use through here keeps modal loops out of the code
that decides what to do, and lets tests replace a question with its answer (``monkeypatch``)
instead of blocking on a dialog no one will click.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

import desktop_app

if TYPE_CHECKING:
    from desktop_app.ui.autosave import Recovery

FILTER = "Compute Atlas documents (*.atlas);;All files (*)"
SCENARIO_FILTER = "Scenario files (*.scenario.json);;JSON files (*.json);;All files (*)"
CSV_FILTER = "CSV files (*.csv *.tsv *.txt);;All files (*)"
RESULTS_FILTERS = {"CSV, one row per value (*.csv)": ".csv",
                   "JSON with run metadata (*.json)": ".json",
                   "Excel workbook, a sheet per metric (*.xlsx)": ".xlsx"}
SaveChoice = Literal["save", "discard", "cancel"]
RecoverChoice = Literal["recover", "discard", "later"]


def ask_save_changes(parent: QWidget, name: str) -> SaveChoice:
    buttons = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                      f"Save the changes to “{name}” before closing it?",
                      buttons.Save | buttons.Discard | buttons.Cancel, parent)
    box.setInformativeText("Your changes are lost if you don't save them.")
    box.setDefaultButton(buttons.Save)
    answer = box.exec()
    return {buttons.Save: "save", buttons.Discard: "discard"}.get(
        buttons(answer), "cancel")  # type: ignore[return-value]


def ask_recover(parent: QWidget, recovery: Recovery) -> RecoverChoice:
    buttons = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work",
                      "Compute Atlas did not close normally last time.",
                      buttons.NoButton, parent)
    box.setInformativeText(recovery.describe())
    recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Decide Later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(recover)
    box.exec()
    clicked = box.clickedButton()
    return "recover" if clicked is recover else "discard" if clicked is discard else "later"


def ask_revert(parent: QWidget, name: str) -> bool:
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent, "Revert to saved",
        f"Discard every unsaved change to “{name}” and reload it from disk?",
        buttons.Discard | buttons.Cancel, buttons.Cancel)
    return answer == buttons.Discard


def get_open_path(parent: QWidget, directory: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open document", directory, FILTER)
    return path or None


def get_save_path(parent: QWidget, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save document as", suggested, FILTER)
    if path and not path.endswith(".atlas") and "." not in path.rsplit("/", 1)[-1]:
        path += ".atlas"
    return path or None


def get_scenario_import_path(parent: QWidget, directory: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Import scenario file", directory,
                                          SCENARIO_FILTER)
    return path or None


def get_scenario_export_path(parent: QWidget, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export scenario file", suggested,
                                          SCENARIO_FILTER)
    if path and "." not in path.rsplit("/", 1)[-1]:
        path += ".scenario.json"
    return path or None


def ask_scenario_to_export(parent: QWidget, names: list[str], current: str) -> str | None:
    """Which scenario to export (``current`` preselected); None when cancelled."""
    name, ok = QInputDialog.getItem(parent, "Export scenario file", "&Scenario:", names,
                                    names.index(current) if current in names else 0, False)
    return name if ok and name else None


def get_sites_csv_path(parent: QWidget, directory: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Import sites from CSV", directory,
                                          CSV_FILTER)
    return path or None


def get_results_export_path(parent: QWidget, suggested: str) -> str | None:
    """Where to write results; the extension (added from the chosen type) picks the format."""
    path, chosen = QFileDialog.getSaveFileName(parent, "Export results", suggested,
                                               ";;".join(RESULTS_FILTERS))
    if path and not path.lower().endswith(tuple(RESULTS_FILTERS.values())):
        path += RESULTS_FILTERS.get(chosen, ".csv")
    return path or None


def get_export_path(parent: QWidget, title: str, suggested: str, file_filter: str) -> str | None:
    """Where to write an exported plot or its data (PNG, SVG or CSV)."""
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    return path or None


def show_error(parent: QWidget, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


def show_paste_rejected(parent: QWidget, reasons: list[str]) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, "Paste rejected",
                      "Nothing was pasted: the rows would make the model invalid.",
                      QMessageBox.StandardButton.Ok, parent)
    shown = reasons[:12] + ([f"… and {len(reasons) - 12} more"] if len(reasons) > 12 else [])
    box.setInformativeText("\n".join(f"• {r}" for r in shown))
    box.setDetailedText("\n".join(reasons))
    box.exec()


def show_about(parent: QWidget) -> None:
    QMessageBox.about(
        parent, "About Compute Atlas",
        f"<h3>Compute Atlas {desktop_app.__version__}</h3>"
        "<p>Plan the AI-infrastructure buildout offline: regions, sites, accelerator supply, "
        "spend and energy to 2030.</p>"
        f"<p><small>Qt {qVersion()} · PySide6 {pyside_version}</small></p>")
