"""Render the README screenshots: the main window on the sample model at 1440×900, offscreen.

    make screenshots
    (or: QT_QPA_PLATFORM=offscreen .venv/bin/python build_scripts/screenshots.py)

Writes ``docs/screenshot-main.png`` (the sample, a site and its phases selected) and
``docs/screenshot-issues.png`` (two invalid values typed in, the issues panel listing them and
the first one's cell selected). Settings and recovery files go to a throw-away folder so a
developer's saved layout never leaks into the pictures.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1440, 900)


def _isolate() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.mkdtemp(prefix="compute-atlas-shots-"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(scratch / var.lower())
    sys.path.insert(0, str(ROOT))


def _settle(app: object, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def main() -> int:
    _isolate()
    from desktop_app.ui.app import create_application
    from desktop_app.ui.main_window import QAtlasMainWindow

    app = create_application()
    window = QAtlasMainWindow(autosave_ms=3_600_000)
    window.open_initial([])
    window.resize(*SIZE)
    window.show()
    _settle(app, 1.5)  # chart import, first projection
    site = window.session.model.site("Stargate Abilene") or window.session.model.sites[0]
    window.show_row("site", site)
    _settle(app, 0.3)
    out = ROOT / "docs"
    out.mkdir(exist_ok=True)
    _save(window, out / "screenshot-main.png")

    type_into(window, "site", site.uid, "utilisation", "150 %")
    phase = window.session.model.phases_of(site.name)[-1]
    type_into(window, "phase", phase.uid, "online_year", "2034")
    window.session.checker.wait()
    _settle(app, 0.6)
    window.docks["issues"].raise_()
    # Show the second problem so the first one's cell keeps its tint and icon (unselected).
    window.show_problem(window.session.problems.problems[1])
    issues = window.issues
    issues.view.setCurrentIndex(issues.model.index(1, 0))
    window.editors["site"].view.clearSelection()
    _settle(app, 0.3)
    _save(window, out / "screenshot-issues.png")
    window.session.stack.setClean()  # close without the unsaved-changes prompt
    window.close()
    return 0


def type_into(window: object, kind: str, uid: int, field: str, text: str) -> None:
    """Enter a value in a cell through the table model, as typing into it would."""
    editor = window.editors[kind]  # type: ignore[attr-defined]
    editor.select(uid, field)
    index = editor.view.currentIndex()
    editor.model.setData(index, text)


def _save(window: object, path: Path) -> None:
    image = window.grab()  # type: ignore[attr-defined]
    if not image.save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT)} ({image.width()}×{image.height()})")


if __name__ == "__main__":
    sys.exit(main())
