"""Every modal question the app asks, as plain functions.

Routing all ``QMessageBox``/``QFileDialog`` use through here keeps modal loops out of the code
that decides what to do, and lets tests replace a question with its answer (``monkeypatch``)
instead of blocking on a dialog no one will click.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

import desktop_app

if TYPE_CHECKING:
    from desktop_app.ui.autosave import Recovery

FILTER = "Compute Atlas documents (*.atlas);;All files (*)"
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
