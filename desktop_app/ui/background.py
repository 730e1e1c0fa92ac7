"""Run a function off the GUI thread and get its outcome back on the GUI thread.

Reading a large document, validating or projecting a 10,000-site model and writing a recovery
file each take longer than the 50 ms a frame may block. They read the live model from a worker
thread; the caller compares the model's ``generation`` before and after to throw away a result
that raced with an edit (edits only ever happen on the GUI thread).
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

Done = Callable[[Any, BaseException | None], None]
_ALL: set[threading.Thread] = set()  # every running worker, to join them at shutdown


class QBackground(QObject):
    """Starts daemon worker threads; ``on_done(result, error)`` runs on the GUI thread."""

    _sig_finished = Signal(object, object, object)  # callback, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sig_finished.connect(self._on_finished)
        self._threads: set[threading.Thread] = set()

    def run(self, work: Callable[[], Any], on_done: Done, name: str = "atlas-worker") -> None:
        def target() -> None:
            try:
                result, error = work(), None
            except BaseException as exc:  # delivered to the caller, never lost in a thread
                result, error = None, exc
                exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._threads.discard(threading.current_thread())
            _ALL.discard(threading.current_thread())
            with contextlib.suppress(RuntimeError):  # the receiver is gone (app closing)
                self._sig_finished.emit(on_done, result, error)

        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.add(thread)
        _ALL.add(thread)
        thread.start()

    def busy(self) -> bool:
        return bool(self._threads)

    def wait(self, timeout: float = 10.0) -> None:
        """Join the running workers (tests and shutdown); results still arrive via events."""
        for thread in list(self._threads):
            thread.join(timeout)

    @staticmethod
    def wait_all(timeout: float) -> None:
        """Join every worker of the process (closing the window), within ``timeout`` overall."""
        deadline = time.monotonic() + timeout
        for thread in list(_ALL):
            thread.join(max(0.0, deadline - time.monotonic()))

    @staticmethod
    def _on_finished(on_done: Done, result: Any, error: BaseException | None) -> None:
        on_done(result, error)
