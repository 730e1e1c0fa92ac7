"""What a plug-in may use of the main window: the narrow interface it is given.

The dashboard's window hooks, File ▸ Import/Export and File ▸ Sweep receive a ``WindowApi``
instead of the main window itself, so they import neither ``main_window`` (which imports
them: that was the main_window ↔ file_transfer and main_window ↔ sweep cycle) nor reach for
attributes by name with ``getattr``. ``QAtlasMainWindow`` implements it; a test can hand
a plug-in a small fake.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu, QWidget

    from desktop_app.core.engine.result import MonteCarloResult
    from desktop_app.ui.actions import ActionSpec, MenuSpec
    from desktop_app.ui.session import QDocumentSession


class WindowApi(Protocol):
    @property
    def session(self) -> QDocumentSession:
        """The open document (model, undo stack, events, problems)."""
        ...

    def widget(self) -> QWidget:
        """The window as a widget: the parent of a plug-in's objects and dialogs."""
        ...

    def action(self, action_id: str) -> QAction:
        """The action declared under ``action_id`` in ``ui.actions`` (KeyError if none)."""
        ...

    def menu(self, menu_id: str) -> QMenu:
        """The menu declared under ``menu_id`` in ``ui.actions`` (KeyError if none)."""
        ...

    def register(self, specs: Iterable[ActionSpec | MenuSpec]) -> dict[str, QAction]:
        """Add menus and actions at the places they declare; the new actions by id."""
        ...

    def show_message(self, text: str) -> None:
        """A transient message in the status bar."""
        ...

    def add_status_widget(self, widget: QWidget) -> None:
        """A permanent widget at the right of the status bar."""
        ...

    def show_page(self, widget: QWidget) -> None:
        """Bring a page of the central area (the dashboard, the scenario diff) to the front."""
        ...

    def select_row(self, kind: str, uid: int) -> None:
        """Show the table of ``kind`` with row ``uid`` selected; the keyboard stays put."""
        ...

    def current_scenario(self) -> str | None:
        """The scenario the user is on: the Scenarios table's current row, else the one the
        dashboard shows; None if neither names a scenario of the model."""
        ...

    def opening(self) -> str | None:
        """The name of the file being opened in the background, None when none is."""
        ...

    def current_monte_carlo(self) -> MonteCarloResult | None:
        """The dashboard's Monte Carlo result if it was computed from what is shown now (an
        export reuses it instead of sampling again)."""
        ...
