"""Crash logs: an unhandled exception is written to the platform's log folder, and the user is
told where.

``install_crash_handler(show)`` replaces ``sys.excepthook`` (and ``threading.excepthook``):
each unhandled exception writes ``crash-<time>-<pid>.log`` with the traceback, the version and
the platform under ``platformdirs.user_log_dir("compute-atlas")`` (Linux
``~/.local/state/compute-atlas/log``, Windows ``%LOCALAPPDATA%\\compute-atlas\\Logs``, macOS
``~/Library/Logs/compute-atlas``), prints the traceback and the log's path on stderr, then calls
``show(path)`` — the GUI passes a function that opens a dialog. PySide6 hands exceptions raised
in slots and event handlers to ``sys.excepthook`` and keeps running, so the hook never exits.
No Qt here: the CLI and the engine can use it too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import platformdirs

APP = "compute-atlas"
KEEP_LOGS = 20  # older crash logs are pruned when a new one is written

Show = Callable[[str], None]


def log_dir() -> Path:
    """Read at call time, so tests can point ``XDG_STATE_HOME`` elsewhere."""
    return Path(platformdirs.user_log_dir(APP, appauthor=False))


def crash_message(path: str | Path) -> str:
    """What to tell the user (the GUI may use it as the dialog's text)."""
    return (f"Compute Atlas hit an unexpected error. The details were written to\n{path}\n"
            "Please send that file with a note of what you were doing.")


def write_crash_log(exc_type: type[BaseException], exc: BaseException,
                    tb: TracebackType | None, *, thread: str | None = None) -> Path:
    """Write one crash log and return its path (falls back to the temp folder)."""
    from desktop_app import __version__

    now = dt.datetime.now()
    lines = [
        f"Compute Atlas {__version__} crash report, {now.isoformat(timespec='seconds')}",
        f"python {platform.python_version()} on {platform.platform()}"
        f"{' (frozen)' if getattr(sys, 'frozen', False) else ''}",
        f"argv {sys.argv!r}",
    ]
    if thread:
        lines.append(f"thread {thread}")
    text = "\n".join(lines) + "\n\n" + "".join(traceback.format_exception(exc_type, exc, tb))
    name = f"crash-{now:%Y%m%d-%H%M%S}-{os.getpid()}.log"
    for folder in (log_dir(), Path(os.environ.get("TMPDIR", "/tmp")) / APP):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = _unique(folder / name)
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        _prune(folder)
        return path
    raise OSError("no writable folder for the crash log")


def install_crash_handler(show: Show | None = None) -> None:
    """Log every unhandled exception (main and worker threads), print where, call ``show``."""
    busy = threading.Lock()  # a crash inside ``show`` must not open dialogs forever

    def report(exc_type: type[BaseException], exc: BaseException,
               tb: TracebackType | None, thread: str | None = None) -> None:
        if issubclass(exc_type, KeyboardInterrupt | SystemExit):
            sys.__excepthook__(exc_type, exc, tb)
            return
        traceback.print_exception(exc_type, exc, tb, file=sys.stderr)
        try:
            path = write_crash_log(exc_type, exc, tb, thread=thread)
        except OSError as error:
            print(f"{APP}: crashed, and the crash log could not be written ({error})",
                  file=sys.stderr)
            return
        print(f"{APP}: crashed; the details are in {path}", file=sys.stderr)
        if show is not None and threading.current_thread() is threading.main_thread() \
                and busy.acquire(blocking=False):
            try:
                show(str(path))
            except Exception:  # the log is written: the dialog is a bonus
                print(f"{APP}: could not show the crash dialog", file=sys.stderr)
            finally:
                busy.release()

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            name = args.thread.name if args.thread is not None else None
            report(args.exc_type, args.exc_value, args.exc_traceback, name)

    sys.excepthook = report
    threading.excepthook = thread_hook


def _unique(path: Path) -> Path:
    candidate, counter = path, 1
    while candidate.exists():  # two crashes within a second
        candidate = path.with_name(f"{path.stem}-{counter}{path.suffix}")
        counter += 1
    return candidate


def _prune(folder: Path) -> None:
    logs = sorted(folder.glob("crash-*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in logs[KEEP_LOGS:]:
        with contextlib.suppress(OSError):
            old.unlink()
