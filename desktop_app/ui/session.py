"""The open document as the UI sees it: model, undo stack, events, problems, modified state.

One session lives as long as the main window; opening or reverting replaces its document, and
every view listens to the session instead of holding a model of its own, so nothing keeps
showing a model that is no longer open.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from desktop_app.core.edits import Edit, Event, ModelEvents, ModelReset
from desktop_app.core.model import Model
from desktop_app.storage.document import Document
from desktop_app.ui.problems import ProblemIndex, QProblemChecker
from desktop_app.ui.undo import QEditCommand


class QDocumentSession(QObject):
    sig_document_replaced = Signal()  # another model is loaded (new, open, revert, recover)
    sig_modified_changed = Signal(bool)
    sig_path_changed = Signal()  # saved under a new name
    sig_problems_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.events = ModelEvents()
        self.stack = QUndoStack(self)
        self.document = Document(Model())
        self.generation = 0  # bumped by every change; workers compare it to detect races
        self.source_note = ""  # "sample", "recovered from …": shown while the doc is untitled
        self._recovered = False
        self.events.subscribe(self._on_event)
        self.checker = QProblemChecker(self, self)
        self.checker.sig_changed.connect(self.sig_problems_changed)
        self.stack.cleanChanged.connect(self._emit_modified)

    @property
    def model(self) -> Model:
        return self.document.model

    @property
    def problems(self) -> ProblemIndex:
        """The model's validation problems as last checked (``checker`` keeps them current)."""
        return self.checker.index

    @property
    def name(self) -> str:
        return self.document.name

    @property
    def is_modified(self) -> bool:
        return self._recovered or not self.stack.isClean()

    def push(self, edit: Edit, text: str) -> None:
        """Apply ``edit`` as one undo step (the command's first redo applies it)."""
        self.stack.push(QEditCommand(self, edit, text))

    @contextlib.contextmanager
    def trial(self, edit: Edit) -> Iterator[None]:
        """Apply ``edit`` silently for the duration of the block, then revert it (paste checks)."""
        self.generation += 1
        with self.events.muted():
            edit.apply(self.model, self.events)
            try:
                yield
            finally:
                edit.revert(self.model, self.events)
        self.generation += 1

    def replace(self, document: Document, *, modified: bool = False, note: str = "") -> None:
        """Show ``document`` instead of the current one (whose lock is released)."""
        gc.unfreeze()
        old, self.document = self.document, document
        self.stack.clear()
        self.stack.setClean()
        self._recovered, self.source_note = modified, note
        self.events.emit(ModelReset())
        if old is not document:
            old.close()
        self.sig_document_replaced.emit()
        self._emit_modified()
        # A 10,000-site model is ~10⁶ long-lived objects; a full collection would walk them all
        # (tens of ms, at a random moment while the user scrolls). Freezing moves them out of
        # the collector's generations; reference counting still frees them.
        gc.freeze()

    def mark_saved(self) -> None:
        self._recovered = False
        self.source_note = ""
        self.stack.setClean()
        self.sig_path_changed.emit()
        self._emit_modified()

    def _on_event(self, _event: Event) -> None:
        self.generation += 1

    def _emit_modified(self, *_clean: object) -> None:
        self.sig_modified_changed.emit(self.is_modified)
