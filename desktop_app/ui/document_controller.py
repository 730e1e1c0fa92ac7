"""File commands: New, Open, Open Recent, Save, Save As, Revert, Close, and recovery.

Every path that could lose work goes through ``confirm_discard`` (the unsaved-changes prompt),
and every failure becomes a dialog that names the file and the reason while the current
document stays open and editable. Large files are read in a worker thread so the window keeps
painting.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu, QWidget

from desktop_app.core.model import Model
from desktop_app.storage.document import Document, read_model
from desktop_app.storage.errors import DocumentError, DocumentLocked, DocumentMissing
from desktop_app.storage.lock import DocumentLock
from desktop_app.ui import dialogs, settings
from desktop_app.ui.autosave import QAutosaver, Recovery, find_recoveries
from desktop_app.ui.jobs import QJob
from desktop_app.ui.session import QDocumentSession

WORKER_BYTES = 1_000_000  # files above ~1 MB (~1,500 sites) are read off the GUI thread


def sample_model() -> Model:
    from desktop_app.core.sample_model import build_sample_model  # imported when first needed

    return build_sample_model()


class QDocumentController(QObject):
    sig_message = Signal(str)
    sig_busy = Signal(bool)  # a document is being read in the background
    sig_opened = Signal(str)  # path, after a successful open

    def __init__(self, window: QWidget, session: QDocumentSession,
                 autosaver: QAutosaver) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self._autosaver = autosaver
        self._job = QJob(self, "atlas-open")  # reads a large document off the GUI thread
        self._job.sig_done.connect(self._on_read)
        self._job.sig_failed.connect(self._on_read_failed)
        self.loading: Path | None = None
        self._loaded: Callable[[bool], None] | None = None  # the ``on_done`` of that open

    # --- prompts --------------------------------------------------------------------------
    def confirm_discard(self) -> bool:
        """True when the current document may be replaced or closed (saved or discarded)."""
        if not self._session.is_modified:
            return True
        choice = dialogs.ask_save_changes(self._window, self._session.name)
        if choice == "save":
            return self.save()
        return choice == "discard"

    # --- new / open -----------------------------------------------------------------------
    def new_blank(self) -> None:
        if self.confirm_discard():
            self._session.replace(Document(Model()))
            self.sig_message.emit("New empty model")

    def new_sample(self, *, confirm: bool = True) -> None:
        if confirm and not self.confirm_discard():
            return
        self._session.replace(Document(sample_model()), note="2026 buildout sample")
        self.sig_message.emit("New model from the 2026 buildout sample")

    def open_dialog(self) -> None:
        path = dialogs.get_open_path(self._window, self._start_directory())
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path, *, confirm: bool = True,
                  on_done: Callable[[bool], None] | None = None) -> bool:
        """Open ``path`` (in a worker when large); False if refused, cancelled or failed."""
        path = Path(path).absolute()
        if self.loading is not None:
            self.sig_message.emit(f"Still opening {self.loading.name}…")
            return False
        if self._session.document.path == path:
            self.sig_message.emit(f"{path.name} is already open")
            return True
        if confirm and not self.confirm_discard():
            return False
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        if size < WORKER_BYTES:
            try:
                document = Document.open(path)
            except DocumentError as exc:
                return self._failed(path, exc, on_done)
            self._adopt(document)
            if on_done:
                on_done(True)
            return True
        self.loading = path
        self.sig_busy.emit(True)
        self.sig_message.emit(f"Opening {path.name}…")

        self._loaded = on_done
        self._job.start(lambda _state: Document.open(path))
        return True

    def _end_loading(self) -> tuple[Path, Callable[[bool], None] | None]:
        path, on_done = self.loading, self._loaded
        assert path is not None
        self.loading, self._loaded = None, None
        self.sig_busy.emit(False)
        return path, on_done

    def _on_read(self, document: Document) -> None:
        _path, on_done = self._end_loading()
        self._adopt(document)
        if on_done:
            on_done(True)

    def _on_read_failed(self, error: BaseException) -> None:
        path, on_done = self._end_loading()
        self._failed(path, error, on_done)

    def _adopt(self, document: Document) -> None:
        self._session.replace(document)
        self.remember(document.path)
        self.sig_opened.emit(str(document.path))
        self.sig_message.emit(f"Opened {document.name}")

    def _failed(self, path: Path, error: BaseException,
                on_done: Callable[[bool], None] | None) -> bool:
        if isinstance(error, DocumentMissing):
            self.forget(path)
        reason = str(error) if isinstance(error, DocumentError) else \
            f"{path.name} could not be read ({type(error).__name__}: {error})"
        dialogs.show_error(self._window, "Cannot open document", reason)
        self.sig_message.emit(f"Could not open {path.name}")
        if on_done:
            on_done(False)
        return False

    # --- save -----------------------------------------------------------------------------
    def save(self) -> bool:
        document = self._session.document
        if document.path is None:
            return self.save_as()
        try:
            document.save()
        except DocumentError as exc:
            dialogs.show_error(self._window, "Cannot save document", str(exc))
            return False
        self._saved()
        return True

    def save_as(self) -> bool:
        document = self._session.document
        suggested = str(document.path) if document.path else \
            str(Path(self._start_directory()) / f"{_file_stem(self._session)}.atlas")
        path = dialogs.get_save_path(self._window, suggested)
        if not path:
            return False
        try:
            document.save_as(path)
        except DocumentError as exc:
            dialogs.show_error(self._window, "Cannot save document", str(exc))
            return False
        self._saved()
        return True

    def _saved(self) -> None:
        self._session.mark_saved()
        self._autosaver.discard()
        self.remember(self._session.document.path)
        self.sig_message.emit(f"Saved {self._session.name}")

    # --- revert / close -------------------------------------------------------------------
    def revert(self) -> None:
        document = self._session.document
        if document.path is None:
            self.sig_message.emit("Nothing to revert to: the document has never been saved")
            return
        if not self._session.is_modified or not dialogs.ask_revert(self._window, document.name):
            return
        try:
            document.model = read_model(document.path)
        except DocumentError as exc:
            dialogs.show_error(self._window, "Cannot revert", str(exc))
            return
        self._session.replace(document)
        self.sig_message.emit(f"Reverted to the saved {document.name}")

    def close_document(self) -> bool:
        if not self.confirm_discard():
            return False
        self._session.replace(Document(Model()))
        self.sig_message.emit("Closed; this is a new empty model")
        return True

    # --- recovery -------------------------------------------------------------------------
    def offer_recovery(self) -> bool:
        """Ask about each orphaned recovery file (newest first); True if one was restored."""
        for recovery in find_recoveries():
            if recovery.path == self._autosaver.path:
                continue
            choice = dialogs.ask_recover(self._window, recovery)
            if choice == "discard":
                recovery.discard()
            elif choice == "recover" and self.recover(recovery):
                return True
        return False

    def recover(self, recovery: Recovery) -> bool:
        try:
            model = read_model(recovery.path)
        except DocumentError as exc:
            dialogs.show_error(self._window, "Cannot recover", str(exc))
            return False
        if not self.confirm_discard():
            return False
        lock, path = None, recovery.original
        note = "" if path is not None else f"recovered from {recovery.saved_at:%d %b %H:%M}"
        if path is not None:
            try:
                lock = DocumentLock.acquire(path)
            except (DocumentLocked, OSError):
                path, note = None, f"recovered copy of {recovery.original}"
        self._session.replace(Document(model, path, lock), modified=True, note=note)
        self._autosaver.tick(then=recovery.discard)  # the old file goes once ours is written
        self.sig_message.emit(f"Recovered the changes autosaved {recovery.saved_at:%H:%M}")
        return True

    # --- recent files ---------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        """Recent documents that still exist (missing ones are pruned from the list)."""
        recent = settings.get(settings.RECENT_FILES)
        existing = [p for p in recent if Path(p).is_file()]
        if existing != recent:
            settings.put(settings.RECENT_FILES, existing)
        return existing

    def remember(self, path: Path | None) -> None:
        if path is None:
            return
        recent = [str(path)] + [p for p in settings.get(settings.RECENT_FILES) if p != str(path)]
        settings.put(settings.RECENT_FILES, recent[:settings.MAX_RECENT])
        settings.put(settings.LAST_DIRECTORY, str(path.parent))

    def forget(self, path: Path) -> None:
        recent = settings.get(settings.RECENT_FILES)
        settings.put(settings.RECENT_FILES, [p for p in recent if p != str(path)])

    def clear_recent(self) -> None:
        settings.put(settings.RECENT_FILES, [])

    def fill_recent_menu(self, menu: QMenu) -> None:
        """File ▸ Open Recent, rebuilt each time it opens (missing files pruned first)."""
        menu.clear()
        recent = self.recent_files()
        for i, path in enumerate(recent, 1):
            action = menu.addAction(f"&{i % 10} {Path(path).name}")
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not recent:
            menu.addAction("No recent documents").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear Menu", self.clear_recent)

    def _start_directory(self) -> str:
        return settings.get(settings.LAST_DIRECTORY) or str(Path.home())


def _file_stem(session: QDocumentSession) -> str:
    title = session.model.settings.title.strip() if isinstance(
        session.model.settings.title, str) else ""
    safe = "".join(c for c in title if c.isalnum() or c in " -_").strip()
    return safe or "Untitled"
