"""Where the dashboard meets the main window: File ▸ Export Plot (a submenu above Quit), the
export dialogs, the Monte Carlo summary in the status bar, the scenario manager's messages and
diff requests, and cancelling a run when the window closes. Kept here so the window only calls
``dashboard.install(window)``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from desktop_app.ui import dialogs, settings
from desktop_app.ui.dashboard.monte_carlo import QMonteCarloController

if TYPE_CHECKING:
    from desktop_app.ui.dashboard.view import QDashboard

# key, title, grid row, grid column: known before pyqtgraph is imported (File ▸ Export Plot).
PANELS = (("spend-by-region", "Compute spend by region", 0, 0),
          ("capacity", "Planned vs online capacity", 0, 1),
          ("supply-demand", "Accelerator supply vs demand", 0, 2),
          ("scenario-comparison", "Scenario comparison", 1, 0),
          ("tornado", "Tornado", 1, 1),
          ("energy-emissions", "Energy and emissions", 1, 2))
FORMATS = {"png": ("PNG image", "PNG images (*.png)"),
           "svg": ("SVG drawing", "SVG drawings (*.svg)"),
           "csv": ("CSV data", "CSV files (*.csv)")}


def export_dialog(dashboard: QDashboard, key: str, fmt: str) -> None:
    dashboard.build_plots()
    folder = settings.get(settings.LAST_DIRECTORY) or str(Path.home())
    title = dict((k, t) for k, t, _r, _c in PANELS)[key]
    path = dialogs.get_export_path(dashboard, f"Export {title} as {FORMATS[fmt][0]}",
                                   str(Path(folder) / f"{key}.{fmt}"), FORMATS[fmt][1])
    if not path:
        return
    if not path.lower().endswith(f".{fmt}"):
        path += f".{fmt}"
    try:
        dashboard.export(key, fmt, path)
    except (OSError, ValueError, RuntimeError) as exc:
        dialogs.show_error(dashboard, "Export failed", f"Could not write {path}:\n{exc}")
        return
    settings.put(settings.LAST_DIRECTORY, str(Path(path).parent))
    dashboard.sig_message.emit(f"Exported {title} to {path}")


def install(dashboard: QDashboard, window: QMainWindow) -> None:
    """Put the Monte Carlo summary in ``window``'s status bar, File ▸ Export Plot in its
    menu, and cancel runs when it closes."""
    window.statusBar().addPermanentWidget(dashboard.status)
    file_menu = next((m for m in window.menuBar().findChildren(QMenu)
                      if m.title().replace("&", "") == "File"), None)
    if isinstance(file_menu, QMenu):
        menu = QMenu("Export &Plot", file_menu)
        menu.setObjectName("menu.export_plot")
        for key, title, _r, _c in PANELS:
            sub = menu.addMenu(title)
            for fmt, (text, _filter) in FORMATS.items():
                action = QAction(f"{text}…", sub)
                action.setObjectName(f"export.{key}.{fmt}")
                action.triggered.connect(lambda _c=False, k=key, f=fmt:
                                         dashboard.export_dialog(k, f))
                sub.addAction(action)
        quit_action = next((a for a in file_menu.actions()
                            if a.menuRole() == QAction.MenuRole.QuitRole
                            or a.objectName() == "file.quit"), None)
        before = _separator_before(file_menu, quit_action)
        file_menu.insertMenu(before, menu) if before is not None else file_menu.addMenu(menu)
        dashboard.export_menu = menu
    show_message = getattr(window, "show_message", lambda _t: None)
    dashboard.sig_message.connect(show_message)
    dashboard.scenario_manager.sig_message.connect(show_message)
    area = getattr(window, "dashboard_area", None)

    def show_diff(a: str, b: str) -> None:
        dashboard.diff_view.show_pair(a, b)
        if area is not None:
            area.setCurrentWidget(dashboard.diff_view)

    dashboard.scenario_manager.sig_diff_requested.connect(show_diff)
    window.installEventFilter(_CancelOnClose(dashboard.monte_carlo, window))


def _separator_before(menu: QMenu, action: QAction | None) -> QAction | None:
    """The separator just above ``action`` (so the new entry sits above it), else ``action``."""
    if action is None:
        return None
    actions = menu.actions()
    at = actions.index(action)
    return actions[at - 1] if at > 0 and actions[at - 1].isSeparator() else action


class _CancelOnClose(QObject):
    """Stops a Monte Carlo run before the window's close waits for workers."""

    def __init__(self, monte_carlo: QMonteCarloController, parent: QObject) -> None:
        super().__init__(parent)
        self._monte_carlo = monte_carlo

    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self._monte_carlo.shutdown()
        return False

