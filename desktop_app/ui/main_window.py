"""The main window: docks, menus, toolbar and status bar wired to the parts that do the work.

Nothing here edits the model or touches files: editors, the document controller, the autosaver
and the issues panel each own their job, and this module connects their signals and actions.
Menus and toolbar come from the table in ``ui.actions`` (built by ``ui.menus``); the plug-ins
(dashboard hooks, File ▸ Import/Export, File ▸ Sweep) get this window as a
``ui.window_api.WindowApi`` and connect their actions by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QWidget,
)

from desktop_app.core import edits
from desktop_app.core.engine.result import MonteCarloResult
from desktop_app.core.model import Scenario
from desktop_app.core.validation import Problem
from desktop_app.ui import actions as A
from desktop_app.ui import dialogs, jobs, settings
from desktop_app.ui.autosave import QAutosaver
from desktop_app.ui.dashboard import QDashboard
from desktop_app.ui.dashboard.window_hooks import install_dashboard
from desktop_app.ui.document_controller import QDocumentController
from desktop_app.ui.icons import icon
from desktop_app.ui.issues_panel import QIssuesPanel
from desktop_app.ui.menus import QMenuBuilder
from desktop_app.ui.navigator import QNavigator
from desktop_app.ui.session import QDocumentSession
from desktop_app.ui.sweep.dialog import install_sweep
from desktop_app.ui.tables.editor import QEntityEditor
from desktop_app.ui.tables.registry import EDITORS, make_editor
from desktop_app.ui.transfer.file_transfer import install_file_transfer

STATUS_MS = 6000
EDITOR_TABS = ("site", "region", "accelerator", "supply_line", "scenario", "settings")
GO_TO = ("navigator", "editor.site", "editor.phase", "editor.region", "editor.accelerator",
         "editor.supply_line", "editor.scenario", "editor.settings", "issues")


class QAtlasMainWindow(QMainWindow):
    def __init__(self, *, autosave_ms: int | None = None) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)
        self.session = QDocumentSession(self)
        self.autosaver = QAutosaver(self.session, autosave_ms)
        self.documents = QDocumentController(self, self.session, self.autosaver)
        self.menu_builder = QMenuBuilder(self)
        self.actions: dict[str, QAction] = self.menu_builder.actions  # by id, kept up to date
        stack = self.session.stack
        self.menu_builder.register((*A.MENUS, *A.SPECS), made={
            A.EDIT_UNDO: stack.createUndoAction(self, A.BY_ID[A.EDIT_UNDO].text),
            A.EDIT_REDO: stack.createRedoAction(self, A.BY_ID[A.EDIT_REDO].text)})
        self.undo_action, self.redo_action = self.actions[A.EDIT_UNDO], self.actions[A.EDIT_REDO]
        self.recent_menu = self.menu(A.MENU_FILE_RECENT)
        self.navigator = QNavigator(self.session)
        self.issues = QIssuesPanel(self.session)
        self.dashboard = QDashboard(self.session)  # with its drivers, scenarios and diff view
        self.editors: dict[str, QEntityEditor] = {k: make_editor(k, self.session)
                                                  for k in EDITORS}
        self.docks: dict[str, QDockWidget] = {}
        self.current_kind = "site"
        self._build_layout()
        self._build_menus()
        self._build_status_bar()
        self._connect()
        self.file_transfer = install_file_transfer(self)  # File ▸ Import, Export
        install_dashboard(self.dashboard, self)  # File ▸ Export Plot, Monte Carlo status
        self.sweep = install_sweep(self)  # File ▸ Sweep…
        self.restore_layout()
        self._update_title()

    # --- construction ---------------------------------------------------------------------
    def _dock(self, name: str, title: str, widget: QWidget,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock.{name}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        return dock

    def _build_layout(self) -> None:
        left, bottom = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea
        self.setCorner(Qt.Corner.TopLeftCorner, left)
        self.setCorner(Qt.Corner.BottomLeftCorner, left)
        self.setDockNestingEnabled(True)
        self.dashboard_area = QTabWidget(self)
        self.dashboard_area.setObjectName("dashboard_area")
        self.dashboard_area.setDocumentMode(True)
        self.dashboard_area.addTab(self.dashboard, "Dashboard")
        self.dashboard_area.addTab(self.dashboard.diff_view, "Scenario Diff")
        self.setCentralWidget(self.dashboard_area)
        navigator = self._dock("navigator", "Model", self.navigator, left)
        issues = self._dock("issues", "Issues", self.issues, left)
        drivers = self._dock("drivers", "Drivers", self.dashboard.drivers_panel, left)
        scenarios = self._dock("scenarios", "Scenarios", self.dashboard.scenario_manager, left)
        self.splitDockWidget(navigator, issues, Qt.Orientation.Vertical)
        sites = self._dock("editor.site", "Sites", self.editors["site"], bottom)
        phases = self._dock("editor.phase", "Phases", self.editors["phase"], bottom)
        self.splitDockWidget(sites, phases, Qt.Orientation.Vertical)
        others = [self._dock(f"editor.{k}", EDITORS[k][1], self.editors[k], bottom)
                  for k in EDITOR_TABS[1:]]
        # Tabified on first show: Qt 6.10 leaves an orphaned, visible tab bar over the
        # window when docks are tabified before it is shown (the same "rogue QTabBar"
        # Spine-Toolbox met on PySide6 6.5).
        self._tab_groups: list[tuple[QDockWidget, list[QDockWidget]]] = [
            (drivers, [issues]), (navigator, [scenarios]), (sites, others)]
        self._default_sizes = (navigator, issues, sites, phases)

    def _finish_layout(self) -> None:
        """Tabify, size the docks, then apply the user's saved arrangement over it."""
        for first, rest in self._tab_groups:
            for dock in rest:
                self.tabifyDockWidget(first, dock)
            first.raise_()
        self._tab_groups = []
        self._apply_default_sizes()
        self._default_state = self.saveState(settings.LAYOUT_VERSION)
        state = settings.get(settings.WINDOW_STATE)
        if not state.isEmpty() and \
                settings.get(settings.WINDOW_STATE_VERSION) == settings.LAYOUT_VERSION:
            self.restoreState(state, settings.LAYOUT_VERSION)

    def _apply_default_sizes(self) -> None:
        navigator, issues, sites, phases = self._default_sizes
        self.resizeDocks([navigator], [330], Qt.Orientation.Horizontal)
        self.resizeDocks([navigator, issues], [340, 460], Qt.Orientation.Vertical)  # drivers
        self.resizeDocks([sites, phases], [190, 150], Qt.Orientation.Vertical)  # dashboard

    def _build_menus(self) -> None:
        """The entries only the window can list (its panels) join the table's; the rest of
        the menu bar and the toolbar were built from ``ui.actions`` already."""
        self.recent_menu.aboutToShow.connect(
            lambda: self.documents.fill_recent_menu(self.recent_menu))
        go_to = [A.ActionSpec(f"view.go_to.{name}", f"Go to {self.docks[name].windowTitle()}",
                              f"Ctrl+{i}", places=(A.Place(A.MENU_VIEW, "panels", i),))
                 for i, name in enumerate(GO_TO)]  # Ctrl+0…8: show a panel, keyboard in it
        panels = [A.ActionSpec(f"view.panel.{name}", dock.windowTitle(),
                               places=(A.Place(A.MENU_VIEW_PANELS, "docks", i),))
                  for i, (name, dock) in enumerate(self.docks.items())]
        self.register([*go_to, *panels], made={f"view.panel.{name}": dock.toggleViewAction()
                                               for name, dock in self.docks.items()})
        for name in GO_TO:
            self.actions[f"view.go_to.{name}"].triggered.connect(
                lambda _c=False, n=name: self.go_to(n))
        toolbar = self.menu_builder.toolbars[A.TOOLBAR_MAIN]
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

    def _build_status_bar(self) -> None:
        self.problem_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.problem_label)
        self.statusBar().showMessage("Ready")

    def _connect(self) -> None:
        a, docs = self.actions, self.documents
        for action_id, handler in {
            A.FILE_NEW: docs.new_blank, A.FILE_NEW_SAMPLE: docs.new_sample,
            A.FILE_OPEN: docs.open_dialog, A.FILE_SAVE: docs.save, A.FILE_SAVE_AS: docs.save_as,
            A.FILE_REVERT: docs.revert, A.FILE_CLOSE: docs.close_document,
            A.FILE_QUIT: self.close, A.EDIT_COPY: self.copy, A.EDIT_PASTE: self.paste,
            A.EDIT_ADD: lambda: self._editor_command("add_row"),
            A.EDIT_DUPLICATE: lambda: self._editor_command("duplicate_rows"),
            A.EDIT_DELETE: self.delete_rows,
            A.EDIT_FIND: self.find, A.VIEW_RESET_LAYOUT: self.reset_layout,
            A.HELP_ABOUT: lambda: dialogs.show_about(self),
        }.items():
            a[action_id].triggered.connect(lambda _checked=False, h=handler: h())
        docs.sig_message.connect(self.show_message)
        docs.sig_busy.connect(self._on_busy)
        for kind, editor in self.editors.items():
            editor.sig_message.connect(self.show_message)
            editor.view.installEventFilter(self)
            editor.search.installEventFilter(self)
            editor.setProperty("kind", kind)
        self.editors["site"].sig_current_row.connect(self.editors["phase"].follow_site)
        self.navigator.sig_selected.connect(self.show_row)
        self.issues.sig_problem_activated.connect(self.show_problem)
        self.session.sig_modified_changed.connect(self._update_title)
        self.session.sig_document_replaced.connect(self._update_title)
        self.session.sig_path_changed.connect(self._update_title)
        self.session.sig_problems_changed.connect(self._update_problem_label)
        self.autosaver.sig_failed.connect(self.show_message)
        self.session.stack.indexChanged.connect(self._on_stack_changed)

    # --- routing to the current editor ----------------------------------------------------
    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            for kind, editor in self.editors.items():
                if watched in (editor.view, editor.search):
                    self.current_kind = kind
        return super().eventFilter(watched, event)

    def current_editor(self) -> QEntityEditor:
        return self.editors[self.current_kind]

    def _editor_command(self, name: str) -> None:
        getattr(self.current_editor(), name)()

    def delete_rows(self) -> None:
        """Delete only what the keyboard is on: Delete in the navigator or the issues list
        must not remove rows of a table the user is not looking at."""
        editor = self.current_editor()
        focus = QApplication.focusWidget()
        if focus is not None and (focus is editor or editor.isAncestorOf(focus)):
            editor.delete_rows()
        else:
            self.show_message("Select rows in a table to delete them")

    def copy(self) -> None:
        if self.issues.view.hasFocus():
            rows = sorted({i.row() for i in self.issues.view.selectedIndexes()})
            text = "\n".join(str(self.issues.model.problem(r)) for r in rows)
            QApplication.clipboard().setText(text)
        else:
            self.current_editor().copy()

    def paste(self) -> None:
        self.current_editor().paste()

    def find(self) -> None:
        self.docks[f"editor.{self.current_kind}"].show()
        self.docks[f"editor.{self.current_kind}"].raise_()
        self.current_editor().focus_search()

    def go_to(self, dock_name: str) -> None:
        dock = self.docks[dock_name]
        dock.show()
        dock.raise_()
        if dock_name.startswith("editor."):
            self.current_kind = dock_name.removeprefix("editor.")
        dock.widget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_editor(self, kind: str, *, focus: bool = True) -> QEntityEditor:
        dock = self.docks[f"editor.{kind}"]
        dock.show()
        dock.raise_()
        self.current_kind = kind
        if focus:
            self.editors[kind].view.setFocus(Qt.FocusReason.OtherFocusReason)
        return self.editors[kind]

    def show_row(self, kind: str, row: Any | None) -> None:
        """Navigator: show the kind's table and select the row (a phase under its site)."""
        focus = row is None
        if kind in ("site", "phase") and row is not None:
            site = row if kind == "site" else self.session.model.site(row.site)
            if site is not None:
                self.show_editor("site", focus=False).select(site.uid, focus=False)
                self.editors["phase"].follow_site(site)
        editor = self.show_editor(kind, focus=focus)
        if row is not None:
            editor.select(row.uid, focus=False)

    def show_problem(self, problem: Problem) -> None:
        """Issues panel: select the offending cell and put the keyboard on it."""
        kind = problem.entity
        if kind not in self.editors:
            return
        editor = self.show_editor(kind)
        if kind == "settings":
            row = editor.model.row_of(problem.field)
            editor.select_cell(row if row is not None else 0, 1)
            return
        target = next((r for r in self.session.model.collection(kind)
                       if edits.key_of(r) == problem.key), None)
        if target is None:
            return
        if kind == "phase":
            site = self.session.model.site(target.site)
            phases = self.editors["phase"]
            phases.all_sites.setChecked(site is None)
            phases.follow_site(site)
        if not editor.select(target.uid, problem.field):
            self.show_message(f"{problem.key} is not shown in {editor.title}")

    # --- document state -------------------------------------------------------------------
    def open_initial(self, paths: list[str]) -> None:
        """The command line's file, or the built-in sample as an untitled document."""
        def fall_back(opened: bool) -> None:
            if not opened:  # the error was shown; the sample keeps the window useful
                self.documents.new_sample(confirm=False)

        if paths and self.documents.open_path(paths[0], confirm=False, on_done=fall_back):
            return
        self.documents.new_sample(confirm=False)

    def _update_title(self, *_args: object) -> None:
        session = self.session
        name = session.name
        if session.document.path is None and session.source_note:
            name = f"{name} ({session.source_note})"
        self.setWindowTitle(f"{name}[*]")
        self.setWindowModified(session.is_modified)
        self.setWindowFilePath(str(session.document.path or ""))
        self.actions[A.FILE_REVERT].setEnabled(session.document.path is not None)

    def _update_problem_label(self) -> None:
        count = len(self.session.problems)
        self.problem_label.setText(f"⚠ {count} problem{'s' * (count != 1)}" if count
                                   else "✓ No problems")
        if self.session.checker.error:  # the marks are from before the failed check
            self.problem_label.setText(f"⚠ {self.session.checker.error}")

    def _on_stack_changed(self, *_args: object) -> None:
        self.actions[A.FILE_REVERT].setEnabled(self.session.document.path is not None)

    def _on_busy(self, busy: bool) -> None:
        for dock in self.docks.values():
            dock.widget().setEnabled(not busy)
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        else:
            QApplication.restoreOverrideCursor()

    # --- for the plug-ins: ui.window_api.WindowApi -------------------------------------
    def widget(self) -> QWidget:
        return self

    def action(self, action_id: str) -> QAction:
        return self.actions[action_id]

    def menu(self, menu_id: str) -> QMenu:
        return self.menu_builder.menus[menu_id]

    def register(self, specs: Iterable[A.ActionSpec | A.MenuSpec],
                 made: dict[str, QAction] | None = None) -> dict[str, QAction]:
        return self.menu_builder.register(specs, made)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MS)

    def add_status_widget(self, widget: QWidget) -> None:
        self.statusBar().addPermanentWidget(widget)

    def show_page(self, widget: QWidget) -> None:
        self.dashboard_area.setCurrentWidget(widget)

    def select_row(self, kind: str, uid: int) -> None:
        self.show_editor(kind, focus=False).select(uid, focus=False)

    def current_scenario(self) -> str | None:
        row = self.editors["scenario"].current_row()
        name = row.name if isinstance(row, Scenario) else self.dashboard.current_scenario()
        return name if name is not None and self.session.model.scenario(name) else None

    def current_monte_carlo(self) -> MonteCarloResult | None:
        return self.dashboard.monte_carlo.current()

    def opening(self) -> str | None:
        loading = self.documents.loading
        return loading.name if loading is not None else None

    # --- layout persistence ---------------------------------------------------------------
    def restore_layout(self) -> None:
        """Window geometry now; the dock arrangement on first show (``_finish_layout``)."""
        self.resize(1440, 900)
        geometry = settings.get(settings.GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)

    def save_layout(self) -> None:
        settings.put(settings.GEOMETRY, self.saveGeometry())
        settings.put(settings.WINDOW_STATE, self.saveState(settings.LAYOUT_VERSION))
        settings.put(settings.WINDOW_STATE_VERSION, settings.LAYOUT_VERSION)

    def reset_layout(self) -> None:
        """Back to the arrangement a first start shows (View ▸ Reset Layout)."""
        for dock in self.docks.values():
            dock.setFloating(False)
        self.restoreState(self._default_state, settings.LAYOUT_VERSION)
        QTimer.singleShot(0, self._apply_default_sizes)

    # --- window events --------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        if self._tab_groups:
            self._finish_layout()
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.documents.loading is not None or not self.documents.confirm_discard():
            event.ignore()
            return
        # Only now that the close is certain: a Close refused at the save prompt keeps them.
        self.dashboard.monte_carlo.shutdown()
        self.sweep.cancel_run()
        self.save_layout()
        self.autosaver.close()
        jobs.wait_all(2.0)  # no worker may call back into a closing window
        self.session.document.close()
        event.accept()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _atlas_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _atlas_paths(event)
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.documents.open_path(paths[0]))


def _atlas_paths(event: QDragEnterEvent | QDropEvent) -> list[str]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls()
            if u.isLocalFile() and u.toLocalFile().lower().endswith(".atlas")]
