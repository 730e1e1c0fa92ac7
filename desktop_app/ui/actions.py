"""Every user command as an action id with its text, shortcut and icon, declared in one place.

Ids are constants so menus, toolbar, tests and later issues (dashboard, scenario manager) refer
to the same action without string typos; handlers are connected by the main window.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from desktop_app.ui.icons import icon

FILE_NEW = "file.new"
FILE_NEW_SAMPLE = "file.new_sample"
FILE_OPEN = "file.open"
FILE_SAVE = "file.save"
FILE_SAVE_AS = "file.save_as"
FILE_REVERT = "file.revert"
FILE_CLOSE = "file.close"
FILE_QUIT = "file.quit"
EDIT_COPY = "edit.copy"
EDIT_PASTE = "edit.paste"
EDIT_DELETE = "edit.delete_rows"
EDIT_ADD = "edit.add_row"
EDIT_DUPLICATE = "edit.duplicate_rows"
EDIT_FIND = "edit.find"
HELP_ABOUT = "help.about"

Shortcut = QKeySequence.StandardKey | str | None


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    shortcut: Shortcut = None
    icon: str = ""
    tip: str = ""


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(FILE_NEW, "&New", QKeySequence.StandardKey.New, "document-new",
               "Start an empty model"),
    ActionSpec(FILE_NEW_SAMPLE, "New from &Sample", None, "document-new",
               "Start from the built-in 2026 buildout sample"),
    ActionSpec(FILE_OPEN, "&Open…", QKeySequence.StandardKey.Open, "document-open",
               "Open a .atlas document"),
    ActionSpec(FILE_SAVE, "&Save", QKeySequence.StandardKey.Save, "document-save",
               "Save the document"),
    ActionSpec(FILE_SAVE_AS, "Save &As…", QKeySequence.StandardKey.SaveAs, "document-save-as",
               "Save the document under a new name"),
    ActionSpec(FILE_REVERT, "&Revert to Saved", None, "document-revert",
               "Discard unsaved changes and reload the file"),
    ActionSpec(FILE_CLOSE, "&Close", QKeySequence.StandardKey.Close, "document-close",
               "Close the document"),
    ActionSpec(FILE_QUIT, "&Quit", QKeySequence.StandardKey.Quit, "", "Quit Compute Atlas"),
    ActionSpec(EDIT_COPY, "&Copy", QKeySequence.StandardKey.Copy, "edit-copy",
               "Copy the selected cells as tab-separated text"),
    ActionSpec(EDIT_PASTE, "&Paste", QKeySequence.StandardKey.Paste, "edit-paste",
               "Paste rows or cells from a spreadsheet"),
    ActionSpec(EDIT_DELETE, "&Delete Rows", QKeySequence.StandardKey.Delete, "edit-delete",
               "Delete the selected rows"),
    ActionSpec(EDIT_ADD, "&Add Row", "Ctrl+Ins", "row-add", "Add a row to the current table"),
    ActionSpec(EDIT_DUPLICATE, "D&uplicate Rows", "Ctrl+D", "row-duplicate",
               "Duplicate the selected rows"),
    ActionSpec(EDIT_FIND, "&Find…", QKeySequence.StandardKey.Find, "edit-find",
               "Filter the current table"),
    ActionSpec(HELP_ABOUT, "&About Compute Atlas", None, "help-about", ""),
)


def build_actions(parent: QWidget, specs: tuple[ActionSpec, ...] = SPECS
                  ) -> dict[str, QAction]:
    """One ``QAction`` per spec, parented to ``parent`` (the main window)."""
    out = {}
    for spec in specs:
        action = QAction(icon(spec.icon), spec.text, parent) if spec.icon else \
            QAction(spec.text, parent)
        action.setObjectName(spec.id)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        if spec.tip:
            action.setStatusTip(spec.tip)
            action.setToolTip(_tooltip(spec.tip, action))
        out[spec.id] = action
    return out


def _tooltip(tip: str, action: QAction) -> str:
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{tip} ({keys})" if keys else tip
