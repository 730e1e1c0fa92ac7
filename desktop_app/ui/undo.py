"""``QUndoCommand``s that apply core edits, so every change goes through the undo stack.

Commands hold a Qt-free ``core.edits.Edit`` and only translate redo/undo into apply/revert;
what an edit does (cascading renames, phases leaving with their site) lives in the core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from desktop_app.core.edits import Edit

if TYPE_CHECKING:
    from desktop_app.ui.session import QDocumentSession


class QEditCommand(QUndoCommand):
    """One undo step: ``text`` is what the Edit menu shows after "Undo"."""

    def __init__(self, session: QDocumentSession, edit: Edit, text: str) -> None:
        super().__init__(text)
        self._session = session
        self.edit = edit

    def redo(self) -> None:
        self.edit.apply(self._session.model, self._session.events)

    def undo(self) -> None:
        self.edit.revert(self._session.model, self._session.events)
