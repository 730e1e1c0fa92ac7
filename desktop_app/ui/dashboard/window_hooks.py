"""Where the dashboard meets the main window: File ▸ Export Plot (one submenu per plot, one
entry per format, registered into the action table by menu id), the Monte Carlo summary in the
status bar, and the scenario manager's messages and diff requests (the window itself stops a
Monte Carlo run once a close is confirmed). The window calls
``install_dashboard(dashboard, window)``; the dashboard itself knows nothing of windows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.ui import actions as A
from desktop_app.ui.dashboard.panels import FORMATS, PANELS

if TYPE_CHECKING:
    from desktop_app.ui.dashboard.view import QDashboard
    from desktop_app.ui.window_api import WindowApi


def export_plot_specs() -> list[A.ActionSpec | A.MenuSpec]:
    """File ▸ Export Plot ▸ <plot> ▸ <format>…, in the order of the grid."""
    specs: list[A.ActionSpec | A.MenuSpec] = []
    for i, (key, title, _row, _column) in enumerate(PANELS):
        menu_id = f"{A.MENU_EXPORT_PLOT}.{key}"
        specs.append(A.MenuSpec(menu_id, title, ("formats",),
                                A.Place(A.MENU_EXPORT_PLOT, "plots", i)))
        specs += [A.ActionSpec(f"export.{key}.{fmt}", f"{text}…",
                               places=(A.Place(menu_id, "formats", j),))
                  for j, (fmt, (text, _filter)) in enumerate(FORMATS.items())]
    return specs


def install_dashboard(dashboard: QDashboard, window: WindowApi) -> None:
    """Put File ▸ Export Plot in ``window``'s menu, the Monte Carlo summary in its status bar,
    route the dashboard's messages and diff requests to it."""
    window.register(export_plot_specs())
    for key, _title, _row, _column in PANELS:
        for fmt in FORMATS:
            window.action(f"export.{key}.{fmt}").triggered.connect(
                lambda _c=False, k=key, f=fmt: dashboard.export_dialog(k, f))
    dashboard.export_menu = window.menu(A.MENU_EXPORT_PLOT)
    window.add_status_widget(dashboard.status)
    dashboard.sig_message.connect(window.show_message)
    dashboard.scenario_manager.sig_message.connect(window.show_message)

    def show_diff(a: str, b: str) -> None:
        dashboard.diff_view.show_pair(a, b)
        window.show_page(dashboard.diff_view)

    dashboard.scenario_manager.sig_diff_requested.connect(show_diff)
