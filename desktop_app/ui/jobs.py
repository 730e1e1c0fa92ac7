"""Background jobs for the UI: run a function off the GUI thread, get its outcome back on it.

Validating, projecting or sampling a large model, writing a recovery file and reading a big
document all take longer than a frame may block, so they run in a worker thread and read the
model there (edits only ever happen on the GUI thread; callers compare the session's
``generation`` to throw away an outcome that raced an edit). Two shapes cover every job:

- ``QJob``: one cancellable run at a time with progress and partial results (Monte Carlo, the
  sweep, results export, autosave, opening a file). Starting again supersedes the running one.
- ``QLatestJob``: live work (projection, tornado, validation). One run at a time; requests made
  while it runs replace each other, so only the newest runs next — the latest request wins.

The worker gets a ``TaskState`` (after Orange's ``widgets/utils/concurrent.py``): it reports
progress and partial results through it, and is stopped at its next progress point once
cancelled. Everything it reports crosses to the GUI thread as a queued signal tagged with its
state, and whatever a cancelled or superseded run still reports is dropped there, so a stale
result never reaches a view.

Every run ends with exactly one of ``sig_done``, ``sig_failed`` or ``sig_cancelled``, then
``sig_finished``: a job that raises anything (``MemoryError`` included) still hands the controls
back to the user. Workers never touch widgets.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop_app.core.engine.montecarlo import Cancelled

Work = Callable[["TaskState"], Any]
_ALL: set[threading.Thread] = set()  # every running worker of the process, joined at shutdown
_ALL_LOCK = threading.Lock()

__all__ = ["Cancelled", "QJob", "QLatestJob", "Task", "TaskState", "describe", "wait_all"]


class TaskState:
    """What a worker sees of its run: where to report, and whether it should stop.

    ``should_cancel`` and ``set_progress`` fit the engine's ``should_cancel=``/``progress=``
    callbacks; ``set_progress`` raises ``Cancelled`` once the run is cancelled, so a job that only
    reports progress still stops at its next progress point.
    """

    def __init__(self, job: QJob) -> None:
        self._job = job
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def should_cancel(self) -> bool:
        return self._cancel.is_set()

    def set_progress(self, share: float) -> None:
        if self._cancel.is_set():
            raise Cancelled("cancelled")
        self._job._emit(self._job._sig_worker_progress, self, float(share))

    def set_partial_result(self, value: Any) -> None:
        if self._cancel.is_set():
            raise Cancelled("cancelled")
        self._job._emit(self._job._sig_worker_partial, self, value)


def describe(error: BaseException) -> str:
    """The reason to show the user: the exception's message, or what kind of error it was."""
    if isinstance(error, MemoryError):
        return "not enough memory" + (f" ({error})" if str(error) else "")
    return str(error) or type(error).__name__


class QJob(QObject):
    """Runs one job at a time in a daemon worker thread; its outcome arrives by signal."""

    sig_started = Signal()
    sig_progress = Signal(float)  # share done, 0..1
    sig_partial = Signal(object)  # whatever the worker passed to ``set_partial_result``
    sig_done = Signal(object)  # the result
    sig_failed = Signal(object)  # the exception (``describe`` gives its message)
    sig_cancelled = Signal()
    sig_finished = Signal()  # after any of the three above
    _sig_worker_progress = Signal(object, float)  # state, share (emitted from the worker)
    _sig_worker_partial = Signal(object, object)  # state, value
    _sig_worker_outcome = Signal(object, object, object)  # state, result, error

    def __init__(self, parent: QObject | None = None, name: str = "atlas-job") -> None:
        super().__init__(parent)
        self.name = name
        self._state: TaskState | None = None
        self._threads: set[threading.Thread] = set()
        self._sig_worker_progress.connect(self._on_progress)
        self._sig_worker_partial.connect(self._on_partial)
        self._sig_worker_outcome.connect(self._on_outcome)

    @property
    def running(self) -> bool:
        """A run is current (started, not yet finished, cancelled or superseded)."""
        return self._state is not None

    def busy(self) -> bool:
        """A worker thread is still alive (a cancelled run may take a chunk to notice)."""
        return any(t.is_alive() for t in list(self._threads))

    def start(self, work: Work, *, inline: bool = False) -> TaskState:
        """Run ``work(state)``, superseding a running job quietly (its outcome is dropped).

        ``inline`` runs it now on this thread (small inputs, where a thread costs more than the
        work); the signals are the same, only synchronous.
        """
        self.discard()
        state = TaskState(self)
        self._state = state
        self.sig_started.emit()
        if inline:
            self._on_outcome(state, *_call(work, state))
            return state
        thread = threading.Thread(target=self._target, args=(work, state), name=self.name,
                                  daemon=True)
        self._threads.add(thread)
        with _ALL_LOCK:
            _ALL.add(thread)
        thread.start()
        return state

    def cancel(self) -> bool:
        """Stop the current run: ``sig_cancelled`` and ``sig_finished`` now, the worker at its
        next progress point. False when nothing was running."""
        if not self.discard():
            return False
        self.sig_cancelled.emit()
        self.sig_finished.emit()
        return True

    def discard(self) -> bool:
        """Stop the current run without a signal (superseded, or the window is closing)."""
        state, self._state = self._state, None
        if state is None:
            return False
        state.cancel()
        return True

    def wait(self, timeout: float = 30.0) -> None:
        """Join the workers (tests, closing); outcomes still arrive through the event loop."""
        deadline = time.monotonic() + timeout
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))

    # --- the worker -----------------------------------------------------------------------
    def _target(self, work: Work, state: TaskState) -> None:
        try:
            try:
                self._emit(self._sig_worker_outcome, state, *_call(work, state))
            except BaseException as exc:  # even reporting failed (out of memory): report that
                self._emit(self._sig_worker_outcome, state, None, exc)
        finally:
            thread = threading.current_thread()
            self._threads.discard(thread)
            with _ALL_LOCK:
                _ALL.discard(thread)

    @staticmethod
    def _emit(signal: Any, *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the receiver is gone (the window closed)
            signal.emit(*args)

    # --- back on the GUI thread -----------------------------------------------------------
    def _on_progress(self, state: TaskState, share: float) -> None:
        if state is self._state:
            self.sig_progress.emit(share)

    def _on_partial(self, state: TaskState, value: Any) -> None:
        if state is self._state:
            self.sig_partial.emit(value)

    def _on_outcome(self, state: TaskState, result: Any, error: BaseException | None) -> None:
        if state is not self._state:
            return  # cancelled or superseded: whatever it produced is stale
        self._state = None
        if error is None:
            self.sig_done.emit(result)
        elif isinstance(error, Cancelled):
            self.sig_cancelled.emit()
        else:
            self.sig_failed.emit(error)
        self.sig_finished.emit()


def _call(work: Work, state: TaskState) -> tuple[Any, BaseException | None]:
    try:
        return work(state), None
    except BaseException as exc:  # delivered to the GUI thread, never lost in a thread
        _detach_traceback(exc)
        return None, exc


def _detach_traceback(exc: BaseException) -> None:
    """Keep the traceback as text and drop its frames: after a ``MemoryError`` their locals
    hold the arrays that filled the memory, and the exception outlives the worker."""
    with contextlib.suppress(BaseException):  # formatting may itself run out of memory
        exc.traceback_text = "".join(traceback.format_exception(exc))  # type: ignore[attr-defined]
    exc.__traceback__ = None


@dataclass(frozen=True, slots=True)
class Task:
    """One request of a ``QLatestJob``: ``tag`` comes back with the outcome."""

    tag: Any
    work: Work
    inline: bool = False


class QLatestJob(QObject):
    """Live work: one run at a time, and the newest waiting request runs next.

    ``submit`` takes a function that captures the request (on the GUI thread) only when it is
    about to start, so a burst of requests during a run costs one capture, of the latest state.
    With ``keep_superseded`` an outcome is delivered even when a newer request waits (a live
    view shows it and the newer one follows); without, it is dropped.
    """

    sig_done = Signal(object, object)  # tag, result
    sig_failed = Signal(object, object)  # tag, exception

    def __init__(self, parent: QObject | None = None, name: str = "atlas-live", *,
                 keep_superseded: bool = False) -> None:
        super().__init__(parent)
        self.keep_superseded = keep_superseded
        self.job = QJob(self, name)
        self._waiting: Callable[[], Task] | None = None
        self._tag: Any = None
        self.job.sig_done.connect(self._on_done)
        self.job.sig_failed.connect(self._on_failed)
        self.job.sig_finished.connect(self._on_finished)

    @property
    def running(self) -> bool:
        return self.job.running

    def pending(self) -> bool:
        """A run is in progress or a request waits for one."""
        return self.job.running or self._waiting is not None

    def submit(self, capture: Callable[[], Task]) -> None:
        """Run ``capture()``'s task now, or after the running one (replacing any waiting)."""
        self._waiting = capture
        if not self.job.running:
            self._start_waiting()

    def clear(self) -> None:
        """Forget the waiting request and drop the running one's outcome."""
        self._waiting = None
        self.job.discard()

    def wait(self, timeout: float = 30.0) -> None:
        self.job.wait(timeout)

    def _start_waiting(self) -> None:
        capture, self._waiting = self._waiting, None
        if capture is None:
            return
        task = capture()
        self._tag = task.tag
        self.job.start(task.work, inline=task.inline)

    def _deliver(self) -> bool:
        return self.keep_superseded or self._waiting is None

    def _on_done(self, result: Any) -> None:
        if self._deliver():
            self.sig_done.emit(self._tag, result)

    def _on_failed(self, error: BaseException) -> None:
        if self._deliver():
            self.sig_failed.emit(self._tag, error)

    def _on_finished(self) -> None:
        if self._waiting is not None and not self.job.running:
            self._start_waiting()


def wait_all(timeout: float) -> None:
    """Join every worker of the process (closing the window), within ``timeout`` overall."""
    deadline = time.monotonic() + timeout
    with _ALL_LOCK:
        threads = list(_ALL)
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
