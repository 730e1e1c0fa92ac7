"""One writer per document, across processes.

The lock lives in a sidecar file (``.<name>.lock``) because saves replace the document's inode.
An OS-level lock (``flock`` / ``msvcrt.locking``) is released by the kernel when the holder dies,
so a crashed app never leaves a document locked; the sidecar only carries who holds it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sys
from pathlib import Path
from typing import IO

from desktop_app.storage.errors import DocumentLocked

# sys.platform rather than os.name: the same test, but one mypy narrows on (msvcrt on Windows only).
if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds only
    import msvcrt

    def _try_lock(f: IO[str]) -> bool:
        try:
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
else:
    import fcntl

    def _try_lock(f: IO[str]) -> bool:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


def lock_path(document: Path) -> Path:
    return document.with_name(f".{document.name}.lock")


class DocumentLock:
    def __init__(self, path: Path, handle: IO[str]) -> None:
        self.path = path
        self._handle: IO[str] | None = handle

    @classmethod
    def acquire(cls, document: Path) -> DocumentLock:
        path = lock_path(document)
        for _ in range(20):
            handle = path.open("a+", encoding="utf-8")
            if not _try_lock(handle):
                handle.seek(0)
                holder = _describe(handle.read())
                handle.close()
                raise DocumentLocked(
                    f"{document.name} is open for editing in another Compute Atlas{holder}; "
                    "close it there or open a copy")
            if _same_file(handle, path):
                break
            handle.close()  # the holder released and unlinked it meanwhile: lock the new one
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({
            "pid": os.getpid(), "host": socket.gethostname(),
            "since": dt.datetime.now().isoformat(timespec="seconds"),
        }))
        handle.flush()
        return cls(path, handle)

    def release(self) -> None:
        if self._handle is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        self._handle.close()
        self._handle = None


def _same_file(handle: IO[str], path: Path) -> bool:
    try:
        return os.fstat(handle.fileno()).st_ino == path.stat().st_ino
    except OSError:
        return False


def _describe(text: str) -> str:
    try:
        info = json.loads(text)
        return f" (process {info['pid']} on {info['host']}, since {info['since']})"
    except (ValueError, KeyError, TypeError):
        return ""
