"""``QUndoCommand``s that apply core edits, so every change goes through the undo stack.

Commands hold a Qt-free ``core.edits.Edit`` and only translate redo/undo into apply/revert;
what an edit does (cascading renames, phases leaving with their site) lives in the core.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from desktop_app.core.edits import Edit, ModelEvents
from desktop_app.core.model import Model


class EditTarget(Protocol):
    """Where an edit applies: the open model and its event bus (the session is one).

    A protocol rather than the session class, so the session can import its commands without
    a cycle."""

    @property
    def model(self) -> Model: ...

    @property
    def events(self) -> ModelEvents: ...


class QEditCommand(QUndoCommand):
    """One undo step: ``text`` is what the Edit menu shows after "Undo"."""

    def __init__(self, session: EditTarget, edit: Edit, text: str) -> None:
        super().__init__(text)
        self._session = session
        self.edit = edit

    def redo(self) -> None:
        self.edit.apply(self._session.model, self._session.events)

    def undo(self) -> None:
        self.edit.revert(self._session.model, self._session.events)
