"""Helpers of the UI tests: build the main window, wait for validation, type into cells.

The fixtures (``window``, ``dialog_answers``) are in ``ui_fixtures``, which test modules load
with ``pytest_plugins``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication

from desktop_app.ui.app import create_application
from desktop_app.ui.main_window import QAtlasMainWindow
from desktop_app.ui.tables.delegates import QCellLineEdit

NO_AUTOSAVE = 3_600_000


def make_window(qtbot: Any, paths: list[str] | None = None, *,
                autosave_ms: int = NO_AUTOSAVE) -> QAtlasMainWindow:
    create_application()
    window = QAtlasMainWindow(autosave_ms=autosave_ms)
    qtbot.addWidget(window, before_close_func=_discard_changes)
    window.open_initial(paths or [])
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    settle(qtbot, window)
    return window


def _discard_changes(window: QAtlasMainWindow) -> None:
    """Teardown closes the window without a prompt (the test has made its point)."""
    window.session.replace(window.session.document)


def settle(qtbot: Any, window: QAtlasMainWindow) -> None:
    """Let validation (and queued signals) catch up with the last edit."""
    window.session.checker.wait()
    qtbot.wait(1)


def cell(editor: Any, key: str, field: str) -> QModelIndex:
    """The index of a row (by human key) and field in an editor's table."""
    from desktop_app.core.edits import key_of

    model = editor.model
    row = next(i for i, r in enumerate(model.visible_rows()) if key_of(r) == key)
    column = model.column_of(field)
    assert column is not None, field
    return model.index(row, column)


def double_click(qtbot: Any, view: Any, index: QModelIndex) -> None:
    """A real double-click: press, release, then the double-click event Qt sends."""
    view.scrollTo(index)
    center = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    # QTest's double-click ends on a press: Qt then believes the button is held for the rest of
    # the process (an implicit grab, so later tests saw no Enter/Leave). A hand lets go.
    if QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=center)


def type_into_cell(qtbot: Any, editor: Any, index: QModelIndex, text: str,
                   key: Qt.Key = Qt.Key.Key_Return) -> QCellLineEdit:
    """Double-click the cell, replace its text by typing, and press ``key``; returns the
    line edit (still open when the value was refused)."""
    double_click(qtbot, editor.view, index)
    line = QApplication.focusWidget()
    assert isinstance(line, QCellLineEdit), f"no cell editor opened (focus: {line!r})"
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, key)
    QApplication.processEvents()  # Qt commits on Enter through a queued call
    return line
