"""Menus are data: the menu bar and toolbar are built from the table in ``ui.actions``, every
entry sits where its place says, a plug-in's entry lands in its declared menu and group without
anyone searching a menu by its title, and plug-ins see the window only through ``WindowApi``."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from desktop_app.ui import actions as A
from desktop_app.ui.main_window import QAtlasMainWindow
from desktop_app.ui.menus import QMenuBuilder
from desktop_app.ui.window_api import WindowApi

pytest_plugins = ["ui_fixtures"]
ROOT = Path(__file__).resolve().parents[2]


def shown(container) -> list[str]:
    """What a menu or toolbar shows: object names, "|" for a separator."""
    return ["|" if a.isSeparator() else a.objectName() or (a.menu() and a.menu().objectName())
            for a in container.actions()]


def texts(menu: QMenu) -> list[str]:
    return ["" if a.isSeparator() else a.text() for a in menu.actions()]


def expected(menu_id: str) -> list[str]:
    """The static table's entries of ``menu_id`` in order, straight from the declarations:
    groups in the menu's order, then each entry's order, a separator between groups."""
    spec = next(m for m in A.MENUS if m.id == menu_id)
    placed = [(p, s.id) for s in A.SPECS for p in s.places if p.menu == menu_id]
    placed += [(m.place, m.id) for m in A.MENUS if m.place and m.place.menu == menu_id]
    placed.sort(key=lambda e: (spec.groups.index(e[0].group), e[0].order))
    out, group = [], None
    for place, item in placed:
        if group is not None and place.group != group:
            out.append("|")
        group = place.group
        out.append(item)
    return out


def test_every_declared_action_is_in_its_declared_menus_in_order(window):
    for spec in A.SPECS:
        for place in spec.places:
            container = window.menu_builder.toolbars.get(place.menu) or window.menu(place.menu)
            assert window.action(spec.id) in container.actions(), (spec.id, place.menu)
    for menu_id in (A.MENU_FILE, A.MENU_EDIT, A.MENU_FILE_IMPORT, A.MENU_FILE_EXPORT,
                    A.MENU_HELP):
        assert shown(window.menu(menu_id)) == expected(menu_id), menu_id
    assert shown(window.menu_builder.toolbars[A.TOOLBAR_MAIN]) == expected(A.TOOLBAR_MAIN)


def test_the_menus_the_user_sees_are_unchanged(window):
    bar = window.menuBar()
    assert [a.text() for a in bar.actions()] == ["&File", "&Edit", "&View", "&Help"]
    assert texts(window.menu(A.MENU_FILE)) == [
        "&New", "New from &Sample", "&Open…", "Open &Recent", "",
        "&Save", "Save &As…", "&Revert to Saved", "&Close", "",
        "&Import", "&Export", "Export &Plot", "", "S&weep…", "", "&Quit"]
    assert texts(window.menu(A.MENU_EDIT)) == [
        "&Undo", "&Redo", "", "&Copy", "&Paste", "", "&Add Row", "D&uplicate Rows",
        "&Delete Rows", "", "&Find…"]
    view = texts(window.menu(A.MENU_VIEW))
    assert view[:9] == ["Go to Model", "Go to Sites", "Go to Phases", "Go to Regions",
                        "Go to Accelerators", "Go to Supply lines", "Go to Scenarios",
                        "Go to Settings", "Go to Issues"]
    assert view[9:] == ["&Panels", "", "Reset &Layout"]
    assert [a.shortcut().toString() for a in window.menu(A.MENU_VIEW).actions()[:9]] == \
        [f"Ctrl+{i}" for i in range(9)]
    assert len(window.menu(A.MENU_VIEW_PANELS).actions()) == len(window.docks)
    plots = window.menu(A.MENU_EXPORT_PLOT).actions()
    assert plots[0].text() == "Compute spend by region"
    assert texts(plots[0].menu()) == ["PNG image…", "SVG drawing…", "CSV data…"]


def test_table_actions_are_wired(qtbot, window):
    """A table entry is connected by id: Go to Sites puts the keyboard in the Sites table."""
    window.action("view.go_to.editor.site").trigger()
    assert window.current_kind == "site"
    window.action(A.VIEW_RESET_LAYOUT).trigger()  # no error, no dialog
    qtbot.wait(10)


def test_a_plug_in_entry_lands_in_its_menu_and_group_without_a_title_search(window):
    triggered = []
    new = window.register([A.ActionSpec("test.plug_in", "Plug-&in Thing…",
                                        places=(A.Place(A.MENU_FILE, "sweep", 20),))])
    new["test.plug_in"].triggered.connect(lambda: triggered.append(True))
    names = shown(window.menu(A.MENU_FILE))
    assert names[-5:] == ["|", A.FILE_SWEEP, "test.plug_in", "|", A.FILE_QUIT]
    window.action("test.plug_in").trigger()
    assert triggered == [True]
    # the rest of the menu is as it was, recent files included
    assert window.menu(A.MENU_FILE_RECENT).menuAction() in window.menu(A.MENU_FILE).actions()


def test_order_of_registration_does_not_matter(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    builder = QMenuBuilder(window)
    # the entry first, then the menu it names, then an earlier group
    builder.register([A.ActionSpec("b.two", "Two", places=(A.Place("menu.b", "later", 1),))])
    assert window.menuBar().actions() == []  # a menu nobody declared is not shown
    builder.register([A.MenuSpec("menu.b", "&B", ("first", "later"), A.Place(A.MENUBAR, "m"))])
    builder.register([A.ActionSpec("b.one", "One", places=(A.Place("menu.b", "first", 5),)),
                      A.ActionSpec("b.zero", "Zero", places=(A.Place("menu.b", "first", 0),))])
    assert [a.text() for a in window.menuBar().actions()] == ["&B"]
    assert shown(builder.menus["menu.b"]) == ["b.zero", "b.one", "|", "b.two"]


def test_empty_menus_are_left_out_and_mistakes_are_refused(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    builder = QMenuBuilder(window)
    builder.register([A.MenuSpec("menu.x", "&X", ("g",), A.Place(A.MENUBAR, "m")),
                      A.MenuSpec("menu.x.sub", "&Sub", ("g",), A.Place("menu.x", "g")),
                      A.ActionSpec("x.a", "A", places=(A.Place("menu.x", "g", 1),))])
    assert shown(builder.menus["menu.x"]) == ["x.a"]  # the empty submenu is not shown
    with pytest.raises(ValueError, match="declared twice"):
        builder.register([A.ActionSpec("x.a", "A again")])
    with pytest.raises(ValueError, match="no group 'nope'"):
        builder.register([A.ActionSpec("x.b", "B", places=(A.Place("menu.x", "nope"),))])


def test_undo_and_redo_are_the_stacks_actions_placed_by_the_table(window):
    assert window.undo_action is window.action(A.EDIT_UNDO)
    assert window.undo_action.text() == "&Undo"
    assert window.undo_action.icon().isNull() is False
    redo_keys = [k.toString() for k in window.redo_action.shortcuts()]
    assert "Ctrl+Shift+Z" in redo_keys and "Ctrl+Y" in redo_keys
    assert len(redo_keys) == len(set(redo_keys))


def test_the_main_window_implements_the_plug_in_interface():
    members = [n for n, _ in inspect.getmembers(WindowApi) if not n.startswith("_")]
    assert "action" in members and "menu" in members
    missing = [n for n in members if not hasattr(QAtlasMainWindow, n) and n != "session"]
    assert not missing, missing


def test_no_code_looks_a_menu_up_by_its_title_or_reaches_into_the_window():
    offenders = []
    for path in (ROOT / "desktop_app" / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("findChildren(QMenu", "title().replace", "getattr(window",
                       "ui.main_window import"):
            if needle in text and path.name not in ("app.py",):
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert not offenders, offenders


def test_a_plug_in_needs_only_the_window_interface(qtbot):
    """File ▸ Sweep… installs on any ``WindowApi``; nothing of the main window is needed."""
    from desktop_app.ui.session import QDocumentSession
    from desktop_app.ui.sweep.dialog import install_sweep

    class FakeWindow(QMainWindow):
        def __init__(self) -> None:
            super().__init__()
            self.session = QDocumentSession(self)
            self.builder = QMenuBuilder(self)
            self.builder.register((*A.MENUS, *A.SPECS))

        def widget(self):
            return self

        def action(self, action_id: str) -> QAction:
            return self.builder.actions[action_id]

        def current_scenario(self):
            return None

    fake = FakeWindow()
    qtbot.addWidget(fake)
    command = install_sweep(fake)
    assert command.dialog is None
    assert fake.action(A.FILE_SWEEP) in fake.builder.menus[A.MENU_FILE].actions()
