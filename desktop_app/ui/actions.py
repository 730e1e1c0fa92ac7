"""Every user command and every menu in one table: what it is and where it goes.

An action is declared with its id, text, shortcut, icon and tip *and* its places: the menu (or
toolbar) id, the group within it and the order within the group, the way napari's qactions
declare ``menus=[{'id': MenuId.MENUBAR_FILE, 'group': ...}]``. ``ui.menus.QMenuBuilder`` turns
the table into the menu bar and toolbar: groups follow the order their menu declares, a
separator between two groups. Nothing looks a menu up by its title or by a neighbouring
action; a plug-in connects its handlers by action id (``WindowApi.action``) and registers only
the entries it alone can list (one per plot and format) by menu id and group.

Ids are constants so menus, toolbar, tests and plug-ins refer to the same action without
string typos.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

# --- menus (ids double as the QMenu's object name) ---------------------------------------
MENUBAR = "menubar"
MENU_FILE = "menu.file"
MENU_FILE_RECENT = "menu.file.recent"
MENU_FILE_IMPORT = "menu.file.import"
MENU_FILE_EXPORT = "menu.file.export"
MENU_EXPORT_PLOT = "menu.export_plot"
MENU_EDIT = "menu.edit"
MENU_VIEW = "menu.view"
MENU_VIEW_PANELS = "menu.view.panels"
MENU_HELP = "menu.help"
TOOLBAR_MAIN = "toolbar.main"

# --- actions --------------------------------------------------------------------------------
FILE_NEW = "file.new"
FILE_NEW_SAMPLE = "file.new_sample"
FILE_OPEN = "file.open"
FILE_SAVE = "file.save"
FILE_SAVE_AS = "file.save_as"
FILE_REVERT = "file.revert"
FILE_CLOSE = "file.close"
FILE_IMPORT_SCENARIO = "file.import_scenario"
FILE_IMPORT_SITES = "file.import_sites"
FILE_EXPORT_SCENARIO = "file.export_scenario"
FILE_EXPORT_RESULTS = "file.export_results"
FILE_SWEEP = "file.sweep"
FILE_QUIT = "file.quit"
EDIT_UNDO = "edit.undo"
EDIT_REDO = "edit.redo"
EDIT_COPY = "edit.copy"
EDIT_PASTE = "edit.paste"
EDIT_DELETE = "edit.delete_rows"
EDIT_ADD = "edit.add_row"
EDIT_DUPLICATE = "edit.duplicate_rows"
EDIT_FIND = "edit.find"
VIEW_RESET_LAYOUT = "view.reset_layout"
HELP_ABOUT = "help.about"

Key = QKeySequence.StandardKey | str
# One key sequence, or several: a StandardKey in a tuple stands for all of the platform's
# bindings for it (Redo is Ctrl+Y on Windows, Ctrl+Shift+Z on macOS).
Shortcut = Key | tuple[Key, ...] | None


@dataclass(frozen=True)
class Place:
    """Where an action or submenu goes: ``menu`` (a menu, toolbar or MENUBAR id), the group
    in it (one of that menu's ``groups``) and the order within the group."""

    menu: str
    group: str
    order: int = 0


@dataclass(frozen=True)
class MenuSpec:
    """A menu (or toolbar) with its groups in order; ``place`` is where it sits (None: a
    toolbar). A menu with nothing in it is left out, unless ``dynamic`` (filled when shown)."""

    id: str
    title: str
    groups: tuple[str, ...]
    place: Place | None = None
    dynamic: bool = False


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    shortcut: Shortcut = None
    icon: str = ""
    tip: str = ""
    places: tuple[Place, ...] = ()


def _at(menu: str, group: str, order: int) -> tuple[Place, ...]:
    return (Place(menu, group, order),)


def _and_toolbar(menu: str, group: str, order: int, toolbar_group: str, toolbar_order: int
                 ) -> tuple[Place, ...]:
    return (Place(menu, group, order), Place(TOOLBAR_MAIN, toolbar_group, toolbar_order))


MENUS: tuple[MenuSpec, ...] = (
    MenuSpec(MENU_FILE, "&File", ("open", "save", "transfer", "sweep", "quit"),
             Place(MENUBAR, "main", 10)),
    MenuSpec(MENU_FILE_RECENT, "Open &Recent", ("recent",), Place(MENU_FILE, "open", 40),
             dynamic=True),  # filled on show by the document controller
    MenuSpec(MENU_FILE_IMPORT, "&Import", ("files",), Place(MENU_FILE, "transfer", 10)),
    MenuSpec(MENU_FILE_EXPORT, "&Export", ("files",), Place(MENU_FILE, "transfer", 20)),
    # One submenu per plot, one entry per format: registered by the dashboard (window_hooks).
    MenuSpec(MENU_EXPORT_PLOT, "Export &Plot", ("plots",), Place(MENU_FILE, "transfer", 30)),
    MenuSpec(MENU_EDIT, "&Edit", ("undo", "clipboard", "rows", "find"),
             Place(MENUBAR, "main", 20)),
    # Go to …: one entry per panel, registered by the main window (it owns the docks).
    MenuSpec(MENU_VIEW, "&View", ("panels", "layout"), Place(MENUBAR, "main", 30)),
    MenuSpec(MENU_VIEW_PANELS, "&Panels", ("docks",), Place(MENU_VIEW, "panels", 100)),
    MenuSpec(MENU_HELP, "&Help", ("about",), Place(MENUBAR, "main", 40)),
    MenuSpec(TOOLBAR_MAIN, "Main", ("file", "undo", "rows", "clipboard", "find")),
)

SK = QKeySequence.StandardKey
SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(FILE_NEW, "&New", SK.New, "document-new", "Start an empty model",
               _and_toolbar(MENU_FILE, "open", 10, "file", 10)),
    ActionSpec(FILE_NEW_SAMPLE, "New from &Sample", None, "document-new",
               "Start from the built-in 2026 buildout sample", _at(MENU_FILE, "open", 20)),
    ActionSpec(FILE_OPEN, "&Open…", SK.Open, "document-open", "Open a .atlas document",
               _and_toolbar(MENU_FILE, "open", 30, "file", 20)),
    ActionSpec(FILE_SAVE, "&Save", SK.Save, "document-save", "Save the document",
               _and_toolbar(MENU_FILE, "save", 10, "file", 30)),
    ActionSpec(FILE_SAVE_AS, "Save &As…", SK.SaveAs, "document-save-as",
               "Save the document under a new name", _at(MENU_FILE, "save", 20)),
    ActionSpec(FILE_REVERT, "&Revert to Saved", None, "document-revert",
               "Discard unsaved changes and reload the file", _at(MENU_FILE, "save", 30)),
    ActionSpec(FILE_CLOSE, "&Close", SK.Close, "document-close", "Close the document",
               _at(MENU_FILE, "save", 40)),
    ActionSpec(FILE_IMPORT_SCENARIO, "&Scenario File…", None, "",
               "Import a scenario from a .scenario.json file",
               _at(MENU_FILE_IMPORT, "files", 10)),
    ActionSpec(FILE_IMPORT_SITES, "Sites from &CSV…", None, "",
               "Add sites and their phases from a CSV file", _at(MENU_FILE_IMPORT, "files", 20)),
    ActionSpec(FILE_EXPORT_SCENARIO, "&Scenario File…", None, "",
               "Write a scenario to a .scenario.json file for a colleague",
               _at(MENU_FILE_EXPORT, "files", 10)),
    ActionSpec(FILE_EXPORT_RESULTS, "&Results…", None, "",
               "Write the projection and Monte Carlo percentiles as CSV, JSON or XLSX",
               _at(MENU_FILE_EXPORT, "files", 20)),
    ActionSpec(FILE_SWEEP, "S&weep…", None, "",
               "Sweep drivers over ranges and see which assumptions matter",
               _at(MENU_FILE, "sweep", 10)),
    ActionSpec(FILE_QUIT, "&Quit", SK.Quit, "", "Quit Compute Atlas", _at(MENU_FILE, "quit", 10)),
    # Undo and redo come from the undo stack (their text follows the next step); the table
    # gives their text prefix, keys, icon and places.
    ActionSpec(EDIT_UNDO, "&Undo", SK.Undo, "edit-undo", "",
               _and_toolbar(MENU_EDIT, "undo", 10, "undo", 10)),
    ActionSpec(EDIT_REDO, "&Redo", (SK.Redo, "Ctrl+Shift+Z", "Ctrl+Y"), "edit-redo", "",
               _and_toolbar(MENU_EDIT, "undo", 20, "undo", 20)),
    ActionSpec(EDIT_COPY, "&Copy", SK.Copy, "edit-copy",
               "Copy the selected cells as tab-separated text",
               _and_toolbar(MENU_EDIT, "clipboard", 10, "clipboard", 10)),
    ActionSpec(EDIT_PASTE, "&Paste", SK.Paste, "edit-paste",
               "Paste rows or cells from a spreadsheet",
               _and_toolbar(MENU_EDIT, "clipboard", 20, "clipboard", 20)),
    ActionSpec(EDIT_ADD, "&Add Row", "Ctrl+Ins", "row-add", "Add a row to the current table",
               _and_toolbar(MENU_EDIT, "rows", 10, "rows", 10)),
    ActionSpec(EDIT_DUPLICATE, "D&uplicate Rows", "Ctrl+D", "row-duplicate",
               "Duplicate the selected rows", _and_toolbar(MENU_EDIT, "rows", 20, "rows", 20)),
    ActionSpec(EDIT_DELETE, "&Delete Rows", SK.Delete, "edit-delete", "Delete the selected rows",
               _and_toolbar(MENU_EDIT, "rows", 30, "rows", 30)),
    ActionSpec(EDIT_FIND, "&Find…", SK.Find, "edit-find", "Filter the current table",
               _and_toolbar(MENU_EDIT, "find", 10, "find", 10)),
    ActionSpec(VIEW_RESET_LAYOUT, "Reset &Layout", None, "", "", _at(MENU_VIEW, "layout", 10)),
    ActionSpec(HELP_ABOUT, "&About Compute Atlas", None, "help-about", "",
               _at(MENU_HELP, "about", 10)),
)

BY_ID: dict[str, ActionSpec] = {s.id: s for s in SPECS}
