"""The model's validation problems, recomputed once per edit and indexed by cell.

Table views ask "does this cell have a problem?" for every painted cell, so the answer must be a
dictionary lookup, never a validation run. ``validate`` is O(model): it runs once after a burst
of edits (coalesced by a zero-delay timer), inline for small models and in a worker thread for
large ones, whose result is dropped if an edit raced it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from desktop_app.core.edits import Event
from desktop_app.core.validation import Problem, validate
from desktop_app.ui.background import QBackground

if TYPE_CHECKING:
    from desktop_app.ui.session import QDocumentSession

INLINE_ROWS = 3000  # below this many rows validate() takes a few ms: run it inline


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
    """Keeps ``session.problems`` current; emits ``sig_changed`` after each new result."""

    sig_changed = Signal()

    def __init__(self, session: QDocumentSession) -> None:
        super().__init__(session)
        self._session = session
        self._background = QBackground(self)
        self._running = False
        self._again = False
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.check)
        session.events.subscribe(self._on_event)

    def _on_event(self, _event: Event) -> None:
        self._timer.start()

    def pending(self) -> bool:
        return self._timer.isActive() or self._running

    def check(self) -> None:
        """Validate now (inline) or start a worker run (large model)."""
        model = self._session.model
        rows = len(model.sites) + len(model.phases) + len(model.supply_lines)
        if rows < INLINE_ROWS:
            self._publish(validate(model))
            return
        if self._running:
            self._again = True
            return
        self._running, self._again = True, False
        generation = self._session.generation

        def done(problems: list[Problem] | None, error: BaseException | None) -> None:
            self._running = False
            if error is None and generation == self._session.generation \
                    and model is self._session.model and not self._again:
                self._publish(problems or [])
            else:
                self.check()  # an edit raced the worker: validate the model as it is now

        self._background.run(lambda: validate(model), done, "atlas-validate")

    def _publish(self, problems: list[Problem]) -> None:
        self._session.problems = ProblemIndex(problems)
        self.sig_changed.emit()

    def wait(self) -> None:
        """Block until current (tests, benchmarks): flush the timer and any worker run."""
        if self._timer.isActive():
            self._timer.stop()
            self.check()
        while self._running:
            self._background.wait()
            QCoreApplication.processEvents()  # deliver the worker's result
