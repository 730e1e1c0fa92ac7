"""Open and save ``.atlas`` documents without ever leaving a broken file behind.

The model is read into memory (the working copy) and the file is not touched again until Save,
which writes a complete new database beside the target, fsyncs it and renames it over the
target: a crash or ``kill -9`` at any instant leaves the old file or the new one.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import sqlite3
from pathlib import Path

import sqlite_utils

from desktop_app.core.model import Model
from desktop_app.storage.codec import model_to_rows, rows_to_model
from desktop_app.storage.errors import (
    CorruptDocument,
    DocumentError,
    DocumentLocked,
    DocumentMissing,
    NewerVersion,
    NotAnAtlasFile,
    SaveFailed,
)
from desktop_app.storage.lock import DocumentLock
from desktop_app.storage.migrations import migrate
from desktop_app.storage.schema import APPLICATION_ID, SCHEMA_VERSION, SQLITE_HEADER, all_tables

EXTENSION = ".atlas"


def read_model(path: str | os.PathLike[str]) -> Model:
    """Read a document into a new model; never writes to ``path``."""
    path = Path(path)
    _check_header(path)
    _check_no_journal(path)
    try:
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise CorruptDocument(f"{path.name}: cannot be opened ({exc})") from exc
    try:
        version = _check_identity(path, source)
        if version < SCHEMA_VERSION:
            working = sqlite3.connect(":memory:")
            source.backup(working)
            source.close()
            source = working
            _drop_triggers(source)  # a migration step's UPDATE must not run the file's SQL
            migrate(sqlite_utils.Database(source), version)
        return _read_rows(path, source)
    except sqlite3.DatabaseError as exc:
        raise CorruptDocument(f"{path.name} is damaged and cannot be read ({exc})") from exc
    except (UnicodeDecodeError, RecursionError, AttributeError, TypeError, ValueError,
            KeyError) as exc:  # names or structure no Compute Atlas wrote (a flipped byte)
        raise CorruptDocument(f"{path.name} is damaged and cannot be read "
                              f"({type(exc).__name__}: {exc})") from exc
    finally:
        source.close()


def _drop_triggers(db: sqlite3.Connection) -> None:
    """Compute Atlas never writes triggers; one in an old file (hostile, or another tool's)
    would fire on a migration step's UPDATE and change what the in-memory copy reads."""
    names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    for name in names:
        db.execute(f'DROP TRIGGER IF EXISTS "{name.replace(chr(34), chr(34) * 2)}"')


def _check_no_journal(path: Path) -> None:
    """Refuse a document with an SQLite journal beside it: another program is writing it, or
    stopped mid-write. Read as it stands, it would show a half-written state, and a journal
    left beside the file a save puts in its place would corrupt that file when next opened."""
    for suffix in ("-wal", "-journal"):
        journal = path.with_name(path.name + suffix)
        with contextlib.suppress(OSError):
            if journal.stat().st_size > 0:
                raise DocumentError(
                    f"{path.name} has an SQLite journal beside it ({journal.name}): another "
                    "program is writing it, or stopped mid-write. Close that program (or open "
                    "the file once with it, or the sqlite3 tool, to finish or roll back the "
                    "write), then try again")


def _check_header(path: Path) -> None:
    if not path.is_file():
        raise DocumentMissing(f"{path} does not exist or is not a file")
    size = path.stat().st_size
    with path.open("rb") as f:
        header = f.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise NotAnAtlasFile(f"{path.name} is not a Compute Atlas document (not an SQLite file)")
    if len(header) < 100:
        raise CorruptDocument(f"{path.name} is truncated ({size} bytes, shorter than a header)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    valid_count = header[24:28] == header[92:96]  # else the header's page count is stale
    if page_count and valid_count and size < page_count * page_size:
        raise CorruptDocument(
            f"{path.name} is truncated: {size:,} bytes of the {page_count * page_size:,} "
            "its header declares")


def _check_identity(path: Path, conn: sqlite3.Connection) -> int:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id != APPLICATION_ID:
        raise NotAnAtlasFile(
            f"{path.name} is an SQLite database of another application "
            f"(application_id {app_id:#x}), not a Compute Atlas document")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise NewerVersion(
            f"{path.name} was saved by a newer Compute Atlas (document version {version}; "
            f"this version reads up to {SCHEMA_VERSION}); update Compute Atlas to open it")
    if version < 1:
        raise CorruptDocument(f"{path.name} has no document version; it is damaged")
    check = conn.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        detail = " ".join(line for line in check.splitlines() if not line.startswith("***"))
        raise CorruptDocument(f"{path.name} is damaged ({detail or check})")
    return version


def _read_rows(path: Path, conn: sqlite3.Connection) -> Model:
    conn.row_factory = sqlite3.Row
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = [t for t in all_tables() if t not in present]
    if missing:
        raise CorruptDocument(f"{path.name} lacks the tables {', '.join(missing)}")
    rows = {
        table: [dict(r) for r in conn.execute(f"SELECT * FROM [{table}]")]
        for table in all_tables()
    }
    try:
        return rows_to_model(rows)
    except (KeyError, TypeError, ValueError) as exc:
        raise CorruptDocument(f"{path.name} holds rows this version cannot read ({exc})") from exc


def write_model(model: Model, path: str | os.PathLike[str]) -> None:
    """Atomically replace ``path`` with the model (old file intact on any failure)."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    temp: Path | None = None
    with contextlib.suppress(OSError):
        if path.exists() and not path.stat().st_mode & 0o222:  # read-only to everyone
            raise SaveFailed(f"could not save {path.name}: the file is read-only; save a copy "
                             "under another name (Save As); the file is unchanged")
    try:
        temp = _create_temp(path, directory)
        _write_database(model, temp)
        with temp.open("rb+") as f:
            os.fsync(f.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except (OSError, sqlite3.Error, ValueError, OverflowError, TypeError) as exc:
        _discard(temp)
        raise SaveFailed(f"could not save {path.name}: {exc}; the previous file is unchanged") \
            from exc
    except BaseException:
        _discard(temp)
        raise
    with contextlib.suppress(OSError):  # the new file is in place; durability is best effort
        _fsync_directory(directory)


def _create_temp(path: Path, directory: Path) -> Path:
    """A new private file beside the target; the kernel applies the umask to its mode."""
    for _ in range(100):
        temp = directory / f".{path.name}.{secrets.token_hex(4)}.saving"
        try:
            fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return temp
    raise OSError(f"cannot create a temporary file in {directory}")


def _discard(temp: Path | None) -> None:
    if temp is not None:
        with contextlib.suppress(OSError):
            temp.unlink()


def remove_stale_temps(path: Path) -> None:
    """Temp files of saves that were killed; call only while holding the document's lock."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.????????.saving"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _write_database(model: Model, temp: Path) -> None:
    conn = sqlite3.connect(temp, isolation_level=None)
    try:
        # No journal: the file is private until the rename, so a crash just discards it.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        db = sqlite_utils.Database(conn)
        rows = model_to_rows(model)
        conn.execute("BEGIN")
        for table, columns in all_tables().items():
            db.table(table).create(columns)
            placeholders = ", ".join("?" * len(columns))
            names = ", ".join(f"[{c}]" for c in columns)
            conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({placeholders})",
                             rows[table])
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    finally:
        conn.close()


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _lock(path: Path) -> DocumentLock:
    try:
        return DocumentLock.acquire(path)
    except OSError as exc:
        raise DocumentError(f"cannot lock {path.name} for editing ({exc.strerror or exc}); "
                            "open a copy or check the folder's permissions") from exc


def create_document(model: Model, path: str | os.PathLike[str]) -> Path:
    """Write ``model`` as a new document at ``path``, replacing one there — under its write
    lock, so a document open for editing elsewhere is refused (``DocumentLocked``), not
    overwritten. Returns the resolved path."""
    path = Path(path).resolve()
    held = _lock(path)
    try:
        remove_stale_temps(path)
        write_model(model, path)
    finally:
        held.release()
    return path


class Document:
    """An open document: the working model, where it lives, and its write lock."""

    def __init__(self, model: Model, path: Path | None = None,
                 lock: DocumentLock | None = None) -> None:
        self.model = model
        self.path = path
        self._lock = lock

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, lock: bool = True) -> Document:
        """Open for editing; with ``lock`` a second writer gets ``DocumentLocked``.

        The path is resolved: saving through a symbolic link updates the file it points to
        (not a copy in the link's place), and the link and the file share one lock."""
        path = Path(path).resolve()
        if not path.is_file():
            raise DocumentMissing(f"{path} does not exist or is not a file")
        held = _lock(path) if lock else None
        try:
            model = read_model(path)
        except BaseException:
            if held:
                held.release()
            raise
        if held:
            remove_stale_temps(path)
        return cls(model, path, held)

    @property
    def name(self) -> str:
        return self.path.name if self.path else "Untitled"

    def save(self) -> None:
        if self.path is None:
            raise DocumentError("the document has no file yet; use Save As")
        write_model(self.model, self.path)

    def save_as(self, path: str | os.PathLike[str]) -> None:
        """Write to ``path`` and make it this document's file (moving the lock)."""
        path = Path(path).resolve()
        if path == self.path:
            self.save()
            return
        try:
            new_lock = _lock(path)
        except DocumentLocked:
            raise
        except DocumentError as exc:
            raise SaveFailed(f"could not save {path.name}: {exc}; the previous file is "
                             "unchanged") from exc
        remove_stale_temps(path)
        try:
            write_model(self.model, path)
        except BaseException:
            new_lock.release()
            raise
        if self._lock:
            self._lock.release()
        self._lock, self.path = new_lock, path

    def close(self) -> None:
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
