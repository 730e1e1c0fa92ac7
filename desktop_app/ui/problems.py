"""The model's validation problems, recomputed once per edit and indexed by cell.

Table views ask "does this cell have a problem?" for every painted cell, so the answer must be a
dictionary lookup, never a validation run. ``validate`` is O(model): it runs once after a burst
of edits (coalesced by a zero-delay timer), inline for small models and in a worker
(``ui.jobs.QLatestJob``) for large ones, whose result is dropped if an edit raced it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from desktop_app.core.edits import Event, ModelEvents
from desktop_app.core.model import Model
from desktop_app.core.validation import Problem, validate
from desktop_app.ui.jobs import QLatestJob, Task, describe

INLINE_ROWS = 3000  # below this many rows validate() takes a few ms: run it inline


class CheckedDocument(Protocol):
    """What the checker reads: the open model, its change counter and its events (the session
    is one; a protocol, so that the session can own a checker without an import cycle)."""

    @property
    def model(self) -> Model: ...

    @property
    def generation(self) -> int: ...

    @property
    def events(self) -> ModelEvents: ...


class ProblemIndex:
    """Problems by (entity, key) and field; O(1) lookups for cell decoration."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self.problems: list[Problem] = list(problems)
        self._cells: dict[tuple[str, str], dict[str, list[str]]] = {}
        for p in self.problems:
            self._cells.setdefault((p.entity, p.key), {}).setdefault(p.field, []).append(
                p.message)

    def __len__(self) -> int:
        return len(self.problems)

    def row(self, entity: str, key: str) -> dict[str, list[str]] | None:
        """Field → messages for one row, or None when the row has no problem."""
        return self._cells.get((entity, key))

    def as_set(self) -> set[Problem]:
        return set(self.problems)


class QProblemChecker(QObject):
    """Keeps ``index`` current; emits ``sig_changed`` after each new result."""

    sig_changed = Signal()

    def __init__(self, document: CheckedDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.index = ProblemIndex()
        self.error = ""  # why the last validation could not run ("" when it ran)
        self._job = QLatestJob(self, "atlas-validate")
        self._job.sig_done.connect(self._on_done)
        self._job.sig_failed.connect(self._on_failed)
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.check)
        document.events.subscribe(self._on_event)

    def _on_event(self, _event: Event) -> None:
        self._timer.start()

    def pending(self) -> bool:
        return self._timer.isActive() or self._job.pending()

    def check(self) -> None:
        """Validate now (inline) or in a worker (large model); the latest request wins."""
        self._job.submit(self._capture)

    def _capture(self) -> Task:
        model = self._document.model
        rows = len(model.sites) + len(model.phases) + len(model.supply_lines)
        return Task((model, self._document.generation), lambda _state: validate(model),
                    inline=rows < INLINE_ROWS)

    def _current(self, tag: tuple[Model, int]) -> bool:
        model, generation = tag
        return model is self._document.model and generation == self._document.generation

    def _on_done(self, tag: tuple[Model, int], problems: list[Problem]) -> None:
        if self._current(tag):
            self.error = ""
            self._publish(problems)
        else:
            self.check()  # an edit raced the worker: validate the model as it is now

    def _on_failed(self, tag: tuple[Model, int], error: BaseException) -> None:
        # Keep the last index (better stale marks than none) and say why it is not current.
        self.error = f"Validation failed: {describe(error)}"
        if self._current(tag):
            self.sig_changed.emit()

    def _publish(self, problems: list[Problem]) -> None:
        self.index = ProblemIndex(problems)
        self.sig_changed.emit()

    def wait(self) -> None:
        """Block until current (tests, benchmarks): flush the timer and any worker run."""
        if self._timer.isActive():
            self._timer.stop()
            self.check()
        while self._job.pending():
            self._job.wait()
            QCoreApplication.processEvents()  # deliver the worker's result
