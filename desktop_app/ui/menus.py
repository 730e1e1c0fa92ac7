"""The menu bar and toolbars of a window, built from the table in ``ui.actions``.

``QMenuBuilder`` makes one ``QAction`` per ``ActionSpec`` and one ``QMenu`` (or ``QToolBar``) per
``MenuSpec``, then fills every menu from the places the entries declare: sorted by the menu's
group order, then the entry's order, a separator between groups. ``register`` adds entries
later (a plug-in's, the window's panels) and refills the menus, so an entry lands where its
place says whatever the order of registration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

from desktop_app.ui import actions as A
from desktop_app.ui.icons import icon

Spec = A.ActionSpec | A.MenuSpec


class QMenuBuilder(QObject):
    """The actions and menus of ``window``: ``actions[id]``, ``menus[id]``, ``toolbars[id]``."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.actions: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self.toolbars: dict[str, QToolBar] = {}
        self._menu_specs: dict[str, A.MenuSpec] = {}
        self._entries: dict[str, dict[str, A.Place]] = {}  # container id → item id → place

    # --- the table ------------------------------------------------------------------------
    def register(self, specs: Iterable[Spec], made: Mapping[str, QAction] | None = None
                 ) -> dict[str, QAction]:
        """Add menus and actions (each at its places) and refill the menus; the new actions.

        ``made``: actions made elsewhere (the undo stack's, a dock's toggle) for some of the
        specs; they get the spec's id, keys, icon, tip and places but keep their own text."""
        made = made or {}
        new: dict[str, QAction] = {}
        for spec in specs:
            if spec.id in self.actions or spec.id in self._menu_specs:
                raise ValueError(f"{spec.id!r} is declared twice")
            if isinstance(spec, A.MenuSpec):
                self._add_menu(spec)
                continue
            action = made.get(spec.id)
            if action is None:
                action = QAction(spec.text, self._window)
            _apply(spec, action)
            new[spec.id] = self._add_action(spec, action)
        self._refill()
        return new

    def entries(self, menu_id: str) -> list[str]:
        """The ids placed in ``menu_id``, in the order shown."""
        groups = self._menu_specs[menu_id].groups
        placed = self._entries.get(menu_id, {})
        for item, p in placed.items():
            if p.group not in groups:
                raise ValueError(f"{item!r}: menu {menu_id!r} has no group {p.group!r} "
                                 f"(its groups: {', '.join(groups)})")
        return sorted(placed, key=lambda i: (groups.index(placed[i].group), placed[i].order, i))

    # --- construction -----------------------------------------------------------------------
    def _add_action(self, spec: A.ActionSpec, action: QAction) -> QAction:
        self.actions[spec.id] = action
        for p in spec.places:
            self._entries.setdefault(p.menu, {})[spec.id] = p
        return action

    def _add_menu(self, spec: A.MenuSpec) -> None:
        self._menu_specs[spec.id] = spec
        if spec.place is None:
            toolbar = self._window.addToolBar(spec.title)
            toolbar.setObjectName(spec.id)
            self.toolbars[spec.id] = toolbar
            return
        parent = self.menus.get(spec.place.menu, self._window)
        menu = QMenu(spec.title, parent)  # a child of its menu: findChild(QMenu, id) works
        menu.setObjectName(spec.id)
        self.menus[spec.id] = menu
        self._entries.setdefault(spec.place.menu, {})[spec.id] = spec.place

    def _refill(self) -> None:
        """Clear and fill every menu, toolbar and the menu bar (a few dozen entries)."""
        containers: dict[str, QMenu | QToolBar] = {**self.menus, **self.toolbars}
        for menu_id, container in containers.items():
            if not self._menu_specs[menu_id].dynamic:
                self._fill(menu_id, container)
        bar = self._window.menuBar()
        _empty(bar)
        for item in sorted(self._entries.get(A.MENUBAR, {}),
                           key=lambda i: (self._entries[A.MENUBAR][i].order, i)):
            if self._shown(item):
                bar.addMenu(self.menus[item])

    def _fill(self, menu_id: str, container: QMenu | QToolBar) -> None:
        _empty(container)
        group = None
        for item in self.entries(menu_id):
            if not self._shown(item):
                continue
            here = self._entries[menu_id][item].group
            if group is not None and here != group:
                container.addSeparator()
            group = here
            container.addAction(self.actions[item] if item in self.actions
                                else self.menus[item].menuAction())

    def _shown(self, item: str) -> bool:
        """An action, or a menu with something to show (a dynamic one always has)."""
        if item in self.actions:
            return True
        spec = self._menu_specs.get(item)
        if spec is None:
            return False
        return spec.dynamic or any(self._shown(i) for i in self._entries.get(item, {}))


def _empty(container: QWidget) -> None:
    """Take every action out of ``container``, deleting only its own separators. Not
    ``clear()``: PySide6 then also deletes actions it did not make (the undo stack's)."""
    for action in container.actions():
        container.removeAction(action)
        if action.isSeparator() and action.parent() is container:
            action.deleteLater()


def _apply(spec: A.ActionSpec, action: QAction) -> None:
    action.setObjectName(spec.id)
    if spec.icon:
        action.setIcon(icon(spec.icon))
    if isinstance(spec.shortcut, tuple):
        action.setShortcuts(_key_list(spec.shortcut))
    elif spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
    if spec.tip:
        action.setStatusTip(spec.tip)
        action.setToolTip(_tooltip(spec.tip, action))


def _key_list(keys: tuple[A.Key, ...]) -> list[QKeySequence]:
    """Every binding of each key in turn, without repeats."""
    out: list[QKeySequence] = []
    for key in keys:
        sequences = QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey) \
            else [QKeySequence(key)]
        out += [s for s in sequences if s not in out]
    return out


def _tooltip(tip: str, action: QAction) -> str:
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{tip} ({keys})" if keys else tip
