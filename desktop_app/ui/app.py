"""Start the desktop application: ``main(argv)`` opens the window on a file or the sample.

Also the only place that reads the environment switches used by benchmarks and tests:

* ``COMPUTE_ATLAS_AUTOSAVE_MS``: autosave interval (default one minute);
* ``COMPUTE_ATLAS_BENCH=first-paint``: print ``first-paint <unix time>`` when the window has
  painted for the first time and ``chart <unix time>`` when the spend chart shows its first
  projection, then quit (``benchmarks/gui.py``);
* ``COMPUTE_ATLAS_TEST_EDITS``: a JSON list of ``{"kind", "key", "field", "text"}`` edits to
  apply through the undo stack after start-up, as a user would (the kill-and-recover test).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

import desktop_app
from desktop_app.crash import crash_message, install_crash_handler
from desktop_app.ui import settings
from desktop_app.ui.autosave import interval_from_env
from desktop_app.ui.icons import icon
from desktop_app.ui.main_window import QAtlasMainWindow

ENV_BENCH = "COMPUTE_ATLAS_BENCH"
ENV_TEST_EDITS = "COMPUTE_ATLAS_TEST_EDITS"


def create_application() -> QApplication:
    """The process's QApplication with the names QSettings and the window titles use."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0] if sys.argv else "compute-atlas"])
    app.setOrganizationName(settings.ORGANIZATION)
    app.setApplicationName(settings.APPLICATION)
    app.setApplicationDisplayName("Compute Atlas")
    app.setApplicationVersion(desktop_app.__version__)
    app.setWindowIcon(icon("app"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    # Validation, projection and autosave run in worker threads; a 1 ms GIL switch interval
    # (default 5 ms) lets the UI thread back in between their bytecodes promptly.
    sys.setswitchinterval(0.001)
    return app


def main(argv: list[str] | None = None) -> int:
    """Open the GUI on ``argv[0]`` (a ``.atlas`` path) or on the built-in sample."""
    paths = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    app = create_application()
    install_crash_handler(lambda path: _show_crash(app, path))
    window = QAtlasMainWindow(autosave_ms=interval_from_env())
    bench = os.environ.get(ENV_BENCH)
    if bench:
        window.installEventFilter(_FirstPaint(window, quit_after=bench == "first-paint"))
    window.open_initial(paths)
    window.show()
    if not bench:
        QTimer.singleShot(0, window.documents.offer_recovery)
    script = os.environ.get(ENV_TEST_EDITS)
    if script:
        QTimer.singleShot(0, lambda: apply_scripted_edits(window, json.loads(script)))
    return app.exec()


def _show_crash(app: QApplication, path: str) -> None:
    """Tell the user where the crash log is; queued to the GUI thread (crashes may come from
    workers, and widgets live on the GUI thread only)."""
    QTimer.singleShot(0, app, lambda: QMessageBox.critical(None, "Compute Atlas",
                                                           crash_message(path)))


class _FirstPaint(QObject):
    """Reports the wall-clock time once the window has painted (after its paint returns),
    then when the chart shows its first projection; quits after both when asked to."""

    def __init__(self, window: QAtlasMainWindow, *, quit_after: bool) -> None:
        super().__init__(window)
        self._quit_after = quit_after
        self._painted = self._charted = False
        window.dashboard.sig_drawn.connect(self._on_chart)

    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._report_paint)
        return False

    def _report_paint(self) -> None:
        print(f"first-paint {time.time():.6f}", flush=True)
        self._maybe_quit()

    def _on_chart(self) -> None:
        if not self._charted:
            self._charted = True
            print(f"chart {time.time():.6f}", flush=True)
            self._maybe_quit()

    def _maybe_quit(self) -> None:
        if self._quit_after and self._painted and self._charted:
            QApplication.instance().quit()  # type: ignore[union-attr]


def apply_scripted_edits(window: QAtlasMainWindow, script: list[dict[str, str]]) -> None:
    """Type values into cells by kind, key and field, through the same path as the editor."""
    from desktop_app.core import edits, fields

    for step in script:
        kind, key, field = step["kind"], step["key"], step["field"]
        row = next(r for r in window.session.model.collection(kind) if edits.key_of(r) == key)
        value = fields.parse(kind, field, step["text"])
        window.session.push(edits.SetField(kind, row.uid, field, value),
                            f"Edit {field} of {key}")
    print("scripted-edits-done", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
