"""Recovery files: the working model written every minute or so while it has unsaved changes,
so a crash, a power cut or ``kill -9`` costs at most that minute.

Each running app writes ``recovery-<pid>-<start>.atlas`` under the platform's data folder
(``platformdirs.user_data_dir("compute-atlas")/recovery``) with ``storage.write_model``, so a
recovery file is always a complete, valid document, plus a JSON sidecar saying which document
it belongs to and when it was written. The app holds an OS lock on its recovery file while it
runs (``storage.lock``): the kernel drops the lock when the process dies, so at start-up a
recovery file nobody holds is exactly one whose app did not close normally.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.core.model import Model
from desktop_app.storage.document import write_model
from desktop_app.storage.errors import DocumentLocked
from desktop_app.storage.lock import DocumentLock, lock_path
from desktop_app.ui.jobs import QJob, describe
from desktop_app.ui.session import QDocumentSession

DEFAULT_INTERVAL_MS = 60_000
ENV_INTERVAL = "COMPUTE_ATLAS_AUTOSAVE_MS"


def recovery_dir() -> Path:
    """Read at call time: tests and benchmarks point XDG_DATA_HOME elsewhere."""
    return Path(platformdirs.user_data_dir("compute-atlas", appauthor=False)) / "recovery"


@dataclass(frozen=True)
class Recovery:
    """An orphaned recovery file: what it holds, whose document it was, and when."""

    path: Path
    original: Path | None
    saved_at: dt.datetime
    name: str

    @property
    def sidecar(self) -> Path:
        return self.path.with_suffix(".json")

    def describe(self) -> str:
        where = f"“{self.original.name}” in {self.original.parent}" if self.original \
            else f"the unsaved document “{self.name}”"
        minutes = max(0, int((dt.datetime.now() - self.saved_at).total_seconds() // 60))
        ago = "less than a minute ago" if minutes < 1 else f"{minutes} min ago" \
            if minutes < 120 else f"{minutes // 60} h ago"
        when = self.saved_at.strftime("%d %b %Y at %H:%M")
        return f"Unsaved changes to {where} were autosaved on {when} ({ago})."

    def discard(self) -> None:
        for path in (self.path, self.sidecar, lock_path(self.path)):
            with contextlib.suppress(OSError):
                path.unlink()


def find_recoveries() -> list[Recovery]:
    """Recovery files whose app is gone, newest first (live instances hold theirs locked)."""
    folder = recovery_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("recovery-*.atlas"):
        try:
            held = DocumentLock.acquire(path)
        except (DocumentLocked, OSError):
            continue  # a running Compute Atlas is still writing it
        held.release()
        found.append(_describe(path))
    for temp in folder.glob(".recovery-*.saving"):  # an autosave killed mid-write
        if not any(temp.name.startswith(f".{r.path.name}.") for r in found) and \
                time.time() - temp.stat().st_mtime > 60:
            with contextlib.suppress(OSError):
                temp.unlink()
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


def _describe(path: Path) -> Recovery:
    saved_at = dt.datetime.fromtimestamp(path.stat().st_mtime)
    original, name = None, "Untitled"
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        info = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        original = Path(info["original"]) if info.get("original") else None
        name = info.get("name") or name
        saved_at = dt.datetime.fromisoformat(info["saved_at"])
    return Recovery(path, original, saved_at, name)


def interval_from_env(default: int = DEFAULT_INTERVAL_MS) -> int:
    try:
        return max(50, int(os.environ.get(ENV_INTERVAL, default)))
    except ValueError:
        return default


class QAutosaver(QObject):
    """Writes the session's model to this process's recovery file while it is modified."""

    sig_saved = Signal(str)  # the recovery path
    sig_failed = Signal(str)  # why the recovery file could not be written (tried again later)

    def __init__(self, session: QDocumentSession, interval_ms: int | None = None) -> None:
        super().__init__(session)
        self._session = session
        stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
        self.path = recovery_dir() / f"recovery-{os.getpid()}-{stamp}.atlas"
        self._lock: DocumentLock | None = None
        self._job = QJob(self, "atlas-autosave")
        self._job.sig_done.connect(self._on_written)
        self._job.sig_failed.connect(
            lambda error: self.sig_failed.emit(f"Recovery file not written: {describe(error)}"))
        self._job.sig_finished.connect(self._on_write_ended)
        self._written_generation: int | None = None
        self._writing_generation: int | None = None
        self._after_write: list[Callable[[], None]] = []
        self.timer = QTimer(self, interval=interval_ms or interval_from_env())
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        session.sig_modified_changed.connect(self._on_modified_changed)
        session.sig_document_replaced.connect(self._on_replaced)

    def tick(self, then: Callable[[], None] | None = None) -> None:
        """Write now if there are changes the recovery file does not have yet."""
        session = self._session
        if then is not None:
            self._after_write.append(then)
        if not session.is_modified or self._writing:
            return
        if session.generation == self._written_generation and self.path.exists():
            self._run_after_write()
            return
        if not self._hold_lock():
            return
        model, generation = session.model, session.generation
        document = session.document
        info = {"original": str(document.path) if document.path else None,
                "name": document.name, "pid": os.getpid()}
        self._writing_generation = generation
        self._job.start(lambda _state: self._write(model, info))

    @property
    def _writing(self) -> bool:
        return self._job.running

    def _on_written(self, _result: object) -> None:
        if self._session.is_modified:
            self._written_generation = self._writing_generation
            self.sig_saved.emit(str(self.path))
            self._run_after_write()

    def _on_write_ended(self) -> None:
        if not self._session.is_modified:
            self.discard()  # saved or reverted while writing

    def _write(self, model: Model, info: dict) -> None:
        write_model(model, self.path)
        info["saved_at"] = dt.datetime.now().isoformat(timespec="seconds")
        sidecar = self.path.with_suffix(".json")
        temp = sidecar.with_suffix(".json.tmp")
        temp.write_text(json.dumps(info, indent=1), encoding="utf-8")
        os.replace(temp, sidecar)

    def _hold_lock(self) -> bool:
        if self._lock is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._lock = DocumentLock.acquire(self.path)
            except (OSError, DocumentLocked):
                return False
        return True

    def _run_after_write(self) -> None:
        callbacks, self._after_write = self._after_write, []
        for callback in callbacks:
            callback()

    def discard(self) -> None:
        """No unsaved changes any more: remove the recovery file and let go of its lock."""
        self._written_generation = None
        if self._writing:
            return  # ``done`` discards once the write has finished
        for path in (self.path, self.path.with_suffix(".json")):
            with contextlib.suppress(OSError):
                path.unlink()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def close(self) -> None:
        """The app is closing normally (changes saved or knowingly discarded)."""
        self.timer.stop()
        self._job.wait()
        self._job.discard()
        self.discard()

    def wait(self) -> None:
        self._job.wait()

    def _on_modified_changed(self, modified: bool) -> None:
        if not modified:
            self.discard()

    def _on_replaced(self) -> None:
        self._written_generation = None
        if not self._session.is_modified:
            self.discard()
